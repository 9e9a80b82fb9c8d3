"""households views (to be written)."""

from django.http import HttpResponse


def household_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def household_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def household_detail(request, *args, **kwargs):
    return HttpResponse(status=501)


def household_update(request, *args, **kwargs):
    return HttpResponse(status=501)


def household_delete(request, *args, **kwargs):
    return HttpResponse(status=501)
