"""Routes of the needs app: needs."""

urlpatterns: list = []
