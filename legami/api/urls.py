"""The versioned API, mounted at /api/v1/."""

from ninja import NinjaAPI

api = NinjaAPI(title="legami API", version="1.0.0", urls_namespace="api-v1")
