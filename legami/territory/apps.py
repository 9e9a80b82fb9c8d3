from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "legami.territory"
    label = "territory"
