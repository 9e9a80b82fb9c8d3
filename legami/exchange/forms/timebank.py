"""Forms of the time bank (they shape input; the services validate it with their input rules)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.widgets import PlainSelect
from legami.exchange.models import TimeAccount, TimeAccountKind

HOURS_HELP = _("Hours and minutes, such as 1:30 or 1,5 h.")


def _label(account: TimeAccount) -> str:
    return str(account)


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _label(obj)


class AccountsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _label(obj)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)


class AccountFilterForm(SearchForm):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + list(TimeAccountKind.choices), widget=PlainSelect
    )


class ProposeForm(forms.Form):
    """From one's own account: hours given to someone, or asked of them."""

    account = AccountChoiceField(
        label=_("From the account of"), queryset=TimeAccount.objects.none(), widget=PlainSelect
    )
    gives = forms.TypedChoiceField(
        label=_("What happened"),
        choices=[("1", _("I gave time: they owe me hours")), ("0", _("I received time: I owe them hours"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    counterpart = AccountChoiceField(
        label=_("With whom"),
        queryset=TimeAccount.objects.none(),
        empty_label=_("Choose…"),
        widget=PlainSelect,
        help_text=_("Search by name above to find someone who is not in the list."),
    )
    minutes = forms.CharField(label=_("How long"), max_length=20, help_text=HOURS_HELP)
    reason = forms.CharField(
        label=_("What for"), max_length=300, help_text=_("A few words the other side will recognise.")
    )

    def __init__(self, *args: Any, own: list[TimeAccount], counterparts: list[TimeAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["account"])
        field.queryset = TimeAccount.objects.filter(pk__in=[a.pk for a in own])
        if len(own) <= 1:
            # one account (or one to open on first use): nothing to choose
            field.required = False
            field.initial = own[0].pk if own else None
            field.widget = forms.HiddenInput()
        counterpart = cast(forms.ModelChoiceField, self.fields["counterpart"])
        counterpart.queryset = (
            TimeAccount.objects.filter(pk__in=[a.pk for a in counterparts])
            .select_related("person", "organization")
            .order_by("person__last_name", "person__first_name", "organization__name")
        )
        # Show the choices without another query per render.
        counterpart.choices = [("", _("Choose…"))] + [(a.pk, _label(a)) for a in counterparts]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "counterpart": data["counterpart"],
            "gives": data["gives"],
            "minutes": data["minutes"],
            "reason": data["reason"],
        }


class RecordForm(forms.Form):
    """An operator's transfer: one giver to several receivers, several givers to one receiver, or one to one."""

    givers = AccountsChoiceField(
        label=_("Who gives the hours"),
        queryset=TimeAccount.objects.none(),
        help_text=_("The network fund credits hours; several givers each give the hours below."),
    )
    receivers = AccountsChoiceField(
        label=_("Who receives them"),
        queryset=TimeAccount.objects.none(),
        help_text=_("Several receivers each receive the hours below."),
    )
    minutes = forms.CharField(label=_("How long, each"), max_length=20, help_text=HOURS_HELP)
    reason = forms.CharField(label=_("What for"), max_length=300)
    confirm = forms.BooleanField(
        label=_("Confirmed now"),
        required=False,
        initial=True,
        help_text=_("Leave it unticked to let the accounts' holders confirm it."),
    )

    def __init__(self, *args: Any, accounts: list[TimeAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(a.pk, _label(a)) for a in accounts]
        for name in ("givers", "receivers"):
            field = cast(forms.ModelMultipleChoiceField, self.fields[name])
            field.queryset = TimeAccount.objects.filter(pk__in=[a.pk for a in accounts])
            field.choices = choices
            field.widget.attrs["size"] = min(8, max(3, len(choices)))

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class OpenAccountForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"), required=False, queryset=TimeAccount.objects.none(), widget=PlainSelect
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"), required=False, queryset=TimeAccount.objects.none(), widget=PlainSelect
    )

    def __init__(self, *args: Any, people: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = cast(forms.ModelChoiceField, self.fields["person"])
        person.queryset = people
        person.empty_label = _("None")
        organization = cast(forms.ModelChoiceField, self.fields["organization"])
        organization.queryset = organizations
        organization.empty_label = _("None")


class PolicyForm(forms.Form):
    soft_limit_minutes = forms.CharField(
        label=_("Warn from (hours below zero)"),
        max_length=20,
        help_text=_("A person whose balance would go below this is warned before confirming."),
    )
    hard_limit_minutes = forms.CharField(
        label=_("Refuse past (hours below zero)"),
        max_length=20,
        help_text=_("A transfer that would take a balance past this is refused."),
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is reversed"), max_length=300, help_text=_("It appears on both statements.")
    )
