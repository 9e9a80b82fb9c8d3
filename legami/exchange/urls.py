"""Pages of the community exchange, under /<network-slug>/exchange/: offers (and the public form), matching and
matches, the time bank (timebank/), shared spaces and bookings (spaces/)."""

from django.urls import path

from legami.core.decorators import network_view
from legami.core.imports.views import import_urls
from legami.exchange.services.imports import OFFERS_IMPORT
from legami.exchange.views import matching, offers, spaces, timebank

app_name = "exchange"

urlpatterns = [
    path("offers/", offers.offer_list, name="offers"),
    path("offers/new/", offers.offer_create, name="offer_create"),
    path("offers/<int:pk>/", offers.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/edit/", offers.offer_update, name="offer_update"),
    path("offers/<int:pk>/status/", offers.offer_status, name="offer_status"),
    # offers/import/, offers/import/template/, offers/import/jobs/<pk>/
    *import_urls(OFFERS_IMPORT, guard=network_view, prefix="offers/"),
    path("offers/export/", offers.offers_export, name="offers_export"),
    path("offer/", offers.offer_public, name="offer_public"),
    path("offer/thanks/", offers.offer_thanks, name="offer_thanks"),
    path("matching/", matching.matching, name="matching"),
    path("matching/jobs/<int:pk>/", matching.matching_job, name="matching_job"),
    path("matching/runs/<int:pk>/", matching.run_detail, name="run_detail"),
    path("matches/", matching.match_list, name="matches"),
    path("matches/new/", matching.match_create, name="match_create"),
    path("matches/mine/", matching.my_match_list, name="my_matches"),
    path("matches/<int:pk>/", matching.match_detail, name="match_detail"),
    path("matches/<int:pk>/<slug:action>/", matching.match_action, name="match_action"),
    # The time bank.
    path("timebank/", timebank.my_account, name="timebank"),
    path("timebank/propose/", timebank.propose, name="timebank_propose"),
    path("timebank/transfers/", timebank.transfer_list, name="timebank_transfers"),
    path("timebank/transfers/new/", timebank.record, name="timebank_record"),
    path("timebank/transfers/<int:pk>/", timebank.transfer_detail, name="timebank_transfer"),
    path("timebank/transfers/<int:pk>/<str:transition>/", timebank.transfer_move, name="timebank_transfer_move"),
    path("timebank/accounts/", timebank.account_list, name="timebank_accounts"),
    path("timebank/accounts/open/", timebank.account_open, name="timebank_account_open"),
    path("timebank/accounts/<int:pk>/", timebank.account_detail, name="timebank_account"),
    path("timebank/policy/", timebank.policy, name="timebank_policy"),
    path("timebank/figures/", timebank.figures, name="timebank_figures"),
    # Shared spaces and their bookings.
    path("spaces/", spaces.space_list, name="spaces"),
    path("spaces/new/", spaces.space_create, name="space_create"),
    path("spaces/<int:pk>/", spaces.space_detail, name="space_detail"),
    path("spaces/<int:pk>/month/", spaces.space_month, name="space_month"),
    path("spaces/<int:pk>/edit/", spaces.space_update, name="space_update"),
    path("spaces/<int:pk>/book/", spaces.booking_create, name="booking_create"),
    path("spaces/<int:pk>/calendar.ics", spaces.space_feed, name="space_feed"),
    path("spaces/<int:pk>/calendar/renew/", spaces.space_renew_feed, name="space_renew_feed"),
    path("spaces/<int:pk>/public/", spaces.space_public, name="space_public"),
    path("spaces/bookings/mine/", spaces.my_bookings, name="my_bookings"),
    path("spaces/bookings/queue/", spaces.booking_queue, name="booking_queue"),
    path("spaces/bookings/<int:pk>/", spaces.booking_detail, name="booking_detail"),
    path("spaces/bookings/<int:pk>/<slug:transition>/", spaces.booking_move, name="booking_move"),
    path("spaces/usage/", spaces.space_usage, name="space_usage"),
]
