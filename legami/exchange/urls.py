"""Pages of the community exchange, under /<network-slug>/exchange/.

The time bank's pages are under timebank/ (the offers', matches' and spaces' join them under their own prefixes).
"""

from django.urls import path

from legami.exchange.views import timebank

app_name = "exchange"

urlpatterns = [
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
]
