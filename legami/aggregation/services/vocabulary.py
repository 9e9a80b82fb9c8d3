"""Writes of demand aggregation: the network's vocabulary of service concepts and their synonyms.

The vocabulary is one JSON document per network (the engine's `Vocabulary.to_data()`), created from the
standard set the first time a coordinator changes it. Every change is a service that checks
aggregation.manage_vocabulary, cleans its inputs with a `core.inputs` declaration, checks the whole document
again (the engine's `Vocabulary.from_data`), saves it with the revision +1 and writes an audit event.
The next aggregation run reads it (selectors.vocabulary.network_vocabulary); runs already done are unchanged.

A term may belong to two concepts ("morosità": rent and bills), as in the standard set; within one concept
a term is listed once (compared without case and extra spaces).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.aggregation.capabilities import MANAGE_VOCABULARY
from legami.aggregation.engine import Vocabulary, VocabularyError
from legami.aggregation.engine import vocabulary as vocabulary_rules
from legami.aggregation.models import NetworkVocabulary
from legami.core import inputs
from legami.core.audit import record_event
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import require
from legami.network.models import Network

# The engine's own limits (Vocabulary.from_data refuses beyond them), said here first in the coordinator's words.
MIN_TERM, MAX_TERM, MAX_WORDS = 2, vocabulary_rules.MAX_TERM_LENGTH, vocabulary_rules.MAX_TERM_WORDS
MAX_CODE, MAX_LABEL, MAX_NOMENCLATORE, MAX_AREA = 64, 100, 20, 100
MAX_TERMS_PER_CONCEPT = 500
MAX_FILE_BYTES = 2 * 1024 * 1024
CODE_PATTERN = vocabulary_rules.CODE_PATTERN.pattern
FIELDS = vocabulary_rules.FIELDS

_TERM_LENGTH = _("A term has from %(low)d to %(high)d characters.")
_CODE = _("A code has lower-case letters, digits, “_” or “-”, starts with a letter or a digit, at most 64 characters.")
_WORDS = _("A term has at most %(words)d words.")


def _term_length(value: str) -> None:
    if len(value) < MIN_TERM:
        raise ValidationError(_TERM_LENGTH, code="min_length", params={"low": MIN_TERM, "high": MAX_TERM})
    if len(value.split()) > MAX_WORDS:
        raise ValidationError(_WORDS, code="words", params={"words": MAX_WORDS})


def _term() -> inputs.Text:
    return inputs.Text(
        required=True,
        max_length=MAX_TERM,
        collapse=True,
        lower=True,
        validators=(_term_length,),
        messages={"required": _("Write a term."), "max_length": _TERM_LENGTH},
        params={"low": MIN_TERM, "high": MAX_TERM},
    )


_CHOOSE = _("Choose a concept.")


def _code(message: Any = _CHOOSE) -> inputs.Text:
    return inputs.Text(required=True, max_length=MAX_CODE, messages={"required": message})


TERM_INPUTS = inputs.Rules({"concept": _code(), "term": _term()})
RENAME_INPUTS = inputs.Rules(
    {
        "concept": _code(),
        "label": inputs.Text(
            required=True, max_length=MAX_LABEL, collapse=True, messages={"required": _("Write a label.")}
        ),
    }
)
_SELF = _("A concept cannot be merged with itself.")


def _not_itself(ctx: inputs.Context) -> None:
    if ctx.ok("keep", "other") and ctx.value("keep") and ctx.value("keep") == ctx.value("other"):
        ctx.add_error("other", _SELF, "self")


MERGE_INPUTS = inputs.Rules(
    {"keep": _code(), "other": _code(_("Choose the concept to merge into the first one."))},
    checks=(inputs.described(_not_itself, "other", "self", _SELF),),
)
CONCEPT_INPUTS = inputs.Rules(
    {
        "code": inputs.Text(
            required=True,
            max_length=MAX_CODE,
            lower=True,
            validators=(RegexValidator(CODE_PATTERN, _CODE, code="invalid"),),
            messages={"required": _("Write a code.")},
        ),
        "label": inputs.Text(
            required=True, max_length=MAX_LABEL, collapse=True, messages={"required": _("Write a label.")}
        ),
        "terms": inputs.Text(required=True, max_length=20000, messages={"required": _("Write at least one term.")}),
        "nomenclatore": inputs.Text(max_length=MAX_NOMENCLATORE, collapse=True),
        "area": inputs.Text(max_length=MAX_AREA, collapse=True),
    }
)


def _refuse(message: str, *, field: str | None = None, code: str = "invalid") -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: [error]}) if field else error


def _key(term: str) -> str:
    # Case and spaces only: "morosita" and "morosità" may both be listed (people write both), as the standard set does.
    return " ".join(str(term).lower().split())


def _locked(network: Network) -> tuple[NetworkVocabulary | None, dict]:
    """The network's row under a lock (None while it uses the standard set) and its document, as a copy."""
    row = NetworkVocabulary.objects.select_for_update().filter(network=network).first()
    if row is not None and row.data:
        try:
            return row, Vocabulary.from_data(row.data).to_data()
        except VocabularyError:
            pass
    return row, Vocabulary.standard().to_data()


def _concept(data: dict, code: str, *, field: str = "concept") -> dict:
    for concept in data["concepts"]:
        if concept["code"] == code:
            return concept
    raise _refuse(
        gettext("There is no concept with the code “%(code)s”.") % {"code": code}, field=field, code="unknown"
    )


def _concept_name(concept: dict) -> str:
    return f"{concept.get('label') or concept.get('code')} ({concept.get('code')})"


def check_document(data: Any, *, field: str | None = None) -> Vocabulary:
    """The vocabulary of a document, or one ValidationError whose messages name the concept and the problem."""
    errors: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("concepts"), list):
        raise _refuse(
            gettext("The file is not a vocabulary: it needs a “concepts” list (see the downloaded file)."),
            field=field,
            code="shape",
        )
    if data.get("version") != vocabulary_rules.VERSION:
        errors.append(
            gettext("The file says version “%(version)s”: only version %(known)d is known.")
            % {"version": data.get("version"), "known": vocabulary_rules.VERSION}
        )
    unknown = sorted(str(name) for name in set(data) - {"version", "concepts"})
    if unknown:
        errors.append(gettext("Unknown field “%(field)s” at the top of the file.") % {"field": unknown[0]})
    codes: dict[str, int] = {}
    for number, concept in enumerate(data["concepts"], 1):
        where = gettext("Concept no. %(n)d") % {"n": number}
        if not isinstance(concept, dict):
            errors.append(gettext("%(where)s: it is not a concept (code, label, terms).") % {"where": where})
            continue
        code = concept.get("code")
        if not isinstance(code, str) or not re.match(CODE_PATTERN, code):
            errors.append(gettext("%(where)s: the code “%(code)s” is not valid.") % {"where": where, "code": code})
        else:
            where = gettext("Concept “%(code)s”") % {"code": code}
            if code in codes:
                errors.append(
                    gettext("%(where)s: the code is used also by concept no. %(other)d.")
                    % {"where": where, "other": codes[code]}
                )
            codes.setdefault(code, number)
        unknown = sorted(str(name) for name in set(concept) - set(FIELDS))
        if unknown:
            errors.append(
                gettext("%(where)s: unknown field “%(field)s” (the fields are %(fields)s).")
                % {"where": where, "field": unknown[0], "fields": ", ".join(FIELDS)}
            )
        label = concept.get("label")
        if not isinstance(label, str) or not label.strip():
            errors.append(gettext("%(where)s: it has no label.") % {"where": where})
        elif len(label) > MAX_LABEL:
            errors.append(
                gettext("%(where)s: the label is longer than %(limit)d characters.")
                % {"where": where, "limit": MAX_LABEL}
            )
        for name, limit in (("nomenclatore", MAX_NOMENCLATORE), ("area", MAX_AREA)):
            value = concept.get(name, "")
            if value is not None and (not isinstance(value, str) or len(value) > limit):
                errors.append(
                    gettext("%(where)s: “%(field)s” must be text of at most %(limit)d characters.")
                    % {"where": where, "field": name, "limit": limit}
                )
        terms = concept.get("terms")
        if not isinstance(terms, list) or not terms:
            errors.append(gettext("%(where)s: it has no terms.") % {"where": where})
            continue
        if len(terms) > MAX_TERMS_PER_CONCEPT:
            errors.append(
                gettext("%(where)s: more than %(limit)d terms.") % {"where": where, "limit": MAX_TERMS_PER_CONCEPT}
            )
        seen: set[str] = set()
        for term in terms:
            if not isinstance(term, str) or not MIN_TERM <= len(" ".join(term.split())) <= MAX_TERM:
                errors.append(
                    gettext("%(where)s: the term “%(term)s” must have from %(low)d to %(high)d characters.")
                    % {"where": where, "term": term, "low": MIN_TERM, "high": MAX_TERM}
                )
            elif len(term.split()) > MAX_WORDS:
                errors.append(
                    gettext("%(where)s: the term “%(term)s” has more than %(words)d words.")
                    % {"where": where, "term": term, "words": MAX_WORDS}
                )
            elif _key(term) in seen:
                errors.append(gettext("%(where)s: the term “%(term)s” is repeated.") % {"where": where, "term": term})
            else:
                seen.add(_key(term))
    if not data["concepts"]:
        errors.append(gettext("The vocabulary has no concepts."))
    if errors:
        found = [ValidationError(message, code="concept") for message in errors[:20]]
        raise ValidationError({field: found} if field else found)
    try:
        return Vocabulary.from_data(data)
    except VocabularyError as exc:
        raise _refuse(
            gettext("The vocabulary was not accepted: %(problem)s") % {"problem": exc}, field=field, code="invalid"
        ) from exc


def _save(
    *, actor: Any, network: Network, row: NetworkVocabulary | None, data: dict, change: dict, field: str | None = None
) -> NetworkVocabulary:
    """Check the whole document, save it with the next revision and audit the change (inside the caller's atomic)."""
    vocabulary = check_document(data, field=field)
    user = actor if getattr(actor, "is_authenticated", False) else None
    before = {"revision": row.revision} if row is not None else {"revision": 0}
    if row is None:
        row = NetworkVocabulary(network=network, revision=0)
    row.data = vocabulary.to_data()
    row.revision += 1
    row.updated_by = user
    row.save()
    record_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=row,
        before=before,
        after={"revision": row.revision, **change},
        data_class=DataClass.PUBLIC,
        note=f"vocabulary: {change.get('change', '')}",
    )
    return row


def add_term(*, actor: Any, network: Network, concept: str, term: str) -> NetworkVocabulary:
    """Add a synonym to a concept (refused when the concept already lists it)."""
    require(actor, MANAGE_VOCABULARY, network)
    values = TERM_INPUTS.clean({"concept": concept, "term": term}, network=network, actor=actor)
    with transaction.atomic():
        row, data = _locked(network)
        found = _concept(data, values["concept"])
        if _key(values["term"]) in {_key(t) for t in found["terms"]}:
            raise _refuse(
                gettext("“%(term)s” is already a term of %(concept)s.")
                % {"term": values["term"], "concept": _concept_name(found)},
                field="term",
                code="duplicate",
            )
        found["terms"] = [*found["terms"], values["term"]]
        return _save(
            actor=actor,
            network=network,
            row=row,
            data=data,
            change={"change": "add_term", "concept": found["code"], "term": values["term"]},
        )


def remove_term(*, actor: Any, network: Network, concept: str, term: str) -> NetworkVocabulary:
    """Take a term out of a concept (a concept keeps at least one)."""
    require(actor, MANAGE_VOCABULARY, network)
    values = TERM_INPUTS.clean({"concept": concept, "term": term}, network=network, actor=actor)
    with transaction.atomic():
        row, data = _locked(network)
        found = _concept(data, values["concept"])
        kept = [t for t in found["terms"] if _key(t) != _key(values["term"])]
        if len(kept) == len(found["terms"]):
            raise _refuse(
                gettext("“%(term)s” is not a term of %(concept)s.")
                % {"term": values["term"], "concept": _concept_name(found)},
                field="term",
                code="unknown",
            )
        if not kept:
            raise _refuse(
                gettext("“%(term)s” is the last term of %(concept)s: add another first, or merge the concept.")
                % {"term": values["term"], "concept": _concept_name(found)},
                field="term",
                code="last_term",
            )
        found["terms"] = kept
        return _save(
            actor=actor,
            network=network,
            row=row,
            data=data,
            change={"change": "remove_term", "concept": found["code"], "term": values["term"]},
        )


def split_terms(text: str) -> list[str]:
    """The terms of a text, one per line or separated by commas, in order, each once."""
    seen: set[str] = set()
    terms = []
    for part in re.split(r"[,;\n]", text or ""):
        term = " ".join(part.split()).lower()
        if term and _key(term) not in seen:
            seen.add(_key(term))
            terms.append(term)
    return terms


def add_concept(
    *, actor: Any, network: Network, code: str, label: str, terms: str, nomenclatore: str = "", area: str = ""
) -> NetworkVocabulary:
    """Add a concept with its terms (one per line or separated by commas) and optional Nomenclatore code and area."""
    require(actor, MANAGE_VOCABULARY, network)
    values = CONCEPT_INPUTS.clean(
        {"code": code, "label": label, "terms": terms, "nomenclatore": nomenclatore, "area": area},
        network=network,
        actor=actor,
    )
    words = split_terms(values["terms"])
    term_rule = TERM_INPUTS["term"]
    problems: list[str] = []
    for word in words:
        try:
            term_rule.clean(word, inputs.Context())
        except ValidationError as exc:
            problems.extend(f"“{word[:MAX_TERM]}”: {message}" for message in exc.messages)
    if problems or not words:
        messages = problems or [gettext("Write at least one term.")]
        raise ValidationError({"terms": [ValidationError(m, code="invalid") for m in messages]})
    with transaction.atomic():
        row, data = _locked(network)
        for concept in data["concepts"]:
            if concept["code"] == values["code"]:
                raise _refuse(
                    gettext("“%(code)s” is already the code of %(concept)s.")
                    % {"code": values["code"], "concept": _concept_name(concept)},
                    field="code",
                    code="duplicate",
                )
        data["concepts"].append(
            {
                "code": values["code"],
                "label": values["label"],
                "terms": words,
                "nomenclatore": values["nomenclatore"],
                "area": values["area"],
            }
        )
        return _save(
            actor=actor,
            network=network,
            row=row,
            data=data,
            change={"change": "add_concept", "concept": values["code"], "terms": len(words)},
        )


def rename_concept(*, actor: Any, network: Network, concept: str, label: str) -> NetworkVocabulary:
    """Give a concept a new label (its code stays)."""
    require(actor, MANAGE_VOCABULARY, network)
    values = RENAME_INPUTS.clean({"concept": concept, "label": label}, network=network, actor=actor)
    with transaction.atomic():
        row, data = _locked(network)
        found = _concept(data, values["concept"])
        old = found["label"]
        found["label"] = values["label"]
        return _save(
            actor=actor,
            network=network,
            row=row,
            data=data,
            change={"change": "rename_concept", "concept": found["code"], "from": old, "to": values["label"]},
        )


def merge_concepts(*, actor: Any, network: Network, keep: str, other: str) -> NetworkVocabulary:
    """Merge `other` into `keep`: the terms are united, `keep`'s code stays and `other`'s is gone."""
    require(actor, MANAGE_VOCABULARY, network)
    values = MERGE_INPUTS.clean({"keep": keep, "other": other}, network=network, actor=actor)
    with transaction.atomic():
        row, data = _locked(network)
        kept = _concept(data, values["keep"], field="keep")
        gone = _concept(data, values["other"], field="other")
        known = {_key(t) for t in kept["terms"]}
        added = [t for t in gone["terms"] if _key(t) not in known]
        kept["terms"] = [*kept["terms"], *added]
        for name in ("nomenclatore", "area"):
            if not kept.get(name) and gone.get(name):
                kept[name] = gone[name]
        data["concepts"] = [c for c in data["concepts"] if c["code"] != gone["code"]]
        return _save(
            actor=actor,
            network=network,
            row=row,
            data=data,
            change={"change": "merge_concepts", "concept": kept["code"], "merged": gone["code"], "terms": len(added)},
        )


def read_vocabulary_file(content: bytes) -> Any:
    """The JSON document of an uploaded file, or a ValidationError on "file" that says what is wrong with it."""
    if len(content) > MAX_FILE_BYTES:
        raise _refuse(
            gettext("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
            field="file",
            code="too_large",
        )
    if not content.strip():
        raise _refuse(gettext("The file is empty."), field="file", code="empty")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(gettext("The file is not UTF-8 text."), field="file", code="encoding") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _refuse(
            gettext("The file is not valid JSON: %(problem)s at line %(line)d, column %(column)d.")
            % {"problem": exc.msg, "line": exc.lineno, "column": exc.colno},
            field="file",
            code="json",
        ) from exc


def replace_vocabulary(*, actor: Any, network: Network, content: bytes) -> NetworkVocabulary:
    """Replace the network's vocabulary with an uploaded file; all or nothing, each problem naming its concept."""
    require(actor, MANAGE_VOCABULARY, network)
    data = read_vocabulary_file(content)
    check_document(data, field="file")
    with transaction.atomic():
        row, _old = _locked(network)
        concepts = data["concepts"]
        return _save(
            actor=actor,
            network=network,
            row=row,
            data=data,
            change={"change": "upload", "concepts": len(concepts)},
            field="file",
        )


def reset_vocabulary(*, actor: Any, network: Network) -> NetworkVocabulary:
    """Put the standard vocabulary back (the network's changes are dropped; the audit log keeps them)."""
    require(actor, MANAGE_VOCABULARY, network)
    with transaction.atomic():
        row, _old = _locked(network)
        return _save(
            actor=actor,
            network=network,
            row=row,
            data=Vocabulary.standard().to_data(),
            change={"change": "reset"},
        )
