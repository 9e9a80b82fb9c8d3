"""organizations views (to be written)."""

from django.http import HttpResponse


def organization_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def organization_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def organization_detail(request, *args, **kwargs):
    return HttpResponse(status=501)


def organization_update(request, *args, **kwargs):
    return HttpResponse(status=501)


def organization_delete(request, *args, **kwargs):
    return HttpResponse(status=501)


def partnership_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def partnership_delete(request, *args, **kwargs):
    return HttpResponse(status=501)
