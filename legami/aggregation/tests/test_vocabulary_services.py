"""The network's vocabulary: each change checked, audited, revision +1, and used by the next run."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from legami.aggregation.engine import Vocabulary
from legami.aggregation.models import NetworkVocabulary
from legami.aggregation.selectors.vocabulary import network_vocabulary, vocabulary_page
from legami.aggregation.services import vocabulary as v
from legami.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _codes(exc):
    return {field: [e.code for e in errors] for field, errors in exc.value.error_dict.items()}


def _messages(exc, field):
    return [m for e in exc.value.error_dict[field] for m in e.messages]


@pytest.fixture
def concept():
    """A concept of the standard set and one of its terms."""
    first = Vocabulary.standard().concepts[0]
    return first


def test_a_network_uses_the_standard_vocabulary_until_it_changes_it(cast):
    assert network_vocabulary(cast.network) == Vocabulary.standard()
    page = vocabulary_page(cast.network)
    assert page.standard and page.revision == 0 and page.total == len(Vocabulary.standard().concepts)
    assert not NetworkVocabulary.objects.exists()


def test_add_a_synonym(cast, concept):
    row = v.add_term(actor=cast.coordinator, network=cast.network, concept=concept.code, term="  Dopo  Scuolino  ")
    assert row.revision == 1 and row.updated_by == cast.coordinator
    assert network_vocabulary(cast.network).concept(concept.code).terms[-1] == "dopo scuolino"
    event = AuditEvent.objects.get(object_type="aggregation.networkvocabulary")
    assert event.note == "vocabulary: add_term" and event.actor == cast.coordinator
    # Another network is untouched.
    assert network_vocabulary(cast.other_network) == Vocabulary.standard()
    row = v.add_term(actor=cast.coordinator, network=cast.network, concept=concept.code, term="tutoraggio serale")
    assert row.revision == 2


def test_a_term_may_be_in_two_concepts_but_once_in_one(cast):
    first, second = Vocabulary.standard().concepts[:2]
    v.add_term(actor=cast.coordinator, network=cast.network, concept=second.code, term=first.terms[0])
    assert first.terms[0] in network_vocabulary(cast.network).concept(second.code).terms
    with pytest.raises(ValidationError) as exc:
        v.add_term(actor=cast.coordinator, network=cast.network, concept=first.code, term=first.terms[0].upper())
    assert _codes(exc) == {"term": ["duplicate"]}
    assert first.label in _messages(exc, "term")[0]
    assert NetworkVocabulary.objects.get().revision == 1


@pytest.mark.parametrize(
    ("term", "code"),
    [("", "required"), ("   ", "required"), ("x", "min_length"), ("a" * 81, "max_length"), ("a b c d e f", "words")],
)
def test_a_bad_term_is_refused_and_nothing_is_saved(cast, concept, term, code):
    with pytest.raises(ValidationError) as exc:
        v.add_term(actor=cast.coordinator, network=cast.network, concept=concept.code, term=term)
    assert _codes(exc) == {"term": [code]}
    assert not NetworkVocabulary.objects.exists()
    assert not AuditEvent.objects.filter(object_type="aggregation.networkvocabulary").exists()


def test_an_unknown_concept_is_named(cast):
    with pytest.raises(ValidationError) as exc:
        v.add_term(actor=cast.coordinator, network=cast.network, concept="nessuno", term="aiuto")
    assert _codes(exc) == {"concept": ["unknown"]}
    assert "nessuno" in _messages(exc, "concept")[0]
    with pytest.raises(ValidationError) as exc:
        v.add_term(actor=cast.coordinator, network=cast.network, concept="", term="aiuto")
    assert _codes(exc) == {"concept": ["required"]}


def test_remove_a_term(cast, concept):
    v.remove_term(actor=cast.coordinator, network=cast.network, concept=concept.code, term=concept.terms[0])
    assert concept.terms[0] not in network_vocabulary(cast.network).concept(concept.code).terms
    with pytest.raises(ValidationError) as exc:
        v.remove_term(actor=cast.coordinator, network=cast.network, concept=concept.code, term=concept.terms[0])
    assert _codes(exc) == {"term": ["unknown"]}


def test_the_last_term_of_a_concept_stays(cast):
    v.add_concept(actor=cast.coordinator, network=cast.network, code="cani", label="Cani", terms="cane")
    with pytest.raises(ValidationError) as exc:
        v.remove_term(actor=cast.coordinator, network=cast.network, concept="cani", term="cane")
    assert _codes(exc) == {"term": ["last_term"]}
    assert network_vocabulary(cast.network).concept("cani").terms == ("cane",)


def test_add_a_concept(cast):
    row = v.add_concept(
        actor=cast.coordinator,
        network=cast.network,
        code="Dog-Sitting",
        label=" Accudimento  animali ",
        terms="cane, portare fuori il cane\ngatto\nCane",
        nomenclatore="B9",
        area="domestico",
    )
    concept = network_vocabulary(cast.network).concept("dog-sitting")
    assert concept.label == "Accudimento animali"
    assert concept.terms == ("cane", "portare fuori il cane", "gatto")
    assert (concept.nomenclatore, concept.area) == ("B9", "domestico")
    assert row.revision == 1


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"code": "", "label": "X", "terms": "a1"}, "code", "required"),
        ({"code": "con spazio", "label": "X", "terms": "aa"}, "code", "invalid"),
        ({"code": "nuovo", "label": "", "terms": "aa"}, "label", "required"),
        ({"code": "nuovo", "label": "X", "terms": ""}, "terms", "required"),
        ({"code": "nuovo", "label": "X", "terms": "aa, b"}, "terms", "invalid"),
        ({"code": "nuovo", "label": "X" * 101, "terms": "aa"}, "label", "max_length"),
    ],
)
def test_a_bad_concept_is_refused(cast, data, field, code):
    with pytest.raises(ValidationError) as exc:
        v.add_concept(actor=cast.coordinator, network=cast.network, **data)
    assert _codes(exc) == {field: [code]}
    assert not NetworkVocabulary.objects.exists()


def test_a_short_term_of_a_new_concept_is_named(cast):
    with pytest.raises(ValidationError) as exc:
        v.add_concept(actor=cast.coordinator, network=cast.network, code="nuovo", label="X", terms="aa, b")
    assert "“b”" in _messages(exc, "terms")[0]


def test_a_concept_code_is_unique(cast, concept):
    with pytest.raises(ValidationError) as exc:
        v.add_concept(actor=cast.coordinator, network=cast.network, code=concept.code, label="X", terms="aa")
    assert _codes(exc) == {"code": ["duplicate"]}


def test_rename_a_concept(cast, concept):
    v.rename_concept(actor=cast.coordinator, network=cast.network, concept=concept.code, label="Nuovo nome")
    renamed = network_vocabulary(cast.network).concept(concept.code)
    assert renamed.label == "Nuovo nome" and renamed.terms == concept.terms
    with pytest.raises(ValidationError) as exc:
        v.rename_concept(actor=cast.coordinator, network=cast.network, concept=concept.code, label="  ")
    assert _codes(exc) == {"label": ["required"]}


def test_merge_two_concepts(cast):
    keep, other = Vocabulary.standard().concepts[:2]
    v.merge_concepts(actor=cast.coordinator, network=cast.network, keep=keep.code, other=other.code)
    vocabulary = network_vocabulary(cast.network)
    assert vocabulary.concept(other.code) is None
    merged = vocabulary.concept(keep.code)
    assert set(merged.terms) == set(keep.terms) | set(other.terms)
    assert merged.label == keep.label
    event = AuditEvent.objects.get(object_type="aggregation.networkvocabulary")
    assert event.after["merged"] == other.code


def test_a_concept_is_not_merged_with_itself(cast, concept):
    with pytest.raises(ValidationError) as exc:
        v.merge_concepts(actor=cast.coordinator, network=cast.network, keep=concept.code, other=concept.code)
    assert _codes(exc) == {"other": ["self"]}
    with pytest.raises(ValidationError) as exc:
        v.merge_concepts(actor=cast.coordinator, network=cast.network, keep=concept.code, other="nessuno")
    assert _codes(exc) == {"other": ["unknown"]}
    assert not NetworkVocabulary.objects.exists()


def _file(data):
    return json.dumps(data).encode()


def test_upload_replaces_the_vocabulary(cast):
    data = {"version": 1, "concepts": [{"code": "cani", "label": "Cani", "terms": ["cane", "guinzaglio"]}]}
    row = v.replace_vocabulary(actor=cast.coordinator, network=cast.network, content=_file(data))
    assert [c.code for c in network_vocabulary(cast.network).concepts] == ["cani"]
    assert row.revision == 1
    # The downloaded document uploads back unchanged.
    again = v.replace_vocabulary(
        actor=cast.coordinator, network=cast.network, content=_file(network_vocabulary(cast.network).to_data())
    )
    assert again.revision == 2 and again.data == row.data


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (b"", "empty", ["empty"]),
        (b"\xff\xfe\x00", "encoding", ["UTF-8"]),
        (b'{"version": 1, "concepts": [', "json", ["line 1"]),
        (b"[]", "shape", ["concepts"]),
    ],
)
def test_a_broken_file_is_refused_with_its_reason(cast, content, code, words):
    with pytest.raises(ValidationError) as exc:
        v.replace_vocabulary(actor=cast.coordinator, network=cast.network, content=content)
    assert _codes(exc) == {"file": [code]}
    assert all(w in _messages(exc, "file")[0] for w in words)
    assert not NetworkVocabulary.objects.exists()


@pytest.mark.parametrize(
    ("concept", "words"),
    [
        ({"code": "cani", "label": "Cani", "terms": []}, ["“cani”", "no terms"]),
        ({"code": "cani", "label": "", "terms": ["cane"]}, ["“cani”", "no label"]),
        ({"code": "cani", "label": "Cani", "terms": ["cane", "Cane"]}, ["“cani”", "“Cane”", "repeated"]),
        ({"code": "cani", "label": "Cani", "terms": ["c"]}, ["“cani”", "“c”"]),
        ({"code": "cani", "label": "Cani", "terms": ["cane"], "colore": "blu"}, ["“cani”", "“colore”"]),
        ({"code": "Cani Grandi", "label": "Cani", "terms": ["cane"]}, ["no. 2", "Cani Grandi"]),
    ],
)
def test_a_bad_concept_in_a_file_is_named_and_nothing_is_saved(cast, concept, words):
    good = {"code": "gatti", "label": "Gatti", "terms": ["gatto"]}
    content = _file({"version": 1, "concepts": [good, concept]})
    v.add_term(actor=cast.coordinator, network=cast.network, concept=Vocabulary.standard().concepts[0].code, term="zz")
    before = NetworkVocabulary.objects.get().data
    with pytest.raises(ValidationError) as exc:
        v.replace_vocabulary(actor=cast.coordinator, network=cast.network, content=content)
    message = _messages(exc, "file")[0]
    assert all(w in message for w in words), message
    row = NetworkVocabulary.objects.get()
    assert row.data == before and row.revision == 1


def test_a_file_with_a_repeated_code_names_both_concepts(cast):
    concept = {"code": "cani", "label": "Cani", "terms": ["cane"]}
    with pytest.raises(ValidationError) as exc:
        v.replace_vocabulary(
            actor=cast.coordinator, network=cast.network, content=_file({"version": 1, "concepts": [concept] * 2})
        )
    assert "“cani”" in _messages(exc, "file")[0] and "no. 1" in _messages(exc, "file")[0]


def test_reset_brings_the_standard_set_back(cast, concept):
    v.remove_term(actor=cast.coordinator, network=cast.network, concept=concept.code, term=concept.terms[0])
    row = v.reset_vocabulary(actor=cast.coordinator, network=cast.network)
    assert row.revision == 2
    assert network_vocabulary(cast.network) == Vocabulary.standard()


def test_a_broken_saved_document_falls_back_to_the_standard_set(cast):
    NetworkVocabulary.objects.create(network=cast.network, data={"version": 9})
    assert network_vocabulary(cast.network) == Vocabulary.standard()


def test_search_finds_codes_labels_and_terms_without_accents(cast):
    v.add_concept(actor=cast.coordinator, network=cast.network, code="cani", label="Cani", terms="guinzaglio, città")
    assert [c.code for c in vocabulary_page(cast.network, query="GUINZ").concepts] == ["cani"]
    assert "cani" in [c.code for c in vocabulary_page(cast.network, query="citta").concepts]
    assert vocabulary_page(cast.network, query="zzzz").concepts == []


CHANGES = [
    lambda actor, network, code: v.add_term(actor=actor, network=network, concept=code, term="parola nuova"),
    lambda actor, network, code: v.remove_term(actor=actor, network=network, concept=code, term="x"),
    lambda actor, network, code: v.rename_concept(actor=actor, network=network, concept=code, label="Nome"),
    lambda actor, network, code: v.merge_concepts(actor=actor, network=network, keep=code, other="y"),
    lambda actor, network, code: v.add_concept(actor=actor, network=network, code="nuovo", label="N", terms="aa"),
    lambda actor, network, code: v.replace_vocabulary(actor=actor, network=network, content=b"{}"),
    lambda actor, network, code: v.reset_vocabulary(actor=actor, network=network),
]


@pytest.mark.parametrize("change", range(len(CHANGES)))
@pytest.mark.parametrize(
    "persona", ["community_worker", "case_manager", "partner_staff", "evaluator", "funder", "citizen", "outsider"]
)
def test_only_the_coordinator_changes_the_vocabulary(cast, concept, persona, change):
    with pytest.raises(PermissionDenied):
        CHANGES[change](getattr(cast, persona), cast.network, concept.code)
    assert not NetworkVocabulary.objects.exists()


def test_the_coordinator_may_make_each_change(cast, concept):
    # Allowed: each change either saves or says what is wrong with its input, never PermissionDenied.
    for change in CHANGES:
        try:
            change(cast.coordinator, cast.network, concept.code)
        except ValidationError:
            pass
    assert NetworkVocabulary.objects.get().revision >= 4
