"""The versioned API, mounted at /api/v1/ by legami/urls.py."""

from legami.api.v1 import api

__all__ = ["api"]
