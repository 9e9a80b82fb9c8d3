"""Forms of demand aggregation: the network's vocabulary (search, the changes, the upload) and undoing evidence."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.aggregation.services.vocabulary import MAX_AREA, MAX_LABEL, MAX_NOMENCLATORE, MAX_TERM
from legami.core.widgets import PlainSelect


def _concept_field(label: Any, choices: list[tuple[str, str]], help_text: Any = "") -> forms.ChoiceField:
    # Not required here: the service's rules say what is missing, in the same words as everywhere.
    field = forms.ChoiceField(label=label, required=False, widget=PlainSelect, help_text=help_text)
    field.choices = [("", _("Choose a concept")), *choices]
    return field


class VocabularySearchForm(forms.Form):
    q = forms.CharField(label=_("Search a concept, a code or a term"), required=False, max_length=100)


class TermForm(forms.Form):
    """Add a synonym to a concept, or remove one of its terms."""

    term = forms.CharField(label=_("Term"), required=False, max_length=MAX_TERM + 40)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"concept": _concept_field(_("Concept"), choices), **self.fields}


class RenameConceptForm(forms.Form):
    label = forms.CharField(label=_("New label"), required=False, max_length=MAX_LABEL + 40)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"concept": _concept_field(_("Concept"), choices), **self.fields}


class MergeConceptsForm(forms.Form):
    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"] = _concept_field(
            _("Concept to keep"), choices, help_text=_("Its code and label stay; it receives the other's terms.")
        )
        self.fields["other"] = _concept_field(
            _("Concept to merge into it"), choices, help_text=_("Its terms move to the first concept; it is removed.")
        )


class ConceptForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=104,
        help_text=_("Lower-case letters, digits, “_” or “-”: for example “trasporto-sociale”."),
    )
    label = forms.CharField(label=_("Label"), required=False, max_length=MAX_LABEL + 40)
    terms = forms.CharField(
        label=_("Terms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The words people use for it, one per line or separated by commas."),
    )
    nomenclatore = forms.CharField(
        label=_("Nomenclatore code"),
        required=False,
        max_length=MAX_NOMENCLATORE + 20,
        help_text=_("The CISIS Nomenclatore code of the service, if one fits (for example “A1”)."),
    )
    area = forms.CharField(
        label=_("Area"), required=False, max_length=MAX_AREA + 20, help_text=_("The code of the usual need area.")
    )


class VocabularyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Vocabulary file (JSON)"),
        required=False,
        help_text=_("A file downloaded from this page and edited; it replaces the whole vocabulary."),
    )


class ConfirmForm(forms.Form):
    """A confirmation without fields (reset the vocabulary, undo what was learned)."""

    job = forms.IntegerField(required=False, widget=forms.HiddenInput)
