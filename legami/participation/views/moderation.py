"""Pages of moderation: participants report a proposal or a comment; moderators read the open reports, hide a
text (with a reason everyone reads in its place), show it again, or judge it fine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.network.models import Network
from legami.participation.capabilities import MODERATE, TAKE_PART
from legami.participation.forms.moderation import ReasonForm, ReportForm, ResolveForm
from legami.participation.selectors.moderation import get_report_for, open_reports_for
from legami.participation.selectors.proposals import get_comment_for, get_proposal_for, public_name
from legami.participation.services.comments import hide_comment, show_comment
from legami.participation.services.moderation import report_comment, report_proposal, resolve_report
from legami.participation.services.proposals import hide_proposal, show_proposal

NAV = "moderation"


def _detail_url(network: Network, proposal_id: int, anchor: str = "") -> str:
    url = reverse("participation:proposal_detail", args=[network.slug, proposal_id])
    return f"{url}#{anchor}" if anchor else url


@require_http_methods(["GET", "POST"])
@network_view(MODERATE)
def report_list(request: HttpRequest, network: Network) -> HttpResponseBase:
    """The open reports with their texts (moderators); POST closes a report whose text is fine."""
    form = ResolveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        report = get_report_for(request.user, network, form.cleaned_data["report"])
        if report is None:
            form.add_error("report", _("There is no such report."))
        else:
            try:
                resolve_report(actor=request.user, report=report)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The report has been closed; the text stays visible."))
                return redirect("participation:moderation", network.slug)
    reports = list(open_reports_for(request.user, network))
    for report in reports:
        target: Any = report.proposal if report.proposal_id else report.comment
        report.target_author = public_name(target.author)  # type: ignore[attr-defined]
        report.target_text = target.body  # type: ignore[attr-defined]
    context = {"nav": NAV, "reports": reports, "form": form}
    return render(request, "participation/moderation/list.html", context, status=400 if form.errors else 200)


def _form_page(request: HttpRequest, network: Network, context: dict[str, Any], status: int) -> HttpResponse:
    return render(request, "participation/moderation/action.html", {"nav": NAV, **context}, status=status)


def _report_view(kind: str) -> Callable[..., HttpResponseBase]:
    @require_http_methods(["GET", "POST"])
    @network_view(TAKE_PART)
    def view(request: HttpRequest, network: Network, pk: int) -> HttpResponseBase:
        target: Any
        if kind == "proposal":
            proposal = get_proposal_for(request.user, network, pk)
            back, target = _detail_url(network, proposal.pk), proposal
        else:
            target = get_comment_for(request.user, network, pk)
            proposal = target.proposal
            back = _detail_url(network, proposal.pk, f"comment-{target.pk}")
        form = ReportForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                if kind == "proposal":
                    report_proposal(actor=request.user, proposal=proposal, data=form.cleaned_data)
                else:
                    report_comment(actor=request.user, comment=target, data=form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Thank you: the moderators will look at it."))
                return redirect(back)
        title = _("Report the proposal") if kind == "proposal" else _("Report the comment")
        context = {
            "title": title,
            "explanation": _("Tell the moderators what is wrong. Your report is not public."),
            "submit": _("Send the report"),
            "form": form,
            "proposal": proposal,
            "back": back,
        }
        return _form_page(request, network, context, 400 if form.is_bound and form.errors else 200)

    view.__name__ = f"{kind}_report"
    view.__doc__ = f"Report a {kind} to the moderators: GET shows the form, POST sends it."
    return view


proposal_report = _report_view("proposal")


comment_report = _report_view("comment")


def _moderation_view(kind: str, hide: bool) -> Callable[..., HttpResponseBase]:
    @require_http_methods(["GET", "POST"])
    @network_view(MODERATE)
    def view(request: HttpRequest, network: Network, pk: int) -> HttpResponseBase:
        if kind == "proposal":
            target: Any = get_proposal_for(request.user, network, pk)
            proposal = target
            back = _detail_url(network, proposal.pk)
        else:
            target = get_comment_for(request.user, network, pk)
            proposal = target.proposal
            back = _detail_url(network, proposal.pk, f"comment-{target.pk}")
        form = ReasonForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data["reason"]
            action = {
                ("proposal", True): lambda: hide_proposal(actor=request.user, proposal=target, reason=reason),
                ("proposal", False): lambda: show_proposal(actor=request.user, proposal=target, reason=reason),
                ("comment", True): lambda: hide_comment(actor=request.user, comment=target, reason=reason),
                ("comment", False): lambda: show_comment(actor=request.user, comment=target, reason=reason),
            }[(kind, hide)]
            try:
                action()
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Hidden: everyone reads the reason instead.") if hide else _("Shown again.")
                )
                return redirect(back)
        titles = {
            ("proposal", True): _("Hide the proposal"),
            ("proposal", False): _("Show the proposal again"),
            ("comment", True): _("Hide the comment"),
            ("comment", False): _("Show the comment again"),
        }
        explanation = (
            _("Its text gives way to your reason, for everyone but the moderators. Its open reports are closed.")
            if hide
            else _("Its text is shown again to everyone. Say why: the reason is kept in the history.")
        )
        context = {
            "title": titles[(kind, hide)],
            "explanation": explanation,
            "submit": titles[(kind, hide)],
            "danger": hide,
            "form": form,
            "proposal": proposal,
            "target_text": target.body,
            "back": back,
        }
        return _form_page(request, network, context, 400 if form.is_bound and form.errors else 200)

    view.__name__ = f"{kind}_{'hide' if hide else 'show'}"
    view.__doc__ = f"{'Hide' if hide else 'Show again'} a {kind} (moderators): GET shows the form, POST acts."
    return view


proposal_hide = _moderation_view("proposal", hide=True)


proposal_show = _moderation_view("proposal", hide=False)


comment_hide = _moderation_view("comment", hide=True)


comment_show = _moderation_view("comment", hide=False)
