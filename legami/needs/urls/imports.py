"""Routes of the needs app: imports."""

urlpatterns: list = []
