"""public views (to be written)."""

from django.http import HttpResponse


def network_home(request, *args, **kwargs):
    return HttpResponse(status=501)


def dashboard(request, *args, **kwargs):
    return HttpResponse(status=501)
