"""Pages of proposals: a process's list (public), a proposal's page (public), filing one, supporting it,
commenting, answering it and withdrawing it (one page per action: GET shows it, POST acts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from legami.core import inputs
from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.pagination import CountedPaginator
from legami.core.permissions import can
from legami.network.models import Network
from legami.participation.capabilities import ANSWER_PROPOSALS, MODERATE, TAKE_PART
from legami.participation.forms.proposals import (
    AnswerForm,
    CommentForm,
    ConfirmForm,
    ProposalFilterForm,
    ProposalForm,
    WithdrawForm,
)
from legami.participation.models import Proposal, ProposalStatus
from legami.participation.selectors.processes import get_process_for, open_phase, today
from legami.participation.selectors.proposals import (
    comment_thread,
    get_proposal_for,
    is_supported_by,
    moderates,
    proposal_cards,
    proposal_history,
    proposals_matching,
    public_name,
    random_seed,
    supports_left,
)
from legami.participation.services.comments import comment
from legami.participation.services.proposals import (
    PROPOSAL_WORKFLOW,
    answer_proposal,
    create_proposal,
    withdraw_proposal,
)
from legami.participation.services.supports import CLOSED_STATUSES, support, unsupport

NAV = "processes"


def _detail_url(network: Network, proposal: Proposal) -> str:
    return reverse("participation:proposal_detail", args=[network.slug, proposal.pk])


def _back(request: HttpRequest, default: str) -> str:
    """Where to go after an action: the page it was asked from (this site's only), else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return default


def _is_author(user: Any, proposal: Proposal) -> bool:
    return getattr(user, "is_authenticated", False) and proposal.author_id == user.pk


def _may_withdraw(user: Any, proposal: Proposal) -> bool:
    return _is_author(user, proposal) and proposal.status == ProposalStatus.PUBLISHED and not proposal.support_count


_BADGES = {
    ProposalStatus.ACCEPTED: "bg-success",
    ProposalStatus.REJECTED: "bg-secondary",
    ProposalStatus.WITHDRAWN: "bg-secondary",
    ProposalStatus.EVALUATING: "bg-info text-dark",
}


@dataclass
class Card:
    """What a proposal's card in the list shows, worded here once rather than by template tags for each card (at
    25 cards a page, the tags cost more than the rest of the page)."""

    proposal: Proposal
    url: str
    badge: str
    byline: str
    counts: str
    # "support", "unsupport" or "" (no button: supports closed, or the proposal closed or hidden)
    action: str
    action_url: str


def _card(network: Network, proposal: Proposal, *, supports_open: bool) -> Card:
    who = proposal.organization.name if proposal.organization_id else proposal.author_name  # type: ignore[attr-defined]
    counts = " · ".join(
        (
            ngettext("%(n)s support", "%(n)s supports", proposal.support_count) % {"n": proposal.support_count},
            ngettext("%(n)s comment", "%(n)s comments", proposal.comment_count) % {"n": proposal.comment_count},
        )
    )
    supportable = proposal.status not in CLOSED_STATUSES and not proposal.is_hidden  # type: ignore[attr-defined]
    action = ""
    if supports_open and supportable:
        action = "unsupport" if proposal.supported else "support"  # type: ignore[attr-defined]
    return Card(
        proposal=proposal,
        url=_detail_url(network, proposal),
        badge=_BADGES.get(proposal.status, "bg-primary"),
        byline=_("Proposed by %(who)s") % {"who": who},
        counts=counts,
        action=action,
        action_url=reverse(f"participation:proposal_{action}", args=[network.slug, proposal.pk]) if action else "",
    )


@require_GET
@network_view()
def proposal_list(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A process's proposals: search, filters by area and status, sort, pages; a Support button for members."""
    user = request.user
    process = get_process_for(user, network, pk, parts=False)
    form = ProposalFilterForm(request.GET or None, network=network)
    filters = form.filters()
    seed = random_seed(user, today())
    proposals = proposal_cards(user, process, seed=seed, **filters)
    # The page's ids are found on the sorted list, its 25 rows loaded with their joins; the count asks only the
    # filters (at 10,000 proposals a random order or a far page would otherwise compute every row).
    matching = proposals_matching(user, process, **{k: filters[k] for k in ("search", "area", "status")})
    paginator = CountedPaginator(proposals, settings.LEGAMI_PAGE_SIZE, counted_by=matching)
    page_obj = paginator.get_page(request.GET.get("page"))
    takes_part = can(user, TAKE_PART, network)
    supports_open = takes_part and open_phase(process, "supports_open") is not None
    cards = [_card(network, proposal, supports_open=supports_open) for proposal in page_obj.object_list]
    context = {
        "nav": NAV,
        "process": process,
        "form": form,
        "page_obj": page_obj,
        "cards": cards,
        # The cards' words, translated once for the page.
        "labels": {
            "supported": _("You support this"),
            "unsupport": _("Take back my support"),
            "support": _("Support"),
            "none_left": _("You have no supports left in this process."),
        },
        "filtered": any(filters[name] for name in ("search", "area", "status")),
        "takes_part": takes_part,
        "supports_open": supports_open,
        "proposals_open": takes_part and open_phase(process, "proposals_open") is not None,
        "supports_left": supports_left(user, process) if supports_open else None,
        "moderator": moderates(user, network),
        "here": request.get_full_path(),
    }
    return render(request, "participation/proposals/list.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@network_view(TAKE_PART)
def proposal_create(request: HttpRequest, network: Network, pk: int) -> HttpResponseBase:
    """File a proposal while the current phase takes them; it is public under the author's name."""
    process = get_process_for(request.user, network, pk)
    form = ProposalForm(request.POST if request.method == "POST" else None, network=network, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = create_proposal(actor=request.user, process=process, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your proposal has been published."))
            return redirect(_detail_url(network, proposal))
    context = {
        "nav": NAV,
        "process": process,
        "form": form,
        "open": open_phase(process, "proposals_open") is not None,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "participation/proposals/form.html", context, status=status)


@require_GET
@network_view()
def proposal_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """A proposal: its text (or the moderators' reason), answer, supports, threaded comments and history."""
    user = request.user
    proposal = get_proposal_for(user, network, pk)
    process = proposal.process
    moderator = moderates(user, network)
    hidden = proposal.hidden_at is not None
    takes_part = can(user, TAKE_PART, network)
    supports_open = takes_part and not hidden and open_phase(process, "supports_open") is not None
    comments_open = takes_part and not hidden and open_phase(process, "comments_open") is not None
    context = {
        "nav": NAV,
        "process": process,
        "proposal": proposal,
        "hidden": hidden,
        "readable": not hidden or moderator,
        "moderator": moderator,
        "author_name": public_name(proposal.author),
        # A hidden proposal's comments may quote it: they are the moderators' to read with it.
        "thread": comment_thread(user, proposal) if not hidden or moderator else [],
        "history": proposal_history(proposal),
        "takes_part": takes_part,
        "supported": is_supported_by(user, proposal),
        "supports_open": supports_open and proposal.status not in CLOSED_STATUSES,
        "supports_left": supports_left(user, process) if supports_open else None,
        "comments_open": comments_open,
        "comment_form": CommentForm() if comments_open else None,
        "can_answer": bool(PROPOSAL_WORKFLOW.available(proposal, user, network=network))
        and can(user, ANSWER_PROPOSALS, network),
        "can_withdraw": _may_withdraw(user, proposal),
        "can_report": takes_part and not hidden,
        "can_moderate": can(user, MODERATE, network),
    }
    return render(request, "participation/proposals/detail.html", context)


# --- actions: GET shows the page, POST acts ---------------------------------------------------------


def _action_page(
    request: HttpRequest,
    network: Network,
    proposal: Proposal,
    *,
    form: Any,
    title: str,
    explanation: str,
    submit: str,
    danger: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = {
        "nav": NAV,
        "process": proposal.process,
        "proposal": proposal,
        "readable": proposal.hidden_at is None or moderates(request.user, network),
        "form": form,
        "title": title,
        "explanation": explanation,
        "submit": submit,
        "danger": danger,
        "next": _back(request, ""),
    }
    return render(request, "participation/proposals/action.html", context, status=status)


def _support_view(take_back: bool) -> Callable[..., HttpResponseBase]:
    @require_http_methods(["GET", "POST"])
    @network_view(TAKE_PART)
    def view(request: HttpRequest, network: Network, pk: int) -> HttpResponseBase:
        proposal = get_proposal_for(request.user, network, pk)
        if request.method == "POST":
            try:
                if take_back:
                    unsupport(actor=request.user, proposal=proposal)
                else:
                    support(actor=request.user, proposal=proposal)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("Your support has been taken back.") if take_back else _("You support this proposal."),
                )
            return redirect(_back(request, _detail_url(network, proposal)))
        left = supports_left(request.user, proposal.process)
        if take_back:
            title, submit = _("Take back your support"), _("Take back my support")
            explanation = _("You can support another proposal instead while supports are open.")
        else:
            title, submit = _("Support this proposal"), _("Support")
            explanation = _("Your support is counted on the proposal; you can take it back while supports are open.")
            if left is not None:
                explanation += " " + _("Supports you have left in this process: %(n)d.") % {"n": left}
        return _action_page(
            request, network, proposal, form=ConfirmForm(), title=title, explanation=explanation, submit=submit
        )

    view.__name__ = "proposal_unsupport" if take_back else "proposal_support"
    view.__doc__ = ("Take back one's support" if take_back else "Support a proposal") + ": GET confirms, POST acts."
    return view


proposal_support = _support_view(take_back=False)


proposal_unsupport = _support_view(take_back=True)


@require_http_methods(["GET", "POST"])
@network_view(TAKE_PART)
def proposal_comment(request: HttpRequest, network: Network, pk: int) -> HttpResponseBase:
    """Comment on a proposal or reply to a comment (`parent`): GET shows the form, POST publishes."""
    proposal = get_proposal_for(request.user, network, pk)
    parent = inputs.parse_id(request.GET.get("parent", ""))
    initial = {"parent": parent} if parent is not None else {}
    form = CommentForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = comment(actor=request.user, proposal=proposal, body=data["body"], parent=data.get("parent"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your comment has been published."))
            return redirect(f"{_detail_url(network, proposal)}#comment-{row.pk}")
    status = 400 if form.is_bound and form.errors else 200
    return _action_page(
        request,
        network,
        proposal,
        form=form,
        title=_("Comment on the proposal"),
        explanation=_("Comments are public, under your name. Be respectful; the moderators may hide a comment."),
        submit=_("Publish the comment"),
        status=status,
    )


@require_http_methods(["GET", "POST"])
@network_view(ANSWER_PROPOSALS)
def proposal_answer(request: HttpRequest, network: Network, pk: int) -> HttpResponseBase:
    """The partnership's answer: under evaluation, accepted or not accepted, with its public text."""
    proposal = get_proposal_for(request.user, network, pk)
    form = AnswerForm(request.POST if request.method == "POST" else None, initial={"answer": proposal.answer})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answer_proposal(actor=request.user, proposal=proposal, status=data["status"], answer=data["answer"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The answer has been published."))
            return redirect(_detail_url(network, proposal))
    status = 400 if form.is_bound and form.errors else 200
    return _action_page(
        request,
        network,
        proposal,
        form=form,
        title=_("Answer the proposal"),
        explanation=_("The answer is public and is sent in the name of the partnership."),
        submit=_("Publish the answer"),
        status=status,
    )


@require_http_methods(["GET", "POST"])
@network_view(TAKE_PART)
def proposal_withdraw(request: HttpRequest, network: Network, pk: int) -> HttpResponseBase:
    """Withdraw one's own proposal while nobody supports it (its author only)."""
    proposal = get_proposal_for(request.user, network, pk)
    if not _is_author(request.user, proposal):
        raise PermissionDenied(_("Only the author can withdraw a proposal."))
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            withdraw_proposal(actor=request.user, proposal=proposal, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your proposal has been withdrawn."))
            return redirect(_detail_url(network, proposal))
    status = 400 if form.is_bound and form.errors else 200
    return _action_page(
        request,
        network,
        proposal,
        form=form,
        title=_("Withdraw your proposal"),
        explanation=_("A withdrawn proposal stays on the page, marked as withdrawn; it cannot be supported."),
        submit=_("Withdraw"),
        danger=True,
        status=status,
    )
