from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "legami.network"
    label = "network"
