"""Verify the time bank's ledger: every transfer's legs sum to zero, each balance equals its posted movements,
all balances of a network sum to zero, a transfer's legs are posted exactly when it was confirmed, and the monthly
totals of the figures page equal what the transfers of each month add up to."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from legami.exchange.selectors.timebank import ledger_problems
from legami.exchange.services.timebank import rebuild_monthly_totals
from legami.network.models import Network


class Command(BaseCommand):
    help = "Verify the time bank's double-entry ledger; exit status 1 and each discrepancy listed when it is broken."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--network", dest="network", default="", help="the slug of one network (default: all)")
        parser.add_argument(
            "--rebuild-months",
            action="store_true",
            help="first recompute the figures' monthly totals from the transfers (after transfers were written or "
            "changed without the time bank's services), then check",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        networks = Network.objects.order_by("slug")
        if options["network"]:
            networks = networks.filter(slug=options["network"])
            if not networks.exists():
                raise CommandError(f"No network with the slug {options['network']!r}.")
        broken = 0
        for network in networks:
            if options["rebuild_months"]:
                months = rebuild_monthly_totals(network=network)
                self.stdout.write(f"{network.slug}: monthly totals rebuilt from the transfers ({months} months)")
            report = ledger_problems(network)
            self.stdout.write(
                f"{network.slug}: {report.transfers} transfers, {report.movements} movements, "
                f"{report.accounts} accounts checked; balances sum to {report.balance_sum} minutes"
            )
            for problem in report.problems:
                broken += 1
                self.stdout.write(f"  DISCREPANCY {problem}")
        if broken:
            self.stderr.write(f"The ledger is broken: {broken} discrepancies.")
            raise SystemExit(1)
        self.stdout.write("The ledger is balanced.")
