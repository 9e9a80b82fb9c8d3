"""Pages of the reporter: filing a referral (on a phone), the confirmation, their own referrals and one of them
with the services' questions. The reporter sees the status only, never what the services decide or write."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.http import site_base_url
from legami.network.models import Network
from legami.referrals.capabilities import FILE_REFERRALS
from legami.referrals.forms.referrals import AnswerForm, ReferralForm, referral_initial
from legami.referrals.models import ReferralStatus
from legami.referrals.selectors.referrals import my_referral, my_referrals, referral_messages, reporter_status
from legami.referrals.services.filing import answer_question, file_referral


@require_http_methods(["GET", "POST"])
@network_view(FILE_REFERRALS)
def referral_file(request: HttpRequest, network: Network) -> HttpResponse:
    """Signal a fragile situation to the services."""
    if request.method == "POST":
        form = ReferralForm(request.POST, network=network)
        if form.is_valid():
            try:
                referral = file_referral(
                    actor=request.user, network=network, data=form.service_data(), base_url=site_base_url(request)
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("referrals:filed", network.slug, referral.pk)
    else:
        form = ReferralForm(initial=referral_initial(request.user), network=network)
    status = 400 if form.errors else 200
    return render(request, "referrals/file.html", {"nav": "referral_file", "form": form}, status=status)


@require_GET
@network_view(FILE_REFERRALS)
def referral_filed(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The confirmation after filing: the number, what happens now."""
    referral = my_referral(request.user, network, pk)
    return render(request, "referrals/filed.html", {"nav": "referral_file", "referral": referral})


@require_GET
@network_view(FILE_REFERRALS)
def my_referral_list(request: HttpRequest, network: Network) -> HttpResponse:
    """The referrals I filed, newest first, each with its status as I may see it."""
    referrals = list(my_referrals(request.user, network)[:200])
    for referral in referrals:
        referral.reporter_status = reporter_status(referral)
    return render(request, "referrals/mine.html", {"nav": "referrals_mine", "referrals": referrals})


@require_http_methods(["GET", "POST"])
@network_view(FILE_REFERRALS)
def my_referral_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """One referral I filed: its status, the questions put to me and my answers; a form when a question waits."""
    referral = my_referral(request.user, network, pk)
    waiting = referral.status == ReferralStatus.INFO_REQUESTED
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            answer_question(
                actor=request.user,
                referral=referral,
                data={"answer": form.cleaned_data["answer"]},
                base_url=site_base_url(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you: your answer has been sent to the services."))
            return redirect("referrals:mine_detail", network.slug, referral.pk)
    context = {
        "nav": "referrals_mine",
        "referral": referral,
        "reporter_status": reporter_status(referral),
        "exchange": list(referral_messages(referral)),
        "waiting": waiting,
        "form": form,
    }
    return render(request, "referrals/mine_detail.html", context, status=400 if form.errors else 200)
