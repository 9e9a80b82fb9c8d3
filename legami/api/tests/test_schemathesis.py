"""schemathesis against a live server: the committed schema, a coordinator's personal token, a seeded network.

For every operation of docs/api/openapi.json, a bounded number of generated requests (POSITIVE_EXAMPLES that
fit the schema, NEGATIVE_EXAMPLES that break it) go to the server, and each answer must pass: no server error,
a status code and a content type the schema documents for the operation, a body that matches its schema, and
a refusal (4xx) of every request the schema says is invalid. All failures are collected and reported together.

Run it alone: `python -m pytest -p no:cacheprovider legami/api/tests/test_schemathesis.py` (and with
DATABASE_URL for PostgreSQL); the figures are in docs/api.md.
"""

import os
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from legami.aggregation.models import AggregatedDemand, DemandStatus
from legami.api.openapi import SCHEMA_PATH
from legami.api.tests.helpers import make_token
from legami.core.tests import factories as f
from legami.exchange.tests.factories_spaces import BookingFactory, SpaceFactory, at, next_weekday
from legami.needs.models import Need
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory
from legami.participation.tests.factories import PhaseFactory, ProcessFactory, open_process
from legami.participation.tests.factories_meetings import MeetingFactory
from legami.participation.tests.factories_proposals import CommentFactory, ProposalFactory, ReportFactory
from legami.responses.tests.factories_codesign import ApplicationFactory, CallFactory, CriterionFactory
from legami.responses.tests.factories_responses import MilestoneFactory, ResponseFactory

# LEGAMI_SCHEMATHESIS_SCALE=10 multiplies both for a deeper run by hand (about ten times as long).
SCALE = int(os.environ.get("LEGAMI_SCHEMATHESIS_SCALE", "1"))
POSITIVE_EXAMPLES = 20 * SCALE
NEGATIVE_EXAMPLES = 10 * SCALE
MODES = ((GenerationMode.POSITIVE, POSITIVE_EXAMPLES), (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def _schema():
    return schemathesis.openapi.from_path(Path(settings.BASE_DIR) / SCHEMA_PATH)


def _seed(cast) -> None:
    """Rows for the generated ids to find (they start from 1): areas, needs, people, households, organisations,
    processes (published, draft, closed) with their phases, meetings and proposals (commented and reported), an
    accepted aggregated demand, co-design calls with criteria and an application, responses with a milestone,
    shared spaces with bookings."""
    network, cremona = cast.network, cast.municipalities[0]
    areas = [NeedAreaFactory(network=network, code=f"area-{n}") for n in range(3)]
    household = f.HouseholdFactory(network=network, name="Famiglia Rossi", municipality=cremona)
    f.NeighbourhoodFactory(municipality=cremona, name="Centro")
    for n in range(4):
        f.PersonFactory(network=network, first_name=f"Persona{n}", last_name="Prova", household=household)
        f.OrganizationFactory(network=network, name=f"Associazione {n}")
    for n in range(6):
        NeedFactory(network=network, area=areas[n % 3], municipality=cremona, privacy_level="network")
    f.PlaceFactory(network=network, municipality=cremona)
    for n in range(2):
        process = open_process(network, title=f"Laboratorio {n}")
        process.municipalities.set([cremona])
        PhaseFactory(process=ProcessFactory(network=network, title=f"Bozza {n}"))
        PhaseFactory(process=ProcessFactory(network=network, title=f"Chiuso {n}", status="closed"))
        for m in range(3):
            MeetingFactory(process=process, capacity=m or None)
            proposal = ProposalFactory(process=process, author=cast.citizen)
            CommentFactory(proposal=proposal, author=cast.citizen)
            ReportFactory(proposal=proposal, reporter=cast.funder)
    for status in (DemandStatus.ACCEPTED, DemandStatus.CANDIDATE):
        AggregatedDemand.objects.create(
            network=network,
            title="Compagnia",
            area=areas[0],
            municipality=cremona,
            need_count=6,
            people_count=6,
            status=status,
        )
    organization = cast.organization
    for status in ("draft", "open", "evaluation", "ranked"):
        call = CallFactory(network=network, status=status)
        for position in range(2):
            CriterionFactory(call=call, weight=50, position=position)
        ApplicationFactory(call=call, organization=organization)
    for status in ("planned", "active", "suspended"):
        response = ResponseFactory(network=network, status=status)
        MilestoneFactory(response=response)
    # offers (open, pending, paused) and matches proposed, accepted and active between them and the needs
    from legami.exchange.models import Match
    from legami.exchange.tests.factories_offers import OfferFactory

    offers = [
        OfferFactory(network=network, municipality=cremona, status=status, areas=areas, capacity=3)
        for status in ("open", "pending", "paused", "open")
    ]
    for n, status in enumerate(("proposed", "accepted", "active")):
        Match.objects.create(
            network=network, need=Need.objects.filter(network=network)[n], offer=offers[0], status=status
        )
    # The time bank: accounts of the people above, the fund, proposed and confirmed transfers.
    from legami.exchange.services.timebank import account_for, propose_transfer

    fund = account_for(network=network)
    accounts = [account_for(network=network, person=p) for p in network.people.all()[:4]]
    for n, account in enumerate(accounts):
        legs = [(fund, -60), (account, 60)]
        propose_transfer(actor=cast.coordinator, network=network, legs=legs, reason=f"Ore {n}", confirm=n % 2 == 0)
    _seed_cases(cast)
    for n in range(2):
        space = SpaceFactory(network=network, manager_organization=organization, place__municipality=cremona)
        for hour, status in ((10, "requested"), (16, "confirmed")):
            BookingFactory(
                space=space,
                status=status,
                booked_by=cast.coordinator,
                title=f"Prenotazione {n}",
                starts_at=at(next_weekday(1), hour),
            )


def _seed_cases(cast) -> None:
    """Referrals in Cremona (filed by the coordinator, so that its own list has them), cases whose team the
    coordinator leads with a draft, a signed and an active pact, an expense, give-back hours waiting for the
    host, and a case of another team (404 for the coordinator)."""
    from legami.pacts.models import GiveBackHours, GiveBackSource
    from legami.pacts.tests.factories import draft_pact, open_case, signed_pact
    from legami.referrals.tests.factories import in_cremona
    from legami.responses.tests.factories_responses import GiveBackPlaceFactory, active_response

    for status in ("new", "assigned", "info_requested", "accepted"):
        in_cremona(cast, status=status, reporter=cast.coordinator)
    place = GiveBackPlaceFactory(response=active_response(cast.network, cast.organization), host=cast.organization)
    for n in range(2):
        case = open_case(cast, manager=cast.coordinator)
        draft_pact(case)
        pact = signed_pact(case)
        commitment = pact.current_version.commitments.get(is_give_back=True)
        GiveBackHours.objects.create(
            network=cast.network,
            pact=pact,
            commitment_key=commitment.key,
            done_on=pact.current_version.starts_on,
            minutes=60 + n,
            source=GiveBackSource.GIVEBACK_PLACE,
            giveback_place=place,
            host=cast.organization,
            logged_by=cast.coordinator,
        )
    open_case(cast)


def _run(operation, mode, examples, *, base_url, headers, path_parameters, failures) -> int:
    """Send `examples` generated requests of `mode` for `operation`; each failing check is added to `failures`."""
    sent = 0

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=SCALE == 1,  # the same requests on every run of CI; a deeper run explores
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def each(case):
        nonlocal sent
        sent += 1
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup: every failing check at once
            curl = case.as_curl_command(headers={"Authorization": "[token]"})
            failures.append([f"{operation.label} [{mode.value}]", *str(exc).splitlines()[:10], curl])

    each()
    return sent


@pytest.mark.django_db(transaction=True)
def test_the_api_holds_to_its_schema(live_server, cast, settings):
    settings.LEGAMI_API_REQUESTS_PER_MINUTE = 100_000  # this run, not the rate limit, is under test
    _seed(cast)
    headers = {"Authorization": f"Bearer {make_token(cast.coordinator)}", "Accept-Language": "en"}
    failures: list = []
    operations = sent = 0
    for result in _schema().get_all_operations():
        operation = result.ok()
        operations += 1
        fixed = {"slug": cast.network.slug} if "{slug}" in operation.path else {}
        for mode, examples in MODES:
            sent += _run(
                operation,
                mode,
                examples,
                base_url=live_server.url,
                headers=headers,
                path_parameters=fixed,
                failures=failures,
            )
    print(f"schemathesis: {operations} operations, {sent} requests")
    assert operations == 212
    assert not failures, "\n\n".join("\n".join(lines) for lines in failures[:40])
