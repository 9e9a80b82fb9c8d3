from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "legami.accounts"
    label = "accounts"
