"""platform views (to be written)."""

from django.http import HttpResponse


def network_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def network_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def coordinator_invite(request, *args, **kwargs):
    return HttpResponse(status=501)
