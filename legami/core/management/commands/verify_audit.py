"""Verify the audit log's hash chains: one line per chain; exit status 1 and the first broken link if one is broken."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from legami.core.audit import record_verification
from legami.core.audit_chain import ChainResult, verify_chain, verify_chains
from legami.core.tenancy import network_model


def describe(result: ChainResult) -> str:
    """One line for a chain's verification (the command prints it, cron mails it)."""
    where = result.network_label if result.network_label == result.chain else f"{result.network_label} ({result.chain})"
    erased = f" ({result.erased} with personal data erased)" if result.erased else ""
    line = f"{where}: {result.checked} events checked{erased}, last {result.last_sequence} {result.last_hash[:16]}"
    broken = result.broken
    if broken is None:
        return f"{line}: ok"
    event = f"event id {broken.event_id}" if broken.event_id is not None else "no event"
    return f"{line}: BROKEN at sequence {broken.sequence} ({event}): {broken.problem}: {broken.detail}"


class Command(BaseCommand):
    help = "Verify the hash chains of the audit log; exits with status 1 and names the first broken link."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--network", metavar="SLUG", help="verify only this network's chain")
        parser.add_argument("--no-record", action="store_true", help="do not write the verification into the audit log")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["network"]:
            try:
                network = network_model()._default_manager.get(slug=options["network"])
            except network_model().DoesNotExist as exc:
                raise CommandError(f"No network with the slug {options['network']!r}.") from exc
            results = [verify_chain(network)]
        else:
            results = verify_chains()
        for result in results:
            line = describe(result)
            if result.ok:
                self.stdout.write(line)
            else:
                self.stderr.write(line)
        if not options["no_record"]:
            for result in results:
                record_verification(actor=None, result=result)
        broken = sum(not result.ok for result in results)
        if broken:
            raise CommandError(f"{broken} of {len(results)} audit chains are broken.", returncode=1)
        self.stdout.write(f"{len(results)} audit chains verified: ok.")
