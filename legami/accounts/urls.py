"""Log in and out, the two-factor verification, the password and its reset by e-mail, personal access tokens.

The user's networks and accepting an invitation join this namespace from `legami.network.account_urls`
(see legami/urls.py).
"""

from django.urls import path

from legami.accounts.views import accounts, passwords, tokens, two_factor

app_name = "accounts"

urlpatterns = [
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
    path("two-factor/", two_factor.two_factor, name="two_factor"),
    path("two-factor/setup/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("two-factor/recovery/", two_factor.two_factor_recovery, name="two_factor_recovery"),
    path("password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", passwords.password_reset, name="password_reset"),
    path("password/reset/sent/", passwords.password_reset_done, name="password_reset_done"),
    path("password/reset/done/", passwords.password_reset_complete, name="password_reset_complete"),
    path(
        "password/reset/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
]
