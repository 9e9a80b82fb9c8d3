"""The demo's time bank: a year of hours exchanged between people, organisations and the network fund.

Everything goes through the time bank's services (accounts opened on first use, transfers proposed, confirmed,
refused and reversed as people would); the year is then laid out by back-dating each transfer to its planned day,
in the order they were made, so that statements read as a year of activity, and the monthly totals the figures
page reads are rebuilt for the months the transfers were moved to. A few proposals stay open for the demo's citizen
and partner to confirm.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from typing import Any

from django.utils import timezone

from legami.exchange.models import Movement, TimeAccount, Transfer, TransferEvent
from legami.network.models import Organization, Person

REASONS = (
    "Spesa accompagnata",
    "Ripetizioni di matematica",
    "Piccole riparazioni in casa",
    "Compagnia a una persona anziana",
    "Passaggio in auto per una visita",
    "Aiuto nell'orto condiviso",
    "Lezione di italiano",
    "Cura del verde del quartiere",
    "Aiuto con i documenti",
    "Baby-sitting per una riunione",
)
GROUP_REASONS = ("Laboratorio di cucina", "Festa di quartiere", "Pulizia del parco", "Doposcuola del sabato")
MEMBERS = 40


def ensure_timebank(network, *, worker, citizen, partner_staff, created: Counter, seed: int) -> None:
    """A year of time bank activity in `network`, once (a few hundred transfers)."""
    from legami.exchange.services import timebank as tb

    if Transfer.objects.filter(network=network).exists():
        return
    rng = random.Random(seed + 11)  # noqa: S311 — demo data, not a secret
    # Adults only: children have no hours account of their own.
    people = list(
        Person.objects.filter(network=network, anonymised_at__isnull=True)
        .exclude(household_role=Person.HouseholdRole.CHILD)
        .order_by("id")[:MEMBERS]
    )
    own = Person.objects.filter(network=network, user=citizen).first()
    if own is not None and own not in people:
        people.append(own)
    accounts = [tb.account_for(network=network, person=person) for person in people]
    organizations = list(Organization.objects.filter(network=network).order_by("id")[:3])
    org_accounts = [tb.account_for(network=network, organization=org) for org in organizations]
    fund = tb.fund_for(network)
    created["time accounts"] += len(accounts) + len(org_accounts) + 1
    start = timezone.now() - datetime.timedelta(days=365)
    made: list[tuple[int, datetime.datetime]] = []

    def when(day: int) -> datetime.datetime:
        return start + datetime.timedelta(days=day, hours=rng.randint(9, 19), minutes=rng.choice((0, 15, 30, 45)))

    # Everyone starts with a welcome credit from the fund, in the first weeks.
    for n, account in enumerate(accounts + org_accounts):
        transfer = tb.propose_transfer(
            actor=worker,
            network=network,
            legs=[(fund, -120), (account, 120)],
            reason="Benvenuto nella banca del tempo",
            confirm=True,
        )
        made.append((transfer.pk, when(n // 3)))
    # A year of exchanges: two people, recorded by the community worker, mostly confirmed at once.
    for day in range(14, 360, 2):
        for _ in range(rng.choice((0, 1, 1, 2))):
            payer, payee = rng.sample(accounts + org_accounts, 2)
            minutes = rng.choice((30, 45, 60, 60, 90, 120, 180))
            if payer.pk != fund.pk and TimeAccount.objects.get(pk=payer.pk).balance_minutes - minutes < -300:
                payer, payee = payee, payer
            transfer = tb.propose_transfer(
                actor=worker,
                network=network,
                legs=[(payer, -minutes), (payee, minutes)],
                reason=rng.choice(REASONS),
                confirm=rng.random() < 0.9,
            )
            if transfer.status == "proposed":
                step = rng.choice(("confirm", "refuse"))
                getattr(tb, f"{step}_transfer")(actor=worker, transfer=transfer)
            made.append((transfer.pk, when(day)))
    # Once a month the fund credits the volunteers of a group activity (one to many).
    for month in range(12):
        volunteers = rng.sample(accounts, 4)
        transfer = tb.propose_transfer(
            actor=worker,
            network=network,
            legs=[(fund, -4 * 120), *[(v, 120) for v in volunteers]],
            reason=GROUP_REASONS[month % len(GROUP_REASONS)],
            confirm=True,
        )
        made.append((transfer.pk, when(month * 30 + 20)))
    # A mistake, corrected by a reversal (never a deletion).
    mistake = Transfer.objects.filter(network=network, status="confirmed", reverses__isnull=True).order_by("-id")[5]
    reversal = tb.reverse_transfer(actor=worker, transfer=mistake, reason="Ore registrate due volte")
    made.append((reversal.pk, when(358)))
    _back_date(made)
    # The services counted each transfer in the month it was made (today); the back-dating moved them.
    tb.rebuild_monthly_totals(network=network)
    # Open proposals for the demo's citizen and partner to answer.
    if own is not None and org_accounts:
        mine = tb.account_for(network=network, person=own)
        tb.propose_with(
            actor=citizen,
            network=network,
            account=mine,
            counterpart=org_accounts[0],
            minutes=90,
            gives=True,
            reason="Aiuto alla festa della cooperativa",
        )
        if (
            partner_staff is not None
            and Organization.objects.filter(
                pk=org_accounts[0].organization_id, memberships__user=partner_staff
            ).exists()
        ):
            tb.propose_with(
                actor=partner_staff,
                network=network,
                account=org_accounts[0],
                counterpart=mine,
                minutes=60,
                gives=True,
                reason="Trasporto al mercato",
            )
    created["time transfers"] += Transfer.objects.filter(network=network).count()


def _back_date(made: list[tuple[int, Any]]) -> None:
    """Lay the transfers out over the year, each on its planned day (in the order they were made)."""
    moments = sorted(moment for _pk, moment in made)
    for (pk, _planned), moment in zip(sorted(made), moments, strict=True):
        transfer = Transfer.objects.filter(pk=pk)
        transfer.update(created_at=moment)
        transfer.exclude(posted_at__isnull=True).update(posted_at=moment)
        Movement.objects.filter(transfer_id=pk, posted_at__isnull=False).update(posted_at=moment)
        TransferEvent.objects.filter(transfer_id=pk).update(created_at=moment)
