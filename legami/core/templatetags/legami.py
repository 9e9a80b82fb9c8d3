"""Template helpers: capability checks, accessible form fields, query strings, the menu."""

from collections.abc import Iterable
from typing import Any

from django import forms, template
from django.template import TemplateSyntaxError
from django.utils.http import urlencode

from legami.core.navigation import Menu, registry

register = template.Library()


@register.filter
def has(caps, capability: str) -> bool:
    """`{% if caps|has:"network.view_people" %}`: the viewer holds that capability here."""
    return bool(caps) and caps.has(capability)


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_choice_group(field) -> bool:
    """Checkbox and radio groups are rendered as a fieldset with a legend, not with a single label."""
    return isinstance(field.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect)


@register.filter
def add_field_attrs(field):
    """Render a bound field with Bootstrap Italia classes and ARIA links to its help and errors."""
    widget = field.field.widget
    attrs = dict(widget.attrs)
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple) and not isinstance(
        widget, forms.CheckboxSelectMultiple | forms.RadioSelect
    ):
        css = "form-select"
    elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        css = ""
    else:
        css = "form-control"
    if css:
        attrs["class"] = (attrs.get("class", "") + " " + css).strip()
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
        attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination and sorting links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return urlencode(sorted(query.lists()), doseq=True)


@register.simple_tag(takes_context=True)
def network_menu(context) -> Menu:
    """`{% network_menu as menu %}`: the registered entries the viewer may use in this network, by group."""
    network, caps = context.get("network"), context.get("caps")
    if network is None or not caps or not caps.member:
        return Menu((), ())
    return registry.menu(slug=network.slug, allowed=caps.has, current=context.get("nav"))


def summary_items(*forms_: forms.BaseForm | None, errors: Iterable[Any] = ()) -> list[dict[str, Any]]:
    """The lines of an error summary: the forms' own errors, then each field's, linked to the field."""
    items: list[dict[str, Any]] = []
    for form in forms_:
        if not form:  # an absent form: None, or "" for a variable the template does not have
            continue
        if not isinstance(form, forms.BaseForm):
            raise TypeError(f"error_summary takes forms, not {type(form).__name__}")
        if not form.errors:
            continue
        items += [{"href": "", "label": "", "message": e} for e in form.non_field_errors()]
        for field in form:
            # A group of radios or checkboxes has no single input to point at: link to its fieldset.
            target = "" if field.is_hidden else (field.id_for_label or field.auto_id or "")
            label = "" if field.is_hidden else field.label
            items += [{"href": f"#{target}" if target else "", "label": label, "message": e} for e in field.errors]
    items += [{"href": "", "label": "", "message": e} for e in errors if e]
    return items


@register.inclusion_tag("components/error_summary.html")
def error_summary(*forms_, error=None, errors=(), title=None) -> dict[str, Any]:
    """`{% error_summary form %}`, `{% error_summary form other %}`, `{% error_summary error=error %}`:
    the page's one error summary (nothing when there is no error), with an optional heading."""
    return {"items": summary_items(*forms_, errors=[error, *errors]), "title": title}


def breadcrumb_items(*parts: Any) -> list[tuple[Any, str]]:
    """(label, url) pairs from `label, url, label, url, …, current`: the current page comes last, with
    no link; a step with an empty label is left out (e.g. one the viewer has no page for)."""
    if len(parts) % 2 != 1:
        raise TemplateSyntaxError("breadcrumb takes label, url pairs and then the current page's label")
    steps = [(parts[i], parts[i + 1] or "") for i in range(0, len(parts) - 1, 2)]
    return [(label, url) for label, url in steps if label] + [(parts[-1], "")]


@register.inclusion_tag("components/breadcrumb.html")
def breadcrumb(*parts: Any) -> dict[str, Any]:
    """`{% breadcrumb _("People") people_url person.full_name %}`: the page's one breadcrumb."""
    return {"crumbs": breadcrumb_items(*parts)}
