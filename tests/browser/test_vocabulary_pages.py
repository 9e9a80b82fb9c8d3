"""The aggregation vocabulary and "What was learned" in Chromium, at 320 px and by keyboard, with axe on each page."""

import json
import re

import pytest
from django.urls import reverse

from legami.aggregation.engine import Vocabulary
from legami.aggregation.models import LearnedEvidence
from legami.aggregation.selectors.vocabulary import network_vocabulary
from legami.core.models import Job

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 700}


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_coordinator_adds_a_synonym_by_keyboard_at_320_px(cast, page, login_as, check_a11y):
    page.set_viewport_size(NARROW)
    login_as(cast.coordinator)
    concept = Vocabulary.standard().concepts[0]
    page.goto(reverse("aggregation:vocabulary", args=[cast.network.slug]))
    check_a11y(page)
    assert _fits(page)
    field = page.get_by_label(f"Aggiungi un sinonimo a «{concept.label}»")
    field.focus()
    page.keyboard.type("aiutino serale")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Il termine è stato aggiunto." in page.inner_text("main")
    assert "aiutino serale" in network_vocabulary(cast.network).concept(concept.code).terms
    # A broken file: the error names the concept, the page stays accessible and narrow.
    page.goto(reverse("aggregation:vocabulary_upload", args=[cast.network.slug]))
    broken = {"version": 1, "concepts": [{"code": "cani", "label": "Cani", "terms": []}]}
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "v.json", "mimeType": "application/json", "buffer": json.dumps(broken).encode()}],
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Carica e sostituisci").click()
    assert "Concetto «cani»: non ha termini." in page.inner_text("main")
    check_a11y(page)
    assert _fits(page)
    for name in ("vocabulary_merge", "vocabulary_add_concept", "vocabulary_reset"):
        page.goto(reverse(f"aggregation:{name}", args=[cast.network.slug]))
        check_a11y(page)
        assert _fits(page)
    assert page.js_errors == []


def test_the_run_page_says_what_was_learned_and_undoes_it_by_keyboard(cast, page, login_as, check_a11y):
    page.set_viewport_size(NARROW)
    job = Job.objects.create(
        network=cast.network,
        kind="needs_aggregation",
        actor=cast.coordinator,
        status=Job.Status.SUCCEEDED,
        total=6,
        processed=6,
        result={
            "needs": 6,
            "candidates": 2,
            "grouped_needs": 6,
            "replaced": 0,
            "suggestions": 0,
            "evidence": [],
            "settings": {"distance_km": 2.0, "min_group_size": 2},
        },
    )
    evidence = LearnedEvidence.objects.create(
        network=cast.network,
        kind="together",
        first=["doposcuola"],
        second=["compito"],
        action="merge",
        created_by=cast.community_worker,
    )
    login_as(cast.coordinator)
    page.goto(reverse("aggregation:run_detail", args=[cast.network.slug, job.pk]))
    main = page.inner_text("main")
    assert "Che cosa ha imparato" in main
    assert "«doposcuola» e «compito» vanno insieme — dall’unione di due proposte" in main
    check_a11y(page)
    assert _fits(page)
    button = page.get_by_role("button", name=re.compile(r"^Annulla ?: «doposcuola» e «compito» vanno insieme$"))
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Annullato: la prossima aggregazione non lo userà." in page.inner_text("main")
    evidence.refresh_from_db()
    assert evidence.undone_at is not None
    check_a11y(page)
    assert page.js_errors == []
