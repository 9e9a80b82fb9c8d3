"""Pages of cases: my cases (every case for the privacy officer), taking a person in charge (from a referral too),
the case page, its team, closing and reopening. A case outside the viewer's team answers 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.charts import bar_chart
from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.models import Processing
from legami.core.pagination import IdFirstPaginator
from legami.core.permissions import can
from legami.network.capabilities import VIEW_PEOPLE
from legami.network.forms.people import SEARCH_BUTTON
from legami.network.models import Network
from legami.network.selectors.people import people_matching
from legami.pacts.capabilities import CASE_READERS, INSPECT_CASES, OPEN_CASES
from legami.pacts.forms.cases import (
    AddMemberForm,
    CaseForm,
    CaseSearchForm,
    CloseCaseForm,
    HandOverForm,
    TakeInChargeForm,
)
from legami.pacts.models import CaseMember, CaseStatus
from legami.pacts.selectors.access import case_for
from legami.pacts.selectors.assessments import baseline_and_latest, compare
from legami.pacts.selectors.cases import Candidate, case_list, case_page, reads_every_case, team_candidates
from legami.pacts.services import cases as services
from legami.pacts.services.pacts import OPEN_STATES as PACT_OPEN_STATES
from legami.referrals.capabilities import TRIAGE_REFERRALS
from legami.referrals.models import Referral

NAV = "cases"
NAV_ALL = "cases_all"


def _nav(request: HttpRequest, network: Network) -> str:
    return NAV_ALL if reads_every_case(request.user, network) else NAV


@require_GET
@network_view(*CASE_READERS)
def case_list_view(request: HttpRequest, network: Network) -> HttpResponse:
    """My cases (where I am on the team), or every case of the network for the privacy officer; by number."""
    form = CaseSearchForm(request.GET)
    search = form.cleaned_data.get("q", "") if form.is_valid() else ""
    cases = case_list(request.user, network, search=search)
    page_obj = IdFirstPaginator(cases, settings.LEGAMI_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": _nav(request, network),
        "page_obj": page_obj,
        "form": form,
        "every_case": reads_every_case(request.user, network),
        "can_open": can(request.user, OPEN_CASES, network),
    }
    return render(request, "pacts/case_list.html", context)


def _searching(request: HttpRequest) -> bool:
    return request.method == "POST" and SEARCH_BUTTON in request.POST


def _matches(request: HttpRequest, network: Network) -> list:
    return people_matching(request.user, network, request.POST.get("person_search", ""), capability=VIEW_PEOPLE)


def _processings(network: Network) -> list[Processing]:
    return list(Processing.objects.filter(network=network).order_by("name"))


@require_http_methods(["GET", "POST"])
@network_view(OPEN_CASES)
def case_create(request: HttpRequest, network: Network) -> HttpResponse:
    """Take a person of the registry in charge: the processing it is done under and the situation."""
    kwargs = {"viewer": request.user, "network": network}
    status = 200
    if _searching(request):
        form = CaseForm(initial=request.POST.dict(), person_matches=_matches(request, network), **kwargs)
    elif request.method == "POST":
        form = CaseForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                case = services.open_case(actor=request.user, network=network, data=form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The case has been opened: you are its case manager."))
                return redirect("pacts:case", network.slug, case.pk)
        status = 400
    else:
        form = CaseForm(**kwargs)
    context = {"nav": NAV, "form": form, "processings": _processings(network), "referral": None}
    return render(request, "pacts/case_form.html", context, status=status)


def _open_referral(request: HttpRequest, network: Network, pk: int) -> Referral:
    """An open referral within the user's triage districts, else 404."""
    referral = Referral.objects.select_related("municipality", "network").filter(network=network, pk=pk).first()
    if referral is None or not referral.is_open or not services.referral_in_reach(request.user, referral):
        raise Http404
    return referral


@require_http_methods(["GET", "POST"])
@network_view(OPEN_CASES)
def case_from_referral(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Take in charge the person a referral is about: the referral's text beside the form; a person of the
    registry or a new one; the referral becomes "taken in charge"."""
    if not can(request.user, TRIAGE_REFERRALS, network):
        raise PermissionDenied(TRIAGE_REFERRALS)
    referral = _open_referral(request, network, pk)
    kwargs = {"viewer": request.user, "network": network}
    status = 200
    if _searching(request):
        form = TakeInChargeForm(initial=request.POST.dict(), person_matches=_matches(request, network), **kwargs)
    elif request.method == "POST":
        form = TakeInChargeForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.service_data()
            new_person = None
            if form.new_person:
                data.pop("person")
                new_person = form.new_person_data()
            try:
                case = services.take_in_charge(
                    actor=request.user, network=network, referral=referral, data=data, new_person=new_person
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The person has been taken in charge: the referral is closed as such."))
                return redirect("pacts:case", network.slug, case.pk)
        status = 400
    else:
        form = TakeInChargeForm(**kwargs)
    context = {"nav": NAV, "form": form, "processings": _processings(network), "referral": referral}
    return render(request, "pacts/case_form.html", context, status=status)


def _chart(page) -> dict:
    baseline, latest = baseline_and_latest(page.assessments)
    if baseline is None:
        return {}
    rows = compare(latest, baseline if latest is not baseline else None)
    first, last = _("first"), _("latest")
    items = []
    for row in rows:
        if row.previous is not None:
            items.append((f"{row.label} ({first})", row.previous))
        if row.score is not None:
            items.append((f"{row.label} ({last})", row.score))
    return {
        "rows": rows,
        "baseline": baseline,
        "latest": latest,
        "svg": bar_chart(items, title=_("Assessment: first and latest, by domain (1 to 5)")),
    }


@require_GET
@network_view(*CASE_READERS)
def case_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The case: person, situation, processing and consent, team, assessments, pacts, referral, ties."""
    page = case_page(request.user, network, pk)
    workable = page.case.status == CaseStatus.OPEN and not page.consent_withdrawn
    context = {
        "nav": _nav(request, network),
        "page": page,
        "case": page.case,
        "person": page.case.person,
        "chart": _chart(page),
        "workable": workable and not page.read_only,
        "moves": services.CASE_WORKFLOW.available(page.case, request.user, network=network) if page.is_manager else [],
        # A new pact is drafted by the case manager when the case has none under way (create_pact refuses a second).
        "can_create_pact": workable
        and not page.read_only
        and page.is_manager
        and not any(pact.status in PACT_OPEN_STATES for pact in page.pacts),
    }
    return render(request, "pacts/case_detail.html", context)


def _manager_candidates(network: Network, case, members: list) -> list[Candidate]:
    """Who may take the case over: members who may open cases, then others of the network who may."""
    on_team = [
        Candidate(m.user, m.organization.name if m.organization else "")
        for m in members
        if m.role != "manager" and can(m.user, OPEN_CASES, network)
    ]
    return on_team + team_candidates(network, case, capability=OPEN_CASES)


def _team_context(request: HttpRequest, network: Network, case, **forms) -> dict:
    members = list(case.members.select_related("user", "organization").order_by("role", "id"))
    role = next((m.role for m in members if m.user_id == request.user.pk), None)
    manages = role == "manager" and can(request.user, OPEN_CASES, network)
    workable = manages and case.status == CaseStatus.OPEN and not services.consent_withdrawn(case)
    context = {"nav": _nav(request, network), "case": case, "members": members, "manages": workable}
    if workable:
        candidates = team_candidates(network, case)
        managers = _manager_candidates(network, case, members)
        context["add_form"] = forms.get("add_form") or AddMemberForm(candidates=candidates, prefix="add")
        context["hand_over_form"] = forms.get("hand_over_form") or HandOverForm(candidates=managers, prefix="hand")
    return context


@require_http_methods(["GET", "POST"])
@network_view(*CASE_READERS)
def case_team(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The case team; its case manager adds and removes members and hands the case over (POST `action`)."""
    case = case_for(request.user, network, pk, purpose="case team page", select_related=("network",))
    if request.method == "GET":
        return render(request, "pacts/case_team.html", _team_context(request, network, case))
    action = request.POST.get("action")
    user_model = get_user_model()
    forms: dict = {}
    try:
        if action == "add":
            candidates = team_candidates(network, case)
            form = AddMemberForm(request.POST, candidates=candidates, prefix="add")
            forms["add_form"] = form
            if form.is_valid():
                user = user_model.objects.get(pk=form.cleaned_data["user"])
                services.add_member(actor=request.user, case=case, user=user)
                messages.success(request, _("%(name)s is now on the team.") % {"name": user.acting_name})
                return redirect("pacts:case_team", network.slug, case.pk)
        elif action == "hand_over":
            managers = _manager_candidates(network, case, list(case.members.select_related("user", "organization")))
            form = HandOverForm(request.POST, candidates=managers, prefix="hand")
            forms["hand_over_form"] = form
            if form.is_valid():
                user = user_model.objects.get(pk=form.cleaned_data["user"])
                services.hand_over(actor=request.user, case=case, user=user)
                messages.success(request, _("%(name)s is now the case manager.") % {"name": user.acting_name})
                if can(request.user, INSPECT_CASES, network) or case.members.filter(user=request.user).exists():
                    return redirect("pacts:case_team", network.slug, case.pk)
                return redirect("pacts:cases", network.slug)
        elif action == "remove":
            member = CaseMember.objects.filter(case=case, pk=request.POST.get("member") or 0).select_related("user")
            found = member.first() if str(request.POST.get("member", "")).isdigit() else None
            if found is None:
                raise ValidationError(_("This person is not on the team."), code="not_on_team")
            services.remove_member(actor=request.user, case=case, member=found)
            messages.success(request, _("%(name)s is no longer on the team.") % {"name": found.user.acting_name})
            return redirect("pacts:case_team", network.slug, case.pk)
        else:
            raise ValidationError(_("Choose what to do."), code="invalid")
    except ValidationError as exc:
        target = forms.get("add_form") or forms.get("hand_over_form")
        if target is not None:
            add_service_errors(target, exc)
        else:
            for message in exc.messages:
                messages.error(request, message)
    context = _team_context(request, network, case, **forms)
    return render(request, "pacts/case_team.html", context, status=400)


MOVES = {"close", "reopen"}


@require_http_methods(["GET", "POST"])
@network_view(*CASE_READERS)
def case_move(request: HttpRequest, network: Network, pk: int, move: str) -> HttpResponse:
    """Close the case with a reason, or reopen it: GET asks, POST acts (the case manager)."""
    if move not in MOVES:
        raise Http404
    case = case_for(request.user, network, pk, purpose=f"case {move} page", select_related=("network", "processing"))
    # The privacy officer reads the case but never changes it; another member is not its manager.
    services.require_on_team(request.user, case, manager=True, capability=OPEN_CASES)
    form = CloseCaseForm(request.POST or None) if move == "close" else None
    status = 200
    if request.method == "POST":
        try:
            if move == "close":
                if form is not None and form.is_valid():
                    services.close_case(actor=request.user, case=case, data=form.cleaned_data)
                    messages.success(request, _("The case has been closed."))
                    return redirect("pacts:case", network.slug, case.pk)
            else:
                services.reopen_case(actor=request.user, case=case)
                messages.success(request, _("The case has been reopened."))
                return redirect("pacts:case", network.slug, case.pk)
        except ValidationError as exc:
            if form is not None:
                add_service_errors(form, exc)
            else:
                for message in exc.messages:
                    messages.error(request, message)
        status = 400
    context = {"nav": _nav(request, network), "case": case, "move": move, "form": form}
    return render(request, "pacts/case_move.html", context, status=status)
