"""Pages of the give-back hours: a pact's progress and entries, logging hours, and the host's queue of hours to
confirm ("ore di volontariato da confermare"), which names the person, the day, the minutes and the place, and
never the pact: a host must not learn that the person is on a pact."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.network.models import Network, Organization
from legami.pacts.capabilities import CASE_READERS, CONFIRM_GIVE_BACK, WORK_ON_CASES
from legami.pacts.forms.giveback import GiveBackForm
from legami.pacts.selectors import giveback as selectors
from legami.pacts.selectors.access import pact_for, team_role
from legami.pacts.services import giveback as services
from legami.pacts.services.budget import SPENDING_STATES

NAV = "giveback"
NAV_QUEUE = "giveback_confirmations"


@require_GET
@network_view(*CASE_READERS)
def giveback(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Le ore restituite: each give-back commitment's progress since the pact started, and the entries."""
    pact = pact_for(request.user, network, pk, purpose="give-back hours")
    progress, period = selectors.progress_since_start(pact, timezone.localdate())
    on_team = team_role(request.user, pact.case) is not None
    context = {
        "nav": NAV,
        "pact": pact,
        "progress": progress,
        "since": period[0],
        "until": period[1],
        "entries": list(selectors.hours_of(pact)),
        "can_log": on_team and pact.status in SPENDING_STATES and pact.current_version_id is not None,
    }
    return render(request, "pacts/giveback_detail.html", context)


@require_http_methods(["GET", "POST"])
@network_view(WORK_ON_CASES)
def giveback_log(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Log hours the person gave: a volunteer shift, a time-bank exchange, a give-back place or elsewhere."""
    pact = pact_for(request.user, network, pk, purpose="log give-back hours")
    if team_role(request.user, pact.case) is None:
        raise Http404
    commitments = services.give_back_commitments(pact)
    form = GiveBackForm(
        request.POST if request.method == "POST" else None,
        commitments=commitments,
        shifts=list(services.person_shifts(pact).filter(give_back__isnull=True)),
        transfers=list(services.person_transfers(pact).filter(give_back__isnull=True)),
        places=list(services.open_places(network)),
        hosts=list(Organization.objects.filter(network=network).order_by("name")),
    )
    if request.method == "POST" and form.is_valid():
        try:
            hours = services.log_give_back(actor=request.user, pact=pact, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The hours were logged and count toward the commitment.")
                if hours.status == "confirmed"
                else _("The hours were logged: they count once the host organisation confirms them."),
            )
            return redirect("pacts:giveback", network.slug, pact.pk)
    context = {
        "nav": NAV,
        "pact": pact,
        "form": form,
        "open": pact.status in SPENDING_STATES and bool(commitments),
    }
    return render(request, "pacts/giveback_form.html", context, status=400 if form.errors else 200)


@require_GET
@network_view(CONFIRM_GIVE_BACK)
def giveback_confirmations(request: HttpRequest, network: Network) -> HttpResponse:
    """Ore di volontariato da confermare: pending hours hosted by the viewer's organisation (or by any host, for
    coordinators and community workers), with the person's name, the day, the minutes and the place only."""
    page = Paginator(selectors.confirmation_queue(request.user, network), 25).get_page(request.GET.get("page"))
    return render(request, "pacts/giveback_confirmations.html", {"nav": NAV_QUEUE, "page_obj": page})


@network_view(CONFIRM_GIVE_BACK)
@require_POST  # inside: who may not reach it is told so (404/403) before the method
def giveback_decide(request: HttpRequest, network: Network, pk: int, decision: str) -> HttpResponse:
    """Confirm or reject hours done with the viewer's organisation."""
    if decision not in services.DECISIONS:
        raise Http404
    hours = selectors.hours_for_host(request.user, network, pk)
    if hours is None:
        raise Http404
    try:
        services.confirm_give_back(actor=request.user, hours=hours, confirmed=services.DECISIONS[decision])
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The hours were confirmed.")
            if decision == "confirm"
            else _("The hours were marked as not done with you."),
        )
    return redirect("pacts:giveback_confirmations", network.slug)
