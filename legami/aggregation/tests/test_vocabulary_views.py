"""The vocabulary page, its changes, the run page's "What was learned" and undoing evidence, through the client."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from legami.aggregation.engine import Vocabulary
from legami.aggregation.models import LearnedEvidence, NetworkVocabulary
from legami.aggregation.selectors.vocabulary import network_vocabulary
from legami.core.models import Job

NOT_REVIEWERS = ["case_manager", "partner_staff", "evaluator", "funder", "citizen"]
CHANGES = ["add_term", "remove_term", "rename", "merge", "add_concept", "upload", "reset"]


def _url(cast, name, *args, network=None):
    return reverse(f"aggregation:{name}", args=[(network or cast.network).slug, *args])


@pytest.fixture
def concept():
    return Vocabulary.standard().concepts[0]


@pytest.fixture
def english(english_login):
    return english_login


def test_the_coordinator_sees_the_concepts_and_the_changes(cast, english, concept):
    response = english(cast.coordinator).get(_url(cast, "vocabulary"))
    assert response.status_code == 200
    page = response.content.decode()
    assert concept.label in page and concept.terms[0] in page
    assert "used at the next aggregation run" in page
    assert _url(cast, "vocabulary_add_term") in page and _url(cast, "vocabulary_reset") in page
    assert "Learned from review" in page


def test_a_community_worker_reads_the_vocabulary_without_changing_it(cast, english, concept):
    response = english(cast.community_worker).get(_url(cast, "vocabulary"))
    assert response.status_code == 200
    page = response.content.decode()
    assert concept.label in page
    assert _url(cast, "vocabulary_add_term") not in page and "Learned from review" not in page
    for name in CHANGES:
        assert english(cast.community_worker).get(_url(cast, f"vocabulary_{name}")).status_code == 403


@pytest.mark.parametrize("persona", NOT_REVIEWERS)
def test_others_cannot_see_the_vocabulary(cast, login, persona):
    client = login(getattr(cast, persona))
    assert client.get(_url(cast, "vocabulary")).status_code == 403
    assert client.get(_url(cast, "vocabulary_download")).status_code == 403
    assert client.post(_url(cast, "vocabulary_reset")).status_code == 403
    assert not NetworkVocabulary.objects.exists()


def test_an_outsider_gets_404_everywhere(cast, login):
    client = login(cast.outsider)
    assert client.get(_url(cast, "vocabulary")).status_code == 404
    assert client.post(_url(cast, "vocabulary_reset")).status_code == 404


def test_search(cast, english, concept):
    response = english(cast.coordinator).get(_url(cast, "vocabulary"), {"q": concept.terms[0]})
    assert concept.label in response.content.decode()
    response = english(cast.coordinator).get(_url(cast, "vocabulary"), {"q": "zzzznulla"})
    assert "No concept matches the search." in response.content.decode()


def test_a_concept_shows_the_networks_name_of_its_area(cast, english):
    from legami.needs.models import NeedArea

    concept = next(c for c in Vocabulary.standard().concepts if c.area)
    NeedArea.objects.update_or_create(
        network=cast.network, code=concept.area, defaults={"name": "Area di prova «rinominata»"}
    )
    page = english(cast.coordinator).get(_url(cast, "vocabulary"), {"q": concept.code}).content.decode()
    assert "Area di prova «rinominata»" in page


def test_download_is_the_json_document(cast, login):
    response = login(cast.community_worker).get(_url(cast, "vocabulary_download"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="vocabolario-{cast.network.slug}.json"'
    assert Vocabulary.from_data(json.loads(response.content)) == Vocabulary.standard()


def test_add_a_synonym_from_the_list(cast, english, concept):
    client = english(cast.coordinator)
    response = client.post(_url(cast, "vocabulary_add_term"), {"concept": concept.code, "term": "aiutino"})
    assert response.status_code == 302 and response["Location"] == _url(cast, "vocabulary")
    assert "aiutino" in network_vocabulary(cast.network).concept(concept.code).terms
    page = client.get(_url(cast, "vocabulary")).content.decode()
    assert "Revision 1" in page


@pytest.mark.parametrize(
    ("term", "message"), [("", "Write a term."), ("a" * 81, "A term has from 2 to 80 characters.")]
)
def test_a_bad_term_shows_its_error_and_changes_nothing(cast, english, concept, term, message):
    response = english(cast.coordinator).post(
        _url(cast, "vocabulary_add_term"), {"concept": concept.code, "term": term}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not NetworkVocabulary.objects.exists()


def test_remove_a_term(cast, english, concept):
    response = english(cast.coordinator).post(
        _url(cast, "vocabulary_remove_term"), {"concept": concept.code, "term": concept.terms[0]}
    )
    assert response.status_code == 302
    assert concept.terms[0] not in network_vocabulary(cast.network).concept(concept.code).terms


def test_rename_shows_the_current_label_and_saves_the_new_one(cast, english, concept):
    client = english(cast.coordinator)
    response = client.get(_url(cast, "vocabulary_rename"), {"concept": concept.code})
    assert f'value="{concept.label}"' in response.content.decode()
    response = client.post(_url(cast, "vocabulary_rename"), {"concept": concept.code, "label": "Etichetta"})
    assert response.status_code == 302
    assert network_vocabulary(cast.network).concept(concept.code).label == "Etichetta"
    response = client.post(_url(cast, "vocabulary_rename"), {"concept": concept.code, "label": ""})
    assert response.status_code == 400 and "Write a label." in response.content.decode()


def test_merge_a_concept_with_itself_is_refused(cast, english, concept):
    response = english(cast.coordinator).post(
        _url(cast, "vocabulary_merge"), {"keep": concept.code, "other": concept.code}
    )
    assert response.status_code == 400
    assert "A concept cannot be merged with itself." in response.content.decode()
    assert not NetworkVocabulary.objects.exists()


def test_merge_two_concepts(cast, english):
    keep, other = Vocabulary.standard().concepts[:2]
    response = english(cast.coordinator).post(_url(cast, "vocabulary_merge"), {"keep": keep.code, "other": other.code})
    assert response.status_code == 302
    assert network_vocabulary(cast.network).concept(other.code) is None


def test_add_a_concept_and_its_errors(cast, english):
    client = english(cast.coordinator)
    response = client.post(
        _url(cast, "vocabulary_add_concept"),
        {"code": "cani", "label": "Cani", "terms": "cane, guinzaglio", "nomenclatore": "", "area": ""},
    )
    assert response.status_code == 302
    assert network_vocabulary(cast.network).concept("cani").terms == ("cane", "guinzaglio")
    response = client.post(
        _url(cast, "vocabulary_add_concept"),
        {"code": "cani", "label": "", "terms": "", "nomenclatore": "", "area": ""},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Write a label." in page and "Write at least one term." in page


def test_upload_a_broken_file_names_the_concept_and_saves_nothing(cast, english):
    data = {"version": 1, "concepts": [{"code": "cani", "label": "Cani", "terms": ["cane", "cane"]}]}
    upload = SimpleUploadedFile("vocabolario.json", json.dumps(data).encode(), content_type="application/json")
    response = english(cast.coordinator).post(_url(cast, "vocabulary_upload"), {"file": upload})
    assert response.status_code == 400
    assert "Concept “cani”: the term “cane” is repeated." in response.content.decode()
    assert not NetworkVocabulary.objects.exists()
    response = english(cast.coordinator).post(_url(cast, "vocabulary_upload"), {})
    assert response.status_code == 400 and "Choose the vocabulary file to upload." in response.content.decode()


def test_upload_and_reset(cast, english):
    client = english(cast.coordinator)
    data = {"version": 1, "concepts": [{"code": "cani", "label": "Cani", "terms": ["cane"]}]}
    upload = SimpleUploadedFile("v.json", json.dumps(data).encode(), content_type="application/json")
    assert client.post(_url(cast, "vocabulary_upload"), {"file": upload}).status_code == 302
    assert [c.code for c in network_vocabulary(cast.network).concepts] == ["cani"]
    assert client.get(_url(cast, "vocabulary_reset")).status_code == 200
    assert client.post(_url(cast, "vocabulary_reset")).status_code == 302
    assert network_vocabulary(cast.network) == Vocabulary.standard()


# --- what was learned ---------------------------------------------------------------------------------------


@pytest.fixture
def job(cast):
    return Job.objects.create(
        network=cast.network,
        kind="needs_aggregation",
        actor=cast.coordinator,
        status=Job.Status.SUCCEEDED,
        result={"needs": 6, "candidates": 2, "grouped_needs": 6, "replaced": 0, "suggestions": 0, "evidence": []},
    )


@pytest.fixture
def evidence(cast, job):
    return LearnedEvidence.objects.create(
        network=cast.network,
        kind="together",
        first=["doposcuola"],
        second=["concept:" + Vocabulary.standard().concepts[0].code, "compito"],
        action="merge",
        created_by=cast.community_worker,
    )


def test_the_run_page_says_what_was_learned_in_plain_words(cast, english, job, evidence):
    label = Vocabulary.standard().concepts[0].label
    page = english(cast.coordinator).get(_url(cast, "run_detail", job.pk)).content.decode()
    assert "What was learned" in page
    assert f"«doposcuola» and «{label}», «compito» belong together" in page
    assert "from merging two candidates" in page and cast.community_worker.display_name in page
    assert _url(cast, "evidence_undo", evidence.pk) in page
    assert _url(cast, "vocabulary") in page
    # A reviewer who may not undo reads it without the button.
    page = english(cast.community_worker).get(_url(cast, "run_detail", job.pk)).content.decode()
    assert "belong together" in page and _url(cast, "evidence_undo", evidence.pk) not in page


def test_the_run_page_in_italian(cast, login, job, evidence):
    client = login(cast.coordinator)
    page = client.get(_url(cast, "run_detail", job.pk), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "vanno insieme" in page and "dall’unione di due proposte" in page
    # months are lower case in Italian dates: «3 dicembre 2026», never «3 Dicembre 2026»
    from django.utils import formats, translation

    with translation.override("it"):
        month = formats.date_format(evidence.created_at, "E")
    assert f"{evidence.created_at.day} {month.lower()} {evidence.created_at.year}" in page
    assert month == month.lower() or month not in page


def test_the_run_page_lists_what_it_used(cast, english, job, evidence):
    job.result = {**job.result, "evidence": [evidence.pk]}
    job.save()
    later = Job.objects.create(
        network=cast.network,
        kind="needs_aggregation",
        status=Job.Status.SUCCEEDED,
        result=job.result | {"evidence": []},
    )
    page = english(cast.coordinator).get(_url(cast, "run_detail", later.pk)).content.decode()
    assert "belong together" not in page
    page = english(cast.coordinator).get(_url(cast, "run_detail", job.pk)).content.decode()
    assert page.count("belong together") >= 2  # learned since the run and used by it: shown in both lists


def test_undo_from_the_run_page(cast, english, job, evidence):
    client = english(cast.coordinator)
    assert client.get(_url(cast, "evidence_undo", evidence.pk)).status_code == 200
    response = client.post(_url(cast, "evidence_undo", evidence.pk), {"job": job.pk})
    assert response.status_code == 302 and response["Location"] == _url(cast, "run_detail", job.pk)
    evidence.refresh_from_db()
    assert evidence.undone_at is not None
    page = client.get(_url(cast, "run_detail", job.pk)).content.decode()
    assert "undone by" in page
    # Twice: refused with a message, nothing changes.
    response = client.post(_url(cast, "evidence_undo", evidence.pk), {"job": job.pk})
    assert response.status_code == 400 and "This has already been undone." in response.content.decode()


@pytest.mark.parametrize("persona", ["community_worker", *NOT_REVIEWERS])
def test_others_cannot_undo(cast, login, evidence, persona):
    response = login(getattr(cast, persona)).post(_url(cast, "evidence_undo", evidence.pk))
    assert response.status_code == 403
    evidence.refresh_from_db()
    assert evidence.undone_at is None


def test_another_networks_coordinator_cannot_see_or_undo_the_evidence(cast, login, evidence):
    client = login(cast.outsider)
    assert client.post(_url(cast, "evidence_undo", evidence.pk)).status_code == 404
    # Through their own network, the other network's evidence does not exist.
    other = _url(cast, "evidence_undo", evidence.pk, network=cast.other_network)
    assert client.get(other).status_code == 404
    assert client.post(other).status_code == 404
    evidence.refresh_from_db()
    assert evidence.undone_at is None


def test_the_vocabulary_page_runs_a_constant_number_of_queries(cast, login, django_assert_max_num_queries):
    client = login(cast.coordinator)
    url = _url(cast, "vocabulary")
    client.get(url)  # warm the session and the standard set

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for i in range(20):
        LearnedEvidence.objects.create(
            network=cast.network, kind="apart", first=[f"parola{i}"], second=["altra"], action="split"
        )
    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200


def test_another_networks_pages_never_show_this_networks_evidence(cast, english, job):
    LearnedEvidence.objects.create(
        network=cast.network, kind="together", first=["zzmarcatore"], second=["compito"], action="merge"
    )
    other_job = Job.objects.create(
        network=cast.other_network,
        kind="needs_aggregation",
        actor=cast.outsider,
        status=Job.Status.SUCCEEDED,
        result=job.result,
    )
    client = english(cast.outsider)
    for url in (
        _url(cast, "run_detail", other_job.pk, network=cast.other_network),
        _url(cast, "vocabulary", network=cast.other_network),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "zzmarcatore" not in response.content.decode()
    # This network's run page does not exist for them.
    assert client.get(_url(cast, "run_detail", job.pk)).status_code == 404
