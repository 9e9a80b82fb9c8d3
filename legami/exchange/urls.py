"""Pages of the exchange app, under /<network-slug>/exchange/."""

from django.urls import path

from legami.exchange.views import spaces

app_name = "exchange"

urlpatterns = [
    # Shared spaces and their bookings.
    path("spaces/", spaces.space_list, name="spaces"),
    path("spaces/new/", spaces.space_create, name="space_create"),
    path("spaces/<int:pk>/", spaces.space_detail, name="space_detail"),
    path("spaces/<int:pk>/month/", spaces.space_month, name="space_month"),
    path("spaces/<int:pk>/edit/", spaces.space_update, name="space_update"),
    path("spaces/<int:pk>/book/", spaces.booking_create, name="booking_create"),
    path("spaces/<int:pk>/calendar.ics", spaces.space_feed, name="space_feed"),
    path("spaces/<int:pk>/public/", spaces.space_public, name="space_public"),
    path("spaces/bookings/mine/", spaces.my_bookings, name="my_bookings"),
    path("spaces/bookings/queue/", spaces.booking_queue, name="booking_queue"),
    path("spaces/bookings/<int:pk>/", spaces.booking_detail, name="booking_detail"),
    path("spaces/bookings/<int:pk>/<slug:transition>/", spaces.booking_move, name="booking_move"),
    path("spaces/usage/", spaces.space_usage, name="space_usage"),
]
