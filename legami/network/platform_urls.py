"""Platform administration: networks are created here by platform admins."""

from django.urls import path

from legami.network.views import platform

app_name = "platform"

urlpatterns = [
    path("", platform.network_list, name="networks"),
    path("networks/new/", platform.network_create, name="network_create"),
    path("networks/<int:pk>/invite/", platform.coordinator_invite, name="coordinator_invite"),
]
