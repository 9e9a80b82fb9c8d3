"""people views (to be written)."""

from django.http import HttpResponse


def person_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def person_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def person_detail(request, *args, **kwargs):
    return HttpResponse(status=501)


def person_update(request, *args, **kwargs):
    return HttpResponse(status=501)


def person_delete(request, *args, **kwargs):
    return HttpResponse(status=501)


def person_consents(request, *args, **kwargs):
    return HttpResponse(status=501)
