"""privacy views (to be written)."""

from django.http import HttpResponse


def processing_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def processing_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def processing_update(request, *args, **kwargs):
    return HttpResponse(status=501)
