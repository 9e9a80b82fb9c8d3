"""imports views (to be written)."""

from django.http import HttpResponse


def people_export(request, *args, **kwargs):
    return HttpResponse(status=501)


def people_import(request, *args, **kwargs):
    return HttpResponse(status=501)


def job_detail(request, *args, **kwargs):
    return HttpResponse(status=501)
