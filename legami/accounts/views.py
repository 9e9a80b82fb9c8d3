"""Accounts views (to be written)."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponse


class LoginView(auth_views.LoginView):
    pass


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    pass


def account_home(request):
    return HttpResponse(status=501)


def invitation_accept(request, token):
    return HttpResponse(status=501)


def token_list(request):
    return HttpResponse(status=501)


def token_revoke(request, pk):
    return HttpResponse(status=501)
