"""Pages of a pact: creating it, its page, editing its unsigned version (one small form per row, no JavaScript),
its moves, the signature and the signed scan, new versions, the versions' list and their differences, the PDF.

Every page reaches the pact through `selectors.access`: for anyone outside the case team (and the privacy officer,
who only reads) it answers 404, as for a pact that does not exist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.permissions import can
from legami.network.models import Network
from legami.pacts.capabilities import CASE_READERS, OPEN_CASES, WORK_ON_CASES
from legami.pacts.forms.pacts import (
    ROW_FORMS,
    MoveForm,
    NewVersionForm,
    SignatureForm,
    VersionForm,
    row_initial,
    version_initial,
)
from legami.pacts.models import Pact, PactStatus, PactVersion
from legami.pacts.pdf import pact_pdf
from legami.pacts.selectors.access import case_for, pact_for, team_role
from legami.pacts.selectors.pact_page import consent_withdrawn as page_consent_withdrawn
from legami.pacts.selectors.pact_page import has_draft, pact_page
from legami.pacts.selectors.pacts import (
    draft_version,
    shown_version,
    version_by_number,
    version_content,
    version_diff,
    version_for,
    versions_of,
)
from legami.pacts.services import pacts as services

NAV = "pacts"


def _status(form: Any) -> int:
    return 400 if form.is_bound and form.errors else 200


def _roles(request: HttpRequest, network: Network, pact: Pact) -> dict[str, bool]:
    """What the viewer may do on the pact's pages: write (on the team) and manage (on the team, with open_cases)."""
    on_team = team_role(request.user, pact.case) is not None and can(request.user, WORK_ON_CASES, network)
    return {"writer": on_team, "manager": on_team and can(request.user, OPEN_CASES, network)}


def _base(request: HttpRequest, network: Network, pact: Pact) -> dict[str, Any]:
    return {"nav": NAV, "pact": pact, "case": pact.case, **_roles(request, network, pact)}


# --- creating and showing --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@network_view(OPEN_CASES)
def pact_create(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A new pact of the case, with its draft version 1."""
    case = case_for(request.user, network, pk, purpose="pact_create")
    if team_role(request.user, case) is None:
        raise Http404
    form = VersionForm(request.POST or None, initial={"review_every_weeks": 12})
    if request.method == "POST" and form.is_valid():
        try:
            pact = services.create_pact(actor=request.user, case=case, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The pact has been created as a draft: now write its content."))
            return redirect("pacts:pact_edit", network.slug, pact.pk)
    context = {"nav": NAV, "case": case, "form": form}
    return render(request, "pacts/pact_create.html", context, status=_status(form))


@require_GET
@network_view(*CASE_READERS)
def pact_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The pact's page: its state, the version in force (or the draft) with all its content, history, actions.
    A fixed number of queries whatever the size of the pact (selectors.pact_page)."""
    page = pact_page(request.user, network, pk, today=timezone.localdate())
    pact = page.pact
    on_team = pact.my_role is not None and can(request.user, WORK_ON_CASES, network)
    roles = {"writer": on_team, "manager": on_team and can(request.user, OPEN_CASES, network)}
    moves = []
    if roles["writer"]:
        moves = [
            move
            for move in services.PACT_WORKFLOW.available(pact, request.user, network=network)
            if move.name in services.MOVES
        ]
    draft = has_draft(pact) if roles["writer"] else False
    context = {
        "nav": NAV,
        "pact": pact,
        "case": pact.case,
        **roles,
        "version": page.version,
        "content": page.content,
        "draft": draft,
        "draft_number": pact.newest_number if draft else None,
        "moves": [m for m in moves if m.name != "interrupt"],
        "can_interrupt": any(m.name == "interrupt" for m in moves),
        "can_sign": roles["manager"]
        and (pact.status == PactStatus.PROPOSED or (pact.status == PactStatus.UNDER_REVIEW and draft)),
        "can_draft_version": roles["manager"] and pact.status == PactStatus.UNDER_REVIEW and not draft,
        "move_form": MoveForm(),
        "events": page.events,
        "reviews": page.reviews,
        "versions_count": pact.versions_count,
        "consent_withdrawn": page_consent_withdrawn(pact),
        "budget": page.budget,
        "progress": page.progress,
    }
    return render(request, "pacts/pact_detail.html", context)


# --- editing the unsigned version ------------------------------------------------------------------------------


def _edit_forms(network: Network, version: PactVersion, content: Any, bound: Any = None) -> dict[str, Any]:
    """Every form of the edit page: the header, one per row (change and remove) and one to add, per kind.

    `bound` is the form that was sent and refused (shown with its errors in place of its blank twin)."""

    def form(kind: str, prefix: str, initial: dict | None = None) -> Any:
        if bound is not None and bound.prefix == prefix:
            return bound
        return ROW_FORMS[kind](network=network, version=version, prefix=prefix, initial=initial or {})

    rows = {
        "party": content.parties,
        "objective": content.objectives,
        "support": content.supports,
        "budget": content.budget_lines,
        "commitment": content.commitments,
    }
    sections = {}
    for kind, found in rows.items():
        sections[kind] = {
            "rows": [(row, form(kind, f"{kind}-{row.pk}", row_initial(kind, row))) for row in found],
            "new": form(kind, f"{kind}-new", {"signs": True} if kind == "party" else None),
        }
    results = {}
    for objective in content.objectives:
        results[objective.pk] = {
            "rows": [(r, form("result", f"result-{r.pk}", row_initial("result", r))) for r in objective.results.all()],
            "new": form("result", f"result-new-{objective.pk}", {"objective": objective.pk}),
        }
    header = bound if bound is not None and bound.prefix == "version" else None
    return {
        "sections": sections,
        "results": results,
        "header": header or VersionForm(prefix="version", initial=version_initial(version)),
    }


def _parse_prefix(prefix: str) -> tuple[str, str]:
    """(kind, row id or "new") from a form's prefix: party-12, result-new-4, budget-new, version."""
    kind, _sep, rest = prefix.partition("-")
    if kind not in ROW_FORMS and kind != "version":
        raise Http404
    return kind, rest


@require_http_methods(["GET", "POST"])
@network_view(WORK_ON_CASES)
def pact_edit(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Write the unsigned version's content: the header, then each kind of row (add, change, remove): one small
    form, one POST each."""
    pact = pact_for(request.user, network, pk, purpose="pact_edit", select_related=("network",))
    if team_role(request.user, pact.case) is None:
        raise Http404
    version = draft_version(pact)
    if version is None:
        messages.info(request, _("This pact has no version that can be changed now."))
        return redirect("pacts:pact", network.slug, pact.pk)
    bound = None
    if request.method == "POST":
        prefix = request.POST.get("form", "")
        kind, rest = _parse_prefix(prefix)
        action = request.POST.get("action", "save")
        try:
            if kind == "version":
                bound = VersionForm(request.POST, prefix="version")
                if bound.is_valid():
                    services.update_version(actor=request.user, version=version, data=bound.service_data())
            elif action == "remove":
                services.remove_row(actor=request.user, version=version, kind=kind, row_id=rest)
            else:
                bound = ROW_FORMS[kind](request.POST, network=network, version=version, prefix=prefix)
                if bound.is_valid():
                    data = bound.service_data()
                    if rest.startswith("new"):
                        services.add_row(actor=request.user, version=version, kind=kind, data=data)
                    else:
                        data.pop("objective", None)
                        services.update_row(actor=request.user, version=version, kind=kind, row_id=rest, data=data)
        except ValidationError as exc:
            if bound is None:
                messages.error(request, " ".join(exc.messages))
                return redirect(reverse("pacts:pact_edit", args=[network.slug, pact.pk]))
            add_service_errors(bound, exc)
        if bound is None or not bound.errors:
            messages.success(request, _("Saved."))
            anchor = "#version" if kind == "version" else f"#section-{kind}"
            return redirect(reverse("pacts:pact_edit", args=[network.slug, pact.pk]) + anchor)
    content = version_content(version)
    context = {
        **_base(request, network, pact),
        "version": version,
        "content": content,
        "bound_prefix": bound.prefix if bound is not None else "",
        **_edit_forms(network, version, content, bound),
    }
    return render(request, "pacts/pact_edit.html", context, status=400 if bound is not None else 200)


# --- moves -----------------------------------------------------------------------------------------------------


@network_view(WORK_ON_CASES)
@require_POST
def pact_move(request: HttpRequest, network: Network, pk: int, move: str) -> HttpResponse:
    """Propose, take back to draft, start, open a review, complete or interrupt the pact (POST from its page)."""
    if move not in services.MOVES:
        raise Http404
    pact = pact_for(request.user, network, pk, purpose="pact_move", select_related=("network",))
    if team_role(request.user, pact.case) is None:
        raise Http404
    form = MoveForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    try:
        if move == "interrupt":
            services.interrupt_pact(
                actor=request.user, pact=pact, reason=form.cleaned_data.get("interrupt_reason", ""), note=note
            )
        elif move == "review":
            review = services.open_review(actor=request.user, pact=pact, note=note)
            messages.success(request, _("The pact is under review: hold the review when you meet."))
            return redirect("pacts:review", network.slug, review.pk)
        else:
            services.MOVE_SERVICES[move](actor=request.user, pact=pact, note=note)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Done: the pact is now “%(status)s”.") % {"status": _state(pact.pk)})
    return redirect("pacts:pact", network.slug, pact.pk)


def _state(pk: int) -> Any:
    return Pact.objects.get(pk=pk).get_status_display()


# --- the signature ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@network_view(OPEN_CASES)
def pact_signature(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Record the signature of the newest unsigned version: day, method and the signed scan."""
    pact = pact_for(request.user, network, pk, purpose="pact_signature", select_related=("network",))
    if team_role(request.user, pact.case) is None:
        raise Http404
    version = PactVersion.objects.filter(pact=pact).order_by("-number").first()
    signable = version is not None and version.signed_on is None
    form = SignatureForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_signature(
                actor=request.user, pact=pact, data=form.service_data(), scan=form.cleaned_data.get("scan")
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The signature has been recorded."))
            return redirect("pacts:pact", network.slug, pact.pk)
    context = {**_base(request, network, pact), "form": form, "version": version, "signable": signable}
    return render(request, "pacts/pact_signature.html", context, status=_status(form))


@require_GET
@network_view(*CASE_READERS)
def pact_signature_scan(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The signed scan of a version, decrypted, as an attachment (audited read); 404 without one."""
    version = version_for(request.user, network, pk, purpose="signature_scan")
    if not version.signature_scan:
        raise Http404
    extension = version.signature_scan.name.rsplit(".", 1)[-1].lower()
    content_type = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}.get(extension, "")
    response = FileResponse(
        version.signature_scan.open("rb"),
        as_attachment=True,
        filename=f"patto-{version.pact_id}-v{version.number}-firmato.{extension}",
        content_type=content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- versions --------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@network_view(OPEN_CASES)
def version_create(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Draft a new version of a pact under review, from the version in force, with what changes and why."""
    pact = pact_for(request.user, network, pk, purpose="version_create", select_related=("current_version",))
    if team_role(request.user, pact.case) is None:
        raise Http404
    form = NewVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_version(actor=request.user, pact=pact, data=dict(form.cleaned_data))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The new version has been drafted: change what needs changing."))
            return redirect("pacts:pact_edit", network.slug, pact.pk)
    context = {
        **_base(request, network, pact),
        "form": form,
        "open": pact.status == PactStatus.UNDER_REVIEW and draft_version(pact) is None,
    }
    return render(request, "pacts/pact_version_create.html", context, status=_status(form))


@require_GET
@network_view(*CASE_READERS)
def pact_versions(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Every version of the pact: number, signed on, by whom, what changed."""
    pact = pact_for(request.user, network, pk, purpose="pact_versions")
    context = {**_base(request, network, pact), "versions": versions_of(pact)}
    return render(request, "pacts/pact_versions.html", context)


@require_GET
@network_view(*CASE_READERS)
def pact_version(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """One version, read only."""
    version = version_for(request.user, network, pk, purpose="pact_version")
    pact = version.pact
    context = {**_base(request, network, pact), "version": version, "content": version_content(version)}
    return render(request, "pacts/pact_version.html", context)


@require_GET
@network_view(*CASE_READERS)
def pact_diff(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The differences between two versions (?from=1&to=2; by default the two newest)."""
    pact = pact_for(request.user, network, pk, purpose="pact_diff")
    versions = list(PactVersion.objects.filter(pact=pact).order_by("number").only("pk", "number", "signed_on"))
    old = new = None
    sections: list[Any] = []
    if len(versions) >= 2:
        if request.GET.get("from") or request.GET.get("to"):
            old = version_by_number(pact, request.GET.get("from") or versions[-2].number)
            new = version_by_number(pact, request.GET.get("to") or versions[-1].number)
        else:
            old, new = versions[-2], versions[-1]
        sections = version_diff(old, new)
    context = {
        **_base(request, network, pact),
        "versions": versions,
        "old": old,
        "new": new,
        "sections": sections,
    }
    return render(request, "pacts/pact_diff.html", context)


@require_GET
@network_view(*CASE_READERS)
def pact_pdf_view(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The pact's version (?version=N; by default the one shown on its page) as a PDF to read and sign."""
    pact = pact_for(
        request.user, network, pk, purpose="pact_pdf", select_related=("current_version", "case__processing")
    )
    number = request.GET.get("version")
    version = version_by_number(pact, number) if number else shown_version(pact)
    if version is None:
        raise Http404
    response = HttpResponse(pact_pdf(version, network=network), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="patto-{pact.pk}-v{version.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
