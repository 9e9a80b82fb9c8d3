"""The account pages served by the network app, mounted under /accounts/ in the "accounts" namespace.

No `app_name` here: legami/urls.py joins these patterns to the accounts app's own, so the names stay
`accounts:home` and `accounts:invitation_accept`.
"""

from django.urls import path

from legami.network.views import account

urlpatterns = [
    path("", account.account_home, name="home"),
    path("invitations/<str:token>/", account.invitation_accept, name="invitation_accept"),
]
