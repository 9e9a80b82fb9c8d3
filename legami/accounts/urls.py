"""Log in and out, the password, personal access tokens.

The user's networks and accepting an invitation join this namespace from `legami.network.account_urls`
(see legami/urls.py).
"""

from django.urls import path

from legami.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
