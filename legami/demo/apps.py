from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "legami.demo"
    label = "demo"
