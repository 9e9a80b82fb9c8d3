"""Placeholder: this module's pages are being written (see legami/responses/urls.py for their names)."""

from django.http import Http404


def __getattr__(name: str):
    def view(*args, **kwargs):
        raise Http404

    return view
