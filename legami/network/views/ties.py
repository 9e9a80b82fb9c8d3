"""ties views (to be written)."""

from django.http import HttpResponse


def tie_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def tie_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def tie_update(request, *args, **kwargs):
    return HttpResponse(status=501)


def tie_delete(request, *args, **kwargs):
    return HttpResponse(status=501)
