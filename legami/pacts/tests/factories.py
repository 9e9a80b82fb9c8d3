"""Test data for cases and pacts, written straight to the database (the services are tested on their own).

`open_case(cast)` gives a case of a person in Cremona whose team is the cast's case manager (manager) and partner
staff (member): the coordinator, the community worker and the district case manager hold pacts.work_on_cases but
are not on it, so for them it does not exist. `draft_pact(case)` adds a pact with a draft version 1 holding an
objective with an expected result, a support, a 600 euro budget line and a give-back commitment of 2 hours a week;
`signed_pact(case)` signs it and makes it active.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from legami.core.models import LegalBasis, Processing, SpecialCategoryCondition
from legami.core.tests import factories as f
from legami.pacts.models import (
    BudgetCategory,
    BudgetLine,
    Case,
    CaseMember,
    Commitment,
    CommitmentParty,
    ExpectedResult,
    Objective,
    Pact,
    PactStatus,
    PactVersion,
    SignatureMethod,
    Support,
    TeamRole,
)


def case_processing(network, *, legal_basis: str = LegalBasis.PUBLIC_TASK) -> Processing:
    """The register's processing for case management (public task and social protection, unless told)."""
    processing, _created = Processing.objects.get_or_create(
        network=network,
        code=f"presa-in-carico-{legal_basis}",
        defaults={
            "name": "Presa in carico e patti gener-attivi",
            "purpose": "Accompagnare le persone prese in carico con un patto e seguirne l'andamento.",
            "legal_basis": legal_basis,
            "special_category_condition": SpecialCategoryCondition.SOCIAL_PROTECTION
            if legal_basis != LegalBasis.CONSENT
            else SpecialCategoryCondition.EXPLICIT_CONSENT,
        },
    )
    return processing


def open_case(cast, *, person=None, manager=None, members=("partner_staff",), **fields) -> Case:
    """A case of a person in Cremona; its team: `manager` (the cast's case manager) and the cast's `members`."""
    network = cast.network
    person = person or f.PersonFactory(network=network, municipality=cast.municipalities[0])
    case = Case.objects.create(
        network=network,
        person=person,
        processing=fields.pop("processing", None) or case_processing(network),
        summary=fields.pop("summary", "Vive sola con due figli, ha perso il lavoro a marzo."),
        opened_by=manager or cast.case_manager,
        opened_on=fields.pop("opened_on", timezone.localdate() - datetime.timedelta(days=60)),
        **fields,
    )
    CaseMember.objects.create(network=network, case=case, user=manager or cast.case_manager, role=TeamRole.MANAGER)
    for persona in members:
        user = getattr(cast, persona)
        organization = cast.organization if persona == "partner_staff" else None
        CaseMember.objects.create(
            network=network, case=case, user=user, role=TeamRole.MEMBER, organization=organization
        )
    return case


def draft_pact(case: Case, *, budget: Decimal = Decimal("600.00"), hours_per_week: Decimal = Decimal("2")) -> Pact:
    """A pact in draft with version 1 (see the module's docstring)."""
    network = case.network
    today = timezone.localdate()
    pact = Pact.objects.create(network=network, case=case, created_by=case.opened_by)
    version = PactVersion.objects.create(
        network=network,
        pact=pact,
        number=1,
        summary="Ritrovare un lavoro e una rete di amicizie nel quartiere.",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=180),
        review_every_weeks=12,
        created_by=case.opened_by,
    )
    objective = Objective.objects.create(version=version, text="Trovare un lavoro part-time", position=1)
    ExpectedResult.objects.create(
        objective=objective, indicator="Colloqui di lavoro sostenuti", target="3", due_on=today + datetime.timedelta(90)
    )
    support = Support.objects.create(
        version=version, service="Orientamento al lavoro", provider=None, frequency="Ogni due settimane", position=1
    )
    BudgetLine.objects.create(
        version=version,
        support=support,
        category=BudgetCategory.TRAINING,
        description="Corso per operatore socio-sanitario",
        amount=budget,
        position=1,
    )
    Commitment.objects.create(
        version=version,
        party=CommitmentParty.PERSON,
        what="Aiuto al doposcuola del quartiere",
        is_give_back=True,
        hours_per_week=hours_per_week,
        position=1,
    )
    Commitment.objects.create(
        version=version,
        party=CommitmentParty.CASE_MANAGER,
        what="Accompagnare ai colloqui al centro per l'impiego",
        due_on=today + datetime.timedelta(days=30),
        position=2,
    )
    return pact


def signed_pact(case: Case, **kwargs) -> Pact:
    """A pact whose version 1 is signed and in force (active), next review in 12 weeks."""
    pact = draft_pact(case, **kwargs)
    version = pact.versions.get()
    version.signed_on = timezone.localdate()
    version.signature_method = SignatureMethod.WITNESSED
    version.signature_recorded_by = case.opened_by
    version.save()
    pact.current_version = version
    pact.status = PactStatus.ACTIVE
    pact.next_review_on = version.starts_on + datetime.timedelta(weeks=version.review_every_weeks)
    pact.save()
    return pact
