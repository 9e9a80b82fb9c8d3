"""Pages of demand aggregation: the network's vocabulary (read, change, download, upload, reset) and what the
engine learned from review (shown on the run page, undone one by one)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from legami.aggregation.capabilities import MANAGE_VOCABULARY, REVIEW_DEMANDS
from legami.aggregation.forms.vocabulary import (
    ConceptForm,
    ConfirmForm,
    MergeConceptsForm,
    RenameConceptForm,
    TermForm,
    VocabularySearchForm,
    VocabularyUploadForm,
)
from legami.aggregation.selectors.learning import (
    describe_evidence,
    get_evidence,
    recent_evidence,
    run_learning,
)
from legami.aggregation.selectors.vocabulary import network_vocabulary, vocabulary_page
from legami.aggregation.services.learning import undo_evidence
from legami.aggregation.services.vocabulary import (
    add_concept,
    add_term,
    merge_concepts,
    remove_term,
    rename_concept,
    replace_vocabulary,
    reset_vocabulary,
)
from legami.core.decorators import network_view
from legami.core.forms import add_service_errors
from legami.core.models import Job
from legami.core.permissions import can
from legami.network.models import Network

# The menu entry of the vocabulary page (navigation.py).
VOCABULARY_NAV = "demand_vocabulary"


@require_GET
@network_view(REVIEW_DEMANDS)
def vocabulary(request: HttpRequest, network: Network) -> HttpResponse:
    """The network's concepts with their terms, a search, and (for the coordinator) the changes."""
    form = VocabularySearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = vocabulary_page(network, query=query)
    can_manage = can(request.user, MANAGE_VOCABULARY, network)
    evidence = describe_evidence(recent_evidence(network), network_vocabulary(network)) if can_manage else []
    context = {
        "nav": VOCABULARY_NAV,
        "form": form,
        "query": query,
        "page": page,
        "can_manage": can_manage,
        "evidence": evidence,
    }
    return render(request, "aggregation/vocabulary.html", context)


@require_GET
@network_view(REVIEW_DEMANDS)
def vocabulary_download(request: HttpRequest, network: Network) -> HttpResponse:
    """The network's vocabulary as a JSON file, ready to edit and upload."""
    document = network_vocabulary(network).to_data()
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1) + "\n", content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="vocabolario-{network.slug}.json"'
    return response


# --- the changes: one page each (GET shows the form, POST acts; the list's small forms post here) ------------


@dataclass(frozen=True)
class Change:
    title: str | Promise
    explanation: str | Promise
    submit: str | Promise
    done: str | Promise
    danger: bool = False
    upload: bool = False


_NEXT_RUN = gettext_lazy("The change is used at the next aggregation run.")

CHANGES: dict[str, Change] = {
    "add_term": Change(
        gettext_lazy("Add a synonym"),
        gettext_lazy("A word or a short phrase people use for this service (at most 5 words)."),
        gettext_lazy("Add"),
        gettext_lazy("The term has been added. It is used at the next aggregation run."),
    ),
    "remove_term": Change(
        gettext_lazy("Remove a term"),
        gettext_lazy("The term no longer links descriptions to the concept."),
        gettext_lazy("Remove"),
        gettext_lazy("The term has been removed. The change is used at the next aggregation run."),
        danger=True,
    ),
    "rename": Change(
        gettext_lazy("Rename a concept"),
        gettext_lazy("The label is what coordinators read; the code stays the same."),
        gettext_lazy("Save the label"),
        gettext_lazy("The concept has been renamed."),
    ),
    "merge": Change(
        gettext_lazy("Merge two concepts"),
        gettext_lazy("For two concepts that name the same service: the terms are united and one code is kept."),
        gettext_lazy("Merge"),
        gettext_lazy("The concepts have been merged. The change is used at the next aggregation run."),
        danger=True,
    ),
    "add_concept": Change(
        gettext_lazy("Add a concept"),
        gettext_lazy("A service that people ask for with words the vocabulary does not know yet."),
        gettext_lazy("Add the concept"),
        gettext_lazy("The concept has been added. It is used at the next aggregation run."),
    ),
    "upload": Change(
        gettext_lazy("Upload a vocabulary"),
        gettext_lazy(
            "The file replaces the whole vocabulary. It is checked first: if anything is wrong nothing is saved, "
            "and each problem names its concept."
        ),
        gettext_lazy("Upload and replace"),
        gettext_lazy("The vocabulary has been replaced. It is used at the next aggregation run."),
        upload=True,
    ),
    "reset": Change(
        gettext_lazy("Go back to the standard vocabulary"),
        gettext_lazy(
            "The network's changes are dropped and the standard set comes back (the audit log keeps the changes). "
            "Download the file first if you may want them again."
        ),
        gettext_lazy("Reset"),
        gettext_lazy("The standard vocabulary is back. It is used at the next aggregation run."),
        danger=True,
    ),
}


def _choices(network: Network) -> list[tuple[str, str]]:
    concepts = sorted(network_vocabulary(network).concepts, key=lambda c: (c.label.lower(), c.code))
    return [(c.code, f"{c.label} ({c.code})") for c in concepts]


def _build(name: str, request: HttpRequest, network: Network) -> Any:
    data = request.POST if request.method == "POST" else None
    initial = {key: request.GET.get(key, "") for key in ("concept", "term", "keep")}
    if name in ("add_term", "remove_term"):
        return TermForm(data, choices=_choices(network), initial=initial)
    if name == "rename":
        concept = network_vocabulary(network).concept(initial["concept"])
        return RenameConceptForm(
            data, choices=_choices(network), initial={**initial, "label": concept.label if concept else ""}
        )
    if name == "merge":
        return MergeConceptsForm(data, choices=_choices(network), initial=initial)
    if name == "add_concept":
        return ConceptForm(data)
    if name == "upload":
        return VocabularyUploadForm(data, request.FILES if data is not None else None)
    return ConfirmForm(data)


def _perform(name: str, request: HttpRequest, network: Network, data: dict) -> Any:
    actor = request.user
    if name == "add_term":
        return add_term(actor=actor, network=network, concept=data["concept"], term=data["term"])
    if name == "remove_term":
        return remove_term(actor=actor, network=network, concept=data["concept"], term=data["term"])
    if name == "rename":
        return rename_concept(actor=actor, network=network, concept=data["concept"], label=data["label"])
    if name == "merge":
        return merge_concepts(actor=actor, network=network, keep=data["keep"], other=data["other"])
    if name == "add_concept":
        return add_concept(actor=actor, network=network, **data)
    if name == "upload":
        upload = data.get("file")
        if upload is None:
            raise ValidationError({"file": [_("Choose the vocabulary file to upload.")]})
        return replace_vocabulary(actor=actor, network=network, content=upload.read())
    return reset_vocabulary(actor=actor, network=network)


def _change(request: HttpRequest, network: Network, name: str) -> HttpResponseBase:
    change = CHANGES[name]
    form = _build(name, request, network)
    if request.method == "POST" and form.is_valid():
        try:
            _perform(name, request, network, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, str(change.done))
            return redirect("aggregation:vocabulary", network.slug)
    context = {"nav": VOCABULARY_NAV, "change": change, "form": form, "name": name, "next_run": _NEXT_RUN}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "aggregation/vocabulary_change.html", context, status=status)


def _change_view(name: str) -> Callable[..., HttpResponseBase]:
    @require_http_methods(["GET", "POST"])
    @network_view(MANAGE_VOCABULARY)
    def view(request: HttpRequest, network: Network) -> HttpResponseBase:
        return _change(request, network, name)

    view.__name__ = f"vocabulary_{name}"
    view.__doc__ = f"{CHANGES[name].title}: GET shows the form, POST acts."
    return view


vocabulary_add_term = _change_view("add_term")
vocabulary_remove_term = _change_view("remove_term")
vocabulary_rename = _change_view("rename")
vocabulary_merge = _change_view("merge")
vocabulary_add_concept = _change_view("add_concept")
vocabulary_upload = _change_view("upload")
vocabulary_reset = _change_view("reset")


# --- what was learned ----------------------------------------------------------------------------------------


def run_learned_context(request: HttpRequest, network: Network, job: Job) -> dict[str, Any]:
    """What the run page's “What was learned” shows (aggregation/_run_learned.html)."""
    learned = run_learning(network, job)
    vocabulary_now = network_vocabulary(network)
    return {
        "learned_since": describe_evidence(learned.since, vocabulary_now),
        "learned_used": describe_evidence(learned.used, vocabulary_now),
        "can_undo": can(request.user, MANAGE_VOCABULARY, network),
    }


@require_http_methods(["GET", "POST"])
@network_view(MANAGE_VOCABULARY)
def evidence_undo(request: HttpRequest, network: Network, pk: int) -> HttpResponseBase:
    """Undo one piece of learned evidence: GET asks to confirm, POST undoes it and goes back to the run."""
    evidence = get_evidence(network, pk)
    describe_evidence([evidence], network_vocabulary(network))
    form = ConfirmForm(request.POST if request.method == "POST" else None, initial={"job": request.GET.get("job")})
    if request.method == "POST" and form.is_valid():
        try:
            undo_evidence(actor=request.user, network=network, evidence=evidence)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Undone: the next aggregation run will not use it."))
            job = form.cleaned_data.get("job")
            if job and Job.objects.filter(pk=job, network=network).exists():
                return redirect("aggregation:run_detail", network.slug, job)
            return redirect("aggregation:vocabulary", network.slug)
    context = {"nav": VOCABULARY_NAV, "evidence": evidence, "form": form}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "aggregation/evidence_undo.html", context, status=status)
