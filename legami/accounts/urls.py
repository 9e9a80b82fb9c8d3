"""Log in and out, the password, personal access tokens.

The user's networks and accepting an invitation join this namespace from `legami.network.account_urls`
(see legami/urls.py).
"""

from django.urls import path

from legami.accounts.views import accounts, tokens

app_name = "accounts"

urlpatterns = [
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
    path("password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
]
