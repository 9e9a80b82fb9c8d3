"""Test-only URLconf: the site's routes plus views that fail, to see the 500 page as production serves it."""

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from legami.urls import urlpatterns as site_urlpatterns


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail of the failure")


def database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [
    path("test-errors/crash/", crash),
    path("test-errors/database-down/", database_down),
    *site_urlpatterns,
]
