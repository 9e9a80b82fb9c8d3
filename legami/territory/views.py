"""Territory views (to be written)."""

from django.http import HttpResponse


def overview(request, *args, **kwargs):
    return HttpResponse(status=501)


def municipality_add(request, *args, **kwargs):
    return HttpResponse(status=501)


def municipality_remove(request, *args, **kwargs):
    return HttpResponse(status=501)


def district_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def district_update(request, *args, **kwargs):
    return HttpResponse(status=501)


def district_delete(request, *args, **kwargs):
    return HttpResponse(status=501)


def neighbourhood_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def neighbourhood_update(request, *args, **kwargs):
    return HttpResponse(status=501)


def neighbourhood_delete(request, *args, **kwargs):
    return HttpResponse(status=501)


def place_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def place_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def place_detail(request, *args, **kwargs):
    return HttpResponse(status=501)


def place_update(request, *args, **kwargs):
    return HttpResponse(status=501)


def place_delete(request, *args, **kwargs):
    return HttpResponse(status=501)
