"""Co-design tables: the call and its criteria, every transition, applications, scores, the ranking and the award."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.responses.models import (
    Application,
    ApplicationStatus,
    BudgetSource,
    CallEvent,
    CallStatus,
    Criterion,
    PartnerRole,
    Response,
    Score,
)
from legami.responses.services.awards import award_call
from legami.responses.services.calls import (
    CALL_WORKFLOW,
    create_call,
    create_criterion,
    delete_criterion,
    exclude_application,
    move_call,
    rank_call,
    ranks_of,
    score_application,
    submit_application,
    update_call,
    update_criterion,
    weighted_totals,
    withdraw_application,
)
from legami.responses.tests.factories_codesign import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    evaluator,
    score,
    today,
)

S = CallStatus
A = ApplicationStatus


def call_data(cast, **changes):
    return {
        "title": "Compagnia agli anziani",
        "purpose": "Ridurre la solitudine",
        "municipalities": [cast.municipalities[0].pk],
        "duration_months": "24",
        "budget": "50.000,00",
        "opens_on": today(),
        "closes_on": today() + timedelta(days=30),
    } | changes


def make_call(cast, status=S.DRAFT, weights=(60, 40), **kwargs):
    call = CallFactory(network=cast.network, status=status, **kwargs)
    for position, weight in enumerate(weights):
        CriterionFactory(call=call, weight=weight, position=position)
    return call


# --- the call ---------------------------------------------------------------------------------------------------


def test_a_coordinator_drafts_a_call(cast):
    call = create_call(actor=cast.coordinator, network=cast.network, data=call_data(cast))
    assert call.status == S.DRAFT and call.budget == Decimal("50000.00") and call.duration_months == 24
    assert list(call.municipalities.all()) == [cast.municipalities[0]]
    assert CallEvent.objects.get(call=call).from_status == ""


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"title": ""}, "title", "required"),
        ({"purpose": ""}, "purpose", "required"),
        ({"duration_months": "0"}, "duration_months", "min_value"),
        ({"duration_months": "121"}, "duration_months", "max_value"),
        ({"duration_months": "due"}, "duration_months", "invalid"),
        ({"budget": "-1"}, "budget", "min_value"),
        ({"budget": "tanti"}, "budget", "invalid"),
        ({"closes_on": today() - timedelta(days=1)}, "closes_on", "dates_order"),
        ({"municipalities": ["999999"]}, "municipalities", "invalid_choice"),
    ],
)
def test_bad_call_input_is_refused(cast, changes, field, code):
    with pytest.raises(ValidationError) as exc:
        create_call(actor=cast.coordinator, network=cast.network, data=call_data(cast, **changes))
    assert exc.value.error_dict[field][0].code == code


@pytest.mark.parametrize("persona", ["community_worker", "partner_staff", "evaluator", "funder"])
def test_only_the_coordinator_drafts_calls(cast, persona):
    with pytest.raises(PermissionDenied):
        create_call(actor=getattr(cast, persona), network=cast.network, data=call_data(cast))


def test_only_a_draft_call_is_edited(cast):
    call = make_call(cast)
    update_call(actor=cast.coordinator, call=call, data={"title": "Nuovo titolo"})
    call.refresh_from_db()
    assert call.title == "Nuovo titolo" and call.duration_months == 24
    call.status = S.OPEN
    call.save()
    with pytest.raises(ValidationError) as exc:
        update_call(actor=cast.coordinator, call=call, data={"title": "Altro"})
    assert exc.value.code == "not_draft"


def test_criteria_are_changed_only_while_draft(cast):
    call = make_call(cast, weights=())
    criterion = create_criterion(actor=cast.coordinator, call=call, data={"name": "Qualità", "weight": "70"})
    assert criterion.max_score == 10 and criterion.position == 0
    update_criterion(actor=cast.coordinator, criterion=criterion, data={"weight": "100"})
    criterion.refresh_from_db()
    assert criterion.weight == 100
    call.status = S.OPEN
    call.save()
    for action in (
        lambda: create_criterion(actor=cast.coordinator, call=call, data={"name": "X", "weight": "1"}),
        lambda: update_criterion(actor=cast.coordinator, criterion=criterion, data={"weight": "50"}),
        lambda: delete_criterion(actor=cast.coordinator, criterion=criterion),
    ):
        with pytest.raises(ValidationError) as exc:
            action()
        assert exc.value.code == "not_draft"
    call.status = S.DRAFT
    call.save()
    delete_criterion(actor=cast.coordinator, criterion=criterion)
    assert not Criterion.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"name": "", "weight": "10"}, "name", "required"),
        ({"name": "Q", "weight": ""}, "weight", "required"),
        ({"name": "Q", "weight": "0"}, "weight", "min_value"),
        ({"name": "Q", "weight": "101"}, "weight", "max_value"),
        ({"name": "Q", "weight": "10", "max_score": "0"}, "max_score", "min_value"),
        ({"name": "Q", "weight": "10", "max_score": "dieci"}, "max_score", "invalid"),
    ],
)
def test_bad_criterion_input_is_refused(cast, data, field, code):
    with pytest.raises(ValidationError) as exc:
        create_criterion(actor=cast.coordinator, call=make_call(cast, weights=()), data=data)
    assert exc.value.error_dict[field][0].code == code


# --- transitions ---------------------------------------------------------------------------------------------


def test_the_workflow_table():
    assert CALL_WORKFLOW.table() == {
        S.DRAFT: frozenset({S.OPEN, S.CANCELLED}),
        S.OPEN: frozenset({S.EVALUATION, S.CANCELLED}),
        S.EVALUATION: frozenset({S.RANKED, S.CANCELLED}),
        S.RANKED: frozenset({S.AWARDED, S.CANCELLED}),
        S.AWARDED: frozenset(),
        S.CANCELLED: frozenset(),
    }


def test_opening_needs_criteria_whose_weights_add_up_to_100(cast):
    with pytest.raises(ValidationError) as exc:
        move_call(actor=cast.coordinator, call=make_call(cast, weights=()), transition="open")
    assert exc.value.code == "weights"
    with pytest.raises(ValidationError) as exc:
        move_call(actor=cast.coordinator, call=make_call(cast, weights=(60, 39)), transition="open")
    assert exc.value.code == "weights" and "99" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        move_call(actor=cast.coordinator, call=make_call(cast, weights=(60, 41)), transition="open")
    call = move_call(actor=cast.coordinator, call=make_call(cast, weights=(60, 40)), transition="open")
    assert call.status == S.OPEN and call.events.last().to_status == S.OPEN


@pytest.mark.parametrize(
    ("start", "transition", "allowed"),
    [
        (S.DRAFT, "evaluate", False),
        (S.DRAFT, "rank", False),
        (S.DRAFT, "cancel", True),
        (S.OPEN, "open", False),
        (S.OPEN, "evaluate", True),
        (S.OPEN, "rank", False),
        (S.OPEN, "cancel", True),
        (S.EVALUATION, "open", False),
        (S.EVALUATION, "rank", True),
        (S.EVALUATION, "cancel", True),
        (S.RANKED, "evaluate", False),
        (S.RANKED, "cancel", True),
        (S.AWARDED, "cancel", False),
        (S.AWARDED, "open", False),
        (S.CANCELLED, "open", False),
        (S.CANCELLED, "cancel", False),
    ],
)
def test_each_transition_is_allowed_or_refused(cast, start, transition, allowed):
    call = make_call(cast, status=start)
    if allowed:
        moved = move_call(actor=cast.coordinator, call=call, transition=transition)
        assert moved.status != start
    else:
        with pytest.raises(ValidationError) as exc:
            move_call(actor=cast.coordinator, call=call, transition=transition)
        assert exc.value.code == "transition"
        call.refresh_from_db()
        assert call.status == start


def test_an_unknown_transition_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        move_call(actor=cast.coordinator, call=make_call(cast), transition="award")
    assert exc.value.code == "unknown_transition"


@pytest.mark.parametrize("persona", ["community_worker", "partner_staff", "evaluator"])
def test_only_the_coordinator_moves_a_call(cast, persona):
    with pytest.raises(PermissionDenied):
        move_call(actor=getattr(cast, persona), call=make_call(cast), transition="open")


# --- applications ------------------------------------------------------------------------------------------


def application_data(**changes):
    return {
        "title": "Compagnia in quartiere",
        "proposal": "Volontari formati visitano gli anziani.",
        "staff_hours": "120",
        "volunteers": "8",
        "spaces": "La sala del circolo",
        "money": "2.500,50",
    } | changes


def test_partner_staff_apply_for_their_organisation_with_partners(cast):
    call = make_call(cast, status=S.OPEN)
    friend = f.OrganizationFactory(network=cast.network, name="Auser Cremona")
    application = submit_application(
        actor=cast.partner_staff,
        call=call,
        data=application_data(partners=[friend.pk, cast.organization.pk]),
    )
    assert application.organization == cast.organization and application.money == Decimal("2500.50")
    assert list(application.partners.all()) == [friend]  # the applicant is not its own partner
    assert application.status == A.SUBMITTED and application.submitted_by == cast.partner_staff


def test_one_application_per_organisation(cast):
    call = make_call(cast, status=S.OPEN)
    submit_application(actor=cast.partner_staff, call=call, data=application_data())
    with pytest.raises(ValidationError) as exc:
        submit_application(actor=cast.coordinator, call=call, data=application_data(organization=cast.organization.pk))
    assert exc.value.error_dict["organization"][0].code == "already_applied"


def test_applications_only_while_open_and_within_the_dates(cast):
    cases = [
        make_call(cast, status=S.DRAFT),
        make_call(cast, status=S.EVALUATION),
        make_call(cast, status=S.OPEN, opens_on=today() - timedelta(days=9), closes_on=today() - timedelta(days=1)),
        make_call(cast, status=S.OPEN, opens_on=today() + timedelta(days=1), closes_on=today() + timedelta(days=9)),
    ]
    for call in cases:
        with pytest.raises(ValidationError) as exc:
            submit_application(actor=cast.partner_staff, call=call, data=application_data())
        assert exc.value.code == "closed"


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"title": ""}, "title", "required"),
        ({"proposal": ""}, "proposal", "required"),
        ({"staff_hours": "-1"}, "staff_hours", "min_value"),
        ({"volunteers": "1,5"}, "volunteers", "invalid"),
        ({"money": "-0,01"}, "money", "min_value"),
        ({"money": "molti"}, "money", "invalid"),
        ({"partners": ["999999"]}, "partners", "invalid_choice"),
    ],
)
def test_bad_application_input_is_refused(cast, changes, field, code):
    with pytest.raises(ValidationError) as exc:
        submit_application(
            actor=cast.partner_staff, call=make_call(cast, status=S.OPEN), data=application_data(**changes)
        )
    assert exc.value.error_dict[field][0].code == code


def test_another_networks_organisation_is_no_partner(cast):
    foreign = f.OrganizationFactory(network=cast.other_network)
    with pytest.raises(ValidationError) as exc:
        submit_application(
            actor=cast.partner_staff, call=make_call(cast, status=S.OPEN), data=application_data(partners=[foreign.pk])
        )
    assert exc.value.error_dict["partners"][0].code == "invalid_choice"


@pytest.mark.parametrize("persona", ["evaluator", "funder", "case_manager"])
def test_roles_without_contribute_cannot_apply(cast, persona):
    with pytest.raises(PermissionDenied):
        submit_application(actor=getattr(cast, persona), call=make_call(cast, status=S.OPEN), data=application_data())


def test_the_applicant_withdraws_while_open_only(cast):
    call = make_call(cast, status=S.OPEN)
    application = ApplicationFactory(call=call, organization=cast.organization)
    other_staff = f.UserFactory(email="other-staff@example.org")
    other_org = f.OrganizationFactory(network=cast.network, name="Altra cooperativa")
    f.MembershipFactory(network=cast.network, user=other_staff, role=Role.PARTNER_STAFF, organization=other_org)
    with pytest.raises(PermissionDenied):
        withdraw_application(actor=other_staff, application=application)
    with pytest.raises(PermissionDenied):
        withdraw_application(actor=cast.evaluator, application=application)
    call.status = S.EVALUATION
    call.save()
    with pytest.raises(ValidationError) as exc:
        withdraw_application(actor=cast.partner_staff, application=application)
    assert exc.value.code == "call_not_open"
    call.status = S.OPEN
    call.save()
    assert withdraw_application(actor=cast.partner_staff, application=application).status == A.WITHDRAWN
    with pytest.raises(ValidationError) as exc:
        withdraw_application(actor=cast.partner_staff, application=application)
    assert exc.value.code == "transition"


def test_the_coordinator_excludes_with_a_reason(cast):
    application = ApplicationFactory(call=make_call(cast, status=S.EVALUATION), organization=cast.organization)
    with pytest.raises(ValidationError) as exc:
        exclude_application(actor=cast.coordinator, application=application, reason=" ")
    assert exc.value.error_dict["reason"][0].code == "required"
    with pytest.raises(PermissionDenied):
        exclude_application(actor=cast.community_worker, application=application, reason="Manca il requisito")
    excluded = exclude_application(actor=cast.coordinator, application=application, reason="Manca il requisito")
    assert excluded.status == A.EXCLUDED and excluded.exclusion_reason == "Manca il requisito"


def test_no_exclusion_once_ranked(cast):
    application = ApplicationFactory(call=make_call(cast, status=S.RANKED), organization=cast.organization)
    with pytest.raises(ValidationError) as exc:
        exclude_application(actor=cast.coordinator, application=application, reason="Tardi")
    assert exc.value.code == "call_not_open"


# --- scores --------------------------------------------------------------------------------------------------


def test_an_evaluator_scores_each_criterion_with_a_reason_and_may_change_it(cast):
    call = make_call(cast, status=S.EVALUATION)
    first, second = call.criteria.all()
    application = ApplicationFactory(call=call, organization=cast.organization)
    score_application(
        actor=cast.evaluator,
        application=application,
        scores={first.pk: {"score": "8", "reason": "Buona rete"}, second.pk: {"score": "", "reason": ""}}
        | {second.pk: {"score": "6", "reason": "Costi alti"}},
    )
    score_application(actor=cast.evaluator, application=application, scores={first: {"score": "9", "reason": "Meglio"}})
    assert Score.objects.count() == 2
    assert Score.objects.get(criterion=first).score == 9


@pytest.mark.parametrize(
    ("given", "field", "code"),
    [
        ({"score": "11", "reason": "x"}, "score", "score_range"),
        ({"score": "-1", "reason": "x"}, "score", "score_range"),
        ({"score": "otto", "reason": "x"}, "score", "invalid"),
        ({"score": "", "reason": "x"}, "score", "required"),
        ({"score": "5", "reason": ""}, "reason", "required"),
    ],
)
def test_bad_scores_are_refused_on_their_field(cast, given, field, code):
    call = make_call(cast, status=S.EVALUATION)
    criterion = call.criteria.first()
    application = ApplicationFactory(call=call, organization=cast.organization)
    with pytest.raises(ValidationError) as exc:
        score_application(actor=cast.evaluator, application=application, scores={criterion.pk: given})
    assert exc.value.error_dict[f"{field}_{criterion.pk}"][0].code == code
    assert not Score.objects.exists()


def test_a_criterion_of_another_call_is_refused(cast):
    call = make_call(cast, status=S.EVALUATION)
    stranger = make_call(cast).criteria.first()
    application = ApplicationFactory(call=call, organization=cast.organization)
    with pytest.raises(ValidationError) as exc:
        score_application(
            actor=cast.evaluator, application=application, scores={stranger.pk: {"score": "1", "reason": "x"}}
        )
    assert exc.value.error_dict["__all__"][0].code == "invalid_choice"


def test_scores_only_during_the_evaluation(cast):
    for status in (S.OPEN, S.RANKED):
        call = make_call(cast, status=status)
        application = ApplicationFactory(call=call, organization=cast.organization)
        with pytest.raises(ValidationError) as exc:
            score_application(
                actor=cast.evaluator,
                application=application,
                scores={call.criteria.first().pk: {"score": "5", "reason": "x"}},
            )
        assert exc.value.code == "not_scoring"


def test_roles_without_scoring_cannot_score(cast):
    call = make_call(cast, status=S.EVALUATION)
    application = ApplicationFactory(call=call, organization=cast.organization)
    for persona in ("community_worker", "partner_staff", "funder"):
        with pytest.raises(PermissionDenied):
            score_application(
                actor=getattr(cast, persona),
                application=application,
                scores={call.criteria.first().pk: {"score": "5", "reason": "x"}},
            )


def test_an_evaluator_of_the_applicant_or_of_a_partner_is_excluded(cast):
    call = make_call(cast, status=S.EVALUATION)
    criterion = call.criteria.first()
    partner = f.OrganizationFactory(network=cast.network, name="Auser Cremona")
    application = ApplicationFactory(call=call, organization=cast.organization)
    application.partners.set([partner])
    of_applicant = evaluator(cast.network, "eval-ponte@example.org", cast.organization)
    of_partner = evaluator(cast.network, "eval-auser@example.org", partner)
    for user, name in ((of_applicant, "Cooperativa Il Ponte"), (of_partner, "Auser Cremona")):
        with pytest.raises(ValidationError) as exc:
            score_application(actor=user, application=application, scores={criterion.pk: {"score": "9", "reason": "x"}})
        assert exc.value.code == "conflict" and name in exc.value.messages[0]
    assert not Score.objects.exists()
    independent = evaluator(cast.network, "eval-free@example.org", f.OrganizationFactory(network=cast.network))
    score_application(actor=independent, application=application, scores={criterion.pk: {"score": "9", "reason": "x"}})


# --- the ranking ---------------------------------------------------------------------------------------------


def ranked_setup(cast):
    """Two criteria (weights 60 and 40, highest scores 10 and 5), two evaluators, three applications."""
    call = CallFactory(network=cast.network, status=S.EVALUATION)
    quality = CriterionFactory(call=call, name="Qualità", weight=60, max_score=10, position=0)
    cost = CriterionFactory(call=call, name="Costi", weight=40, max_score=5, position=1)
    orgs = [f.OrganizationFactory(network=cast.network, name=f"Ente {n}") for n in range(3)]
    apps = [ApplicationFactory(call=call, organization=org, title=f"Progetto {n}") for n, org in enumerate(orgs)]
    second = evaluator(cast.network, "eval-2@example.org")
    # A: quality 8 and 7 -> mean 7.5 -> 60 * 0.75 = 45; cost 4 and 3 -> mean 3.5 -> 40 * 0.7 = 28; total 73.00
    score(apps[0], quality, cast.evaluator, 8)
    score(apps[0], quality, second, 7)
    score(apps[0], cost, cast.evaluator, 4)
    score(apps[0], cost, second, 3)
    # B: quality 10 (one evaluator) -> 60; cost 2 -> 40 * 0.4 = 16; total 76.00
    score(apps[1], quality, cast.evaluator, 10)
    score(apps[1], cost, cast.evaluator, 2)
    # C: quality 9 and 6 -> 7.5 -> 45; cost 3 and 4 -> 3.5 -> 28; total 73.00 (ties with A)
    score(apps[2], quality, cast.evaluator, 9)
    score(apps[2], quality, second, 6)
    score(apps[2], cost, cast.evaluator, 3)
    score(apps[2], cost, second, 4)
    return call, apps


def test_weighted_totals_by_hand(cast):
    call, (a, b, c) = ranked_setup(cast)
    assert weighted_totals(call) == {a.pk: Decimal("73.00"), b.pk: Decimal("76.00"), c.pk: Decimal("73.00")}


def test_a_total_is_rounded_once_at_the_end(cast):
    call = CallFactory(network=cast.network, status=S.EVALUATION)
    one = CriterionFactory(call=call, weight=33, max_score=3)
    two = CriterionFactory(call=call, weight=67, max_score=7)
    app = ApplicationFactory(call=call, organization=cast.organization)
    score(app, one, cast.evaluator, 1)  # 33 * 1/3 = 11
    score(app, two, cast.evaluator, 2)  # 67 * 2/7 = 19.142857...
    assert weighted_totals(call) == {app.pk: Decimal("30.14")}


def test_ranks_share_ties_and_skip():
    assert ranks_of({1: Decimal("73"), 2: Decimal("76"), 3: Decimal("73"), 4: Decimal("10")}) == {
        2: 1,
        1: 2,
        3: 2,
        4: 4,
    }


def test_ranking_writes_totals_and_ranks_and_leaves_out_withdrawn_and_excluded(cast):
    call, (a, b, c) = ranked_setup(cast)
    gone = ApplicationFactory(call=call, organization=f.OrganizationFactory(network=cast.network), status=A.WITHDRAWN)
    rank_call(actor=cast.coordinator, call=call)
    for app in (a, b, c, gone):
        app.refresh_from_db()
    assert (b.rank, b.total_score) == (1, Decimal("76.00"))
    assert (a.rank, a.total_score) == (2, Decimal("73.00")) and (c.rank, c.total_score) == (2, Decimal("73.00"))
    assert gone.rank is None and gone.total_score is None
    call.refresh_from_db()
    assert call.status == S.RANKED


def test_ranking_is_refused_while_a_criterion_is_unscored(cast):
    call, (a, _b, _c) = ranked_setup(cast)
    Score.objects.filter(application=a, criterion__name="Costi").delete()
    with pytest.raises(ValidationError) as exc:
        move_call(actor=cast.coordinator, call=call, transition="rank")
    assert exc.value.code == "unscored" and "Progetto 0" in exc.value.messages[0] and "Costi" in exc.value.messages[0]
    call.refresh_from_db()
    a.refresh_from_db()
    assert call.status == S.EVALUATION and a.rank is None


def test_an_excluded_application_needs_no_score(cast):
    call, (a, _b, _c) = ranked_setup(cast)
    Score.objects.filter(application=a).delete()
    Application.objects.filter(pk=a.pk).update(status=A.EXCLUDED)
    assert rank_call(actor=cast.coordinator, call=call).status == S.RANKED


# --- the award -------------------------------------------------------------------------------------------


def test_the_award_selects_and_makes_the_response(cast):
    call, (a, b, c) = ranked_setup(cast)
    call.municipalities.set([cast.municipalities[0]])
    partner = f.OrganizationFactory(network=cast.network, name="Auser Cremona")
    b.partners.set([partner])
    Application.objects.filter(pk=b.pk).update(
        staff_hours=100, volunteers=6, spaces="Sala civica", money=Decimal("3000")
    )
    rank_call(actor=cast.coordinator, call=call)
    response = award_call(actor=cast.coordinator, call=call, applications=[b.pk])
    call.refresh_from_db()
    b.refresh_from_db()
    assert call.status == S.AWARDED and b.status == A.SELECTED
    assert (
        response.call == call
        and response.title == b.title
        and list(response.municipalities.all()) == [cast.municipalities[0]]
    )
    partners = {p.organization.name: p for p in response.partners.all()}
    assert partners["Ente 1"].role == PartnerRole.LEAD and "100 hours of staff" in partners["Ente 1"].brings
    assert partners["Auser Cremona"].role == PartnerRole.PARTNER
    lines = {line.source: line for line in response.budget.all()}
    assert lines[BudgetSource.PUBLIC].amount == Decimal("50000.00")
    assert lines[BudgetSource.PRIVATE].amount == Decimal("3000.00")
    assert (
        "Sala civica" in lines[BudgetSource.IN_KIND].description
        and "6 volunteers" in lines[BudgetSource.IN_KIND].description
    )
    assert response.events.get().to_status == "planned"


def test_the_award_needs_a_ranked_call_and_its_own_submitted_applications(cast):
    call, (a, b, _c) = ranked_setup(cast)
    with pytest.raises(ValidationError) as exc:
        award_call(actor=cast.coordinator, call=call, applications=[a.pk])
    assert exc.value.code == "transition"
    rank_call(actor=cast.coordinator, call=call)
    with pytest.raises(ValidationError) as exc:
        award_call(actor=cast.coordinator, call=call, applications=[])
    assert exc.value.error_dict["applications"][0].code == "required"
    stranger = ApplicationFactory(call=make_call(cast, status=S.RANKED), organization=cast.organization)
    with pytest.raises(ValidationError) as exc:
        award_call(actor=cast.coordinator, call=call, applications=[stranger.pk])
    assert exc.value.error_dict["applications"][0].code == "invalid_choice"
    Application.objects.filter(pk=a.pk).update(status=A.EXCLUDED)
    with pytest.raises(ValidationError):
        award_call(actor=cast.coordinator, call=call, applications=[a.pk])
    with pytest.raises(PermissionDenied):
        award_call(actor=cast.evaluator, call=call, applications=[b.pk])
    assert not Response.objects.exists()


def test_two_selected_applications_make_one_response_led_by_the_best(cast):
    call, (a, b, c) = ranked_setup(cast)
    rank_call(actor=cast.coordinator, call=call)
    response = award_call(actor=cast.coordinator, call=call, applications=[a.pk, b.pk])
    roles = {p.organization.name: p.role for p in response.partners.all()}
    assert roles == {"Ente 1": PartnerRole.LEAD, "Ente 0": PartnerRole.PARTNER}
    assert set(Application.objects.filter(status=A.SELECTED).values_list("pk", flat=True)) == {a.pk, b.pk}


def test_the_application_workflow_table():
    from legami.responses.services.calls import APPLICATION_WORKFLOW

    assert APPLICATION_WORKFLOW.table() == {
        A.SUBMITTED: frozenset({A.WITHDRAWN, A.EXCLUDED, A.SELECTED}),
        A.WITHDRAWN: frozenset(),
        A.EXCLUDED: frozenset(),
        A.SELECTED: frozenset(),
    }


def test_an_excluded_application_cannot_be_excluded_again_nor_withdrawn(cast):
    call = make_call(cast, status=S.OPEN)
    application = ApplicationFactory(call=call, organization=cast.organization, status=A.EXCLUDED)
    with pytest.raises(ValidationError) as exc:
        exclude_application(actor=cast.coordinator, application=application, reason="Di nuovo")
    assert exc.value.code == "transition"
    with pytest.raises(ValidationError) as exc:
        withdraw_application(actor=cast.partner_staff, application=application)
    assert exc.value.code == "transition"


def test_a_note_too_long_is_refused_on_a_move(cast):
    from legami.responses.services.awards import AWARD_INPUTS

    with pytest.raises(ValidationError) as exc:
        AWARD_INPUTS.clean({"applications": [], "note": "x" * 301})
    assert exc.value.error_dict["note"][0].code == "max_length"


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("50.000", "50000.00"),
        ("50.000,00", "50000.00"),
        ("50000.00", "50000.00"),
        ("1.250.000", "1250000.00"),
        ("2500,5", "2500.50"),
    ],
)
def test_amounts_in_italian_or_english(cast, typed, amount):
    call = create_call(actor=cast.coordinator, network=cast.network, data=call_data(cast, budget=typed))
    assert call.budget == Decimal(amount)
