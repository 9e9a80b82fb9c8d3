"""members views (to be written)."""

from django.http import HttpResponse


def member_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def member_invite(request, *args, **kwargs):
    return HttpResponse(status=501)


def invitation_revoke(request, *args, **kwargs):
    return HttpResponse(status=501)


def membership_deactivate(request, *args, **kwargs):
    return HttpResponse(status=501)
