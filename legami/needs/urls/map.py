"""Routes of the needs app: map."""

urlpatterns: list = []
