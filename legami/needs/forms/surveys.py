"""Forms of the survey builder, of the answer-to-need rules and of the public answering page.

The forms only shape input; the services validate it (and their errors are shown on these forms).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from legami.core import formguard
from legami.core.widgets import PlainSelect
from legami.needs.models import NeedArea, Question, Survey, TargetGroup, Urgency
from legami.needs.services.survey_answers import field_name
from legami.territory.models import Municipality, Neighbourhood

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown at the top of the public page: who asks, why, how answers are used."),
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous survey"),
        required=False,
        initial=True,
        help_text=_("No name, e-mail or account is kept with the answers."),
    )
    opens_on = forms.DateField(label=_("Opens on"), required=False, widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), required=False, widget=DATE)

    @staticmethod
    def initial_for(survey: Survey) -> dict[str, Any]:
        return {name: getattr(survey, name) for name in ("title", "description", "anonymous", "opens_on", "closes_on")}


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=Question.Kind.choices, widget=PlainSelect)
    help_text = forms.CharField(label=_("Help text"), max_length=300, required=False)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    choices = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For single and multiple choice: one option per line, at least two."),
    )
    min_value = forms.DecimalField(
        label=_("Minimum"),
        required=False,
        help_text=_("For a scale (whole numbers, e.g. 1) or a number (optional)."),
    )
    max_value = forms.DecimalField(
        label=_("Maximum"),
        required=False,
        help_text=_("For a scale (whole numbers, e.g. 5) or a number (optional)."),
    )

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        return {
            "text": question.text,
            "kind": question.kind,
            "help_text": question.help_text,
            "required": question.required,
            "choices": "\n".join(question.choices or []),
            "min_value": question.min_value,
            "max_value": question.max_value,
        }


class NeedRuleForm(forms.Form):
    question = forms.TypedChoiceField(label=_("Question"), coerce=int, widget=PlainSelect)
    choice = forms.CharField(
        label=_("Option"), required=False, max_length=200, help_text=_("For a choice question: the option, as written.")
    )
    min_value = forms.DecimalField(
        label=_("From value"),
        required=False,
        help_text=_("For a scale or a number: the rule applies from this value up."),
    )
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=NeedArea.objects.none(), widget=PlainSelect, empty_label=_("Choose the area")
    )
    target_group = forms.ChoiceField(label=_("Target group"), choices=TargetGroup.choices, widget=PlainSelect)
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), choices=Urgency.choices, coerce=int, initial=Urgency.MEDIUM, widget=PlainSelect
    )
    description = forms.CharField(
        label=_("Need description"),
        max_length=300,
        help_text=_("The description every need recorded by this rule gets."),
    )

    def __init__(self, *args: Any, questions: list[Question], areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [("", "—")] + [(q.pk, f"{q.position + 1}. {q.text}") for q in questions]
        self.fields["area"].queryset = areas


SURVEY_STAMP_SALT = "legami.needs.survey"


class SurveyAnswerForm(forms.Form):
    """One field per question (named q_<id>), plus optional contact fields and a honeypot."""

    # Bots fill every field; people never see this one (hidden with CSS and from screen readers).
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    # When the page was shown, signed: the answers are taken once, and not faster than a person could give them.
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        survey: Survey,
        questions: list[Question],
        municipalities: list[Municipality],
        neighbourhoods: list[Neighbourhood],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.questions = questions
        for question in questions:
            self.fields[field_name(question)] = self._field(question, municipalities, neighbourhoods)
        if not survey.anonymous:
            self.fields["contact_name"] = forms.CharField(label=_("Your name"), required=False, max_length=200)
            self.fields["contact_email"] = forms.EmailField(
                label=_("Your e-mail"),
                required=False,
                help_text=_("Optional: only if you want to be contacted about your answers."),
            )
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        if not self.is_bound:
            self.initial["stamp"] = formguard.new_stamp(SURVEY_STAMP_SALT)

    @staticmethod
    def _field(question: Question, municipalities: list[Municipality], neighbourhoods: list[Neighbourhood]) -> Any:
        # `required` only marks the field (the label's marker, the input's required attribute): the service
        # checks the answers, with its own messages (see full_clean).
        common = {"label": question.text, "required": question.required, "help_text": question.help_text}
        kind = question.kind
        if kind == Question.Kind.SINGLE_CHOICE:
            return forms.ChoiceField(choices=[(c, c) for c in question.choices], widget=forms.RadioSelect, **common)
        if kind == Question.Kind.MULTIPLE_CHOICE:
            return forms.MultipleChoiceField(
                choices=[(c, c) for c in question.choices], widget=forms.CheckboxSelectMultiple, **common
            )
        if kind == Question.Kind.SCALE:
            low, high = int(question.min_value or 0), int(question.max_value or 0)
            choices = [(str(i), str(i)) for i in range(low, high + 1)]
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        if kind == Question.Kind.NUMBER:
            attrs = {"inputmode": "decimal"}
            return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
        if kind == Question.Kind.MUNICIPALITY:
            return forms.ChoiceField(
                choices=[("", "—")] + [(str(m.pk), m.name) for m in municipalities], widget=PlainSelect, **common
            )
        if kind == Question.Kind.NEIGHBOURHOOD:
            grouped: dict[str, list[tuple[str, str]]] = {}
            for n in neighbourhoods:
                grouped.setdefault(n.municipality.name, []).append((str(n.pk), n.name))
            return forms.ChoiceField(choices=[("", "—"), *grouped.items()], widget=PlainSelect, **common)
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)

    @property
    def has_required_questions(self) -> bool:
        """True when some question must be answered (the page then explains the marker)."""
        return any(question.required for question in self.questions)

    def visible_fields(self) -> list:
        # the honeypot is rendered apart, hidden from people (see answer.html)
        return [field for field in super().visible_fields() if field.name != "website"]

    def full_clean(self) -> None:
        # The service checks every answer (with messages more specific than the fields' own); the form
        # only carries the submitted values back to the page and receives the service's errors.
        self._errors = ErrorDict()
        self.cleaned_data = {}

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def checked_stamp(self) -> str:
        """The nonce of the page's stamp, if genuine, fresh and not too fast (else a ValidationError)."""
        return formguard.check_stamp(self.data.get("stamp") or "", salt=SURVEY_STAMP_SALT)

    def refresh_stamp(self) -> None:
        """A new stamp for the page shown again, so that correcting the answers is not "too fast"."""
        self.data = self.data.copy()
        self.data["stamp"] = formguard.new_stamp(SURVEY_STAMP_SALT)

    def raw_answers(self) -> dict[int, Any]:
        """The raw answers by question id, straight from the POST data (the service validates them)."""
        answers: dict[int, Any] = {}
        for question in self.questions:
            name = field_name(question)
            if question.kind == Question.Kind.MULTIPLE_CHOICE:
                answers[question.pk] = self.data.getlist(name) if hasattr(self.data, "getlist") else self.data.get(name)
            else:
                answers[question.pk] = self.data.get(name, "")
        return answers

    def contact(self) -> dict[str, str]:
        return {"name": self.data.get("contact_name", ""), "email": self.data.get("contact_email", "")}
