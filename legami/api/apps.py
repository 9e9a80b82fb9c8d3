from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "legami.api"
    label = "api"
