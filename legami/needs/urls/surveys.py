"""Routes of the needs app: surveys."""

urlpatterns: list = []
