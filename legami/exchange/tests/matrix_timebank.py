"""Permission-matrix rows of the time bank (read by legami/core/tests/test_permission_matrix.py).

The planted account is the citizen's own (her person is linked to her user); the planted transfer is proposed by
the citizen to the partner staff's organisation, so both sides may read it and the organisation's side confirms.
"""

from legami.core.tests.matrix import Row

USE = "exchange.use_time_bank"
VIEW = "exchange.view_time_bank"
MANAGE = "exchange.manage_time_bank"
POLICY = "exchange.set_time_bank_policy"
FIGURES = "exchange.view_time_bank_figures"
# Case managers see every account but act for nobody: they read, they do not confirm.
READ_ONLY = {"case_manager": 403, "district_case_manager": 403}

ROUTES: dict[str, Row] = {
    # One's own account: every member who may hold one (a member with no linked person is told so).
    "exchange:timebank": Row(USE),
    "exchange:timebank_propose": Row(USE),
    # A transfer: its two sides and the operators.
    "exchange:timebank_transfer": Row(USE, obj="timebank_transfer"),
    # Confirming the planted proposal: the organisation's side and the operators; never the proposer herself.
    "exchange:timebank_transfer_move": Row(
        USE, obj="timebank_transfer", kwargs={"transition": "confirm"}, overrides={"citizen": 403, **READ_ONLY}
    ),
    # An account's statement: its holder and the operators; for another member it does not exist.
    "exchange:timebank_account": Row(USE, obj="timebank_account", overrides={"partner_staff": 404}),
    # The operators' pages.
    "exchange:timebank_accounts": Row(VIEW),
    "exchange:timebank_transfers": Row(VIEW),
    "exchange:timebank_record": Row(MANAGE),
    "exchange:timebank_account_open": Row(MANAGE),
    "exchange:timebank_policy": Row(POLICY),
    # Totals only: evaluators and funders too.
    "exchange:timebank_figures": Row(FIGURES),
}


def objects(cast) -> dict:
    """The citizen's account with some hours, and her proposal of an hour to the partner's organisation."""
    from legami.exchange.services.timebank import propose_with
    from legami.exchange.tests.factories_timebank import citizen_account, credit, organization_account

    mine = citizen_account(cast)
    credit(cast, mine, 180, reason="Benvenuto nella banca del tempo")
    transfer = propose_with(
        actor=cast.citizen,
        network=cast.network,
        account=mine,
        counterpart=organization_account(cast),
        minutes=60,
        gives=True,
        reason="Aiuto alla festa di quartiere",
    )
    return {"timebank_account": mine, "timebank_transfer": transfer}
