"""The shared page components: the one error summary, the one breadcrumb, and no copies of them."""

from pathlib import Path

import pytest
from django import forms
from django.template import Context, Template, TemplateSyntaxError

PACKAGE = Path(__file__).resolve().parents[2]


class ContactForm(forms.Form):
    name = forms.CharField(label="Name")
    channel = forms.ChoiceField(label="Channel", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    stamp = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Try again later.")


class OtherForm(forms.Form):
    note = forms.CharField(label="Note")


def render(text: str, **context) -> str:
    return Template("{% load legami %}" + text).render(Context(context))


def test_no_error_no_summary():
    assert render("{% error_summary form %}", form=OtherForm({"note": "ok"})).strip() == ""
    assert render("{% error_summary form error=error %}", form=None, error="").strip() == ""


def test_the_summary_links_each_error_to_its_field_and_takes_focus():
    html = render("{% error_summary form %}", form=ContactForm({}))

    assert 'id="error-summary"' in html and "data-focus" in html and 'tabindex="-1"' in html
    assert '<h2 class="h5">There is a problem</h2>' in html
    assert '<a href="#id_name">Name: This field is required.</a>' in html
    # A radio group links to its fieldset, which components/field.html gives the field's auto id.
    assert '<a href="#id_channel">Channel: This field is required.</a>' in html
    # A hidden field's error cannot be reached: it is listed without a link or a label.
    assert "<li>This field is required.</li>" in html
    assert "<li>Try again later.</li>" in html


def test_the_summary_takes_several_forms_a_message_and_a_heading():
    html = render(
        "{% error_summary first second error=error errors=errors title=title %}",
        first=OtherForm({}),
        second=OtherForm({}, prefix="second"),
        error="The demand is closed.",
        errors=["One more.", ""],
        title="Some filters were not applied",
    )

    assert '<a href="#id_note">' in html and '<a href="#id_second-note">' in html
    assert "<li>The demand is closed.</li><li>One more.</li>" in html
    assert "Some filters were not applied" in html and "There is a problem" not in html


def test_the_summary_escapes_what_users_typed():
    html = render("{% error_summary error=error %}", error="<b>bad</b>")
    assert "&lt;b&gt;bad&lt;/b&gt;" in html


def test_the_summary_refuses_what_is_not_a_form():
    with pytest.raises(TypeError):
        render("{% error_summary thing %}", thing={"errors": "x"})


def test_the_breadcrumb_links_each_step_and_marks_the_current_page():
    html = render(
        '{% breadcrumb _("People") people_url name "" _("Edit") %}', people_url="/rete/people/", name="Ada <Rossi>"
    )

    assert 'aria-label="Breadcrumb"' in html
    assert '<a href="/rete/people/">People</a><span class="separator">/</span>' in html
    # A step with no address is text; user text is escaped; the last step is the current page, unlinked.
    assert '<li class="breadcrumb-item">Ada &lt;Rossi&gt;<span class="separator">/</span></li>' in html
    assert '<li class="breadcrumb-item active" aria-current="page">Edit</li>' in html


def test_a_breadcrumb_step_with_no_label_is_left_out():
    html = render("{% breadcrumb _('Surveys') '/s/' title url 'Results' %}", title="", url="/x/")
    assert html.count("breadcrumb-item") == 2 and "/x/" not in html


def test_the_breadcrumb_needs_pairs_then_the_current_page():
    with pytest.raises(TemplateSyntaxError):
        render("{% breadcrumb 'People' '/people/' %}")


def test_the_breadcrumb_component_takes_a_list_built_in_a_view():
    html = Template('{% include "components/breadcrumb.html" %}').render(
        Context({"crumbs": [("Needs", "/n/"), ("Need 3", "")]})
    )
    assert '<a href="/n/">Needs</a>' in html and 'aria-current="page">Need 3<' in html


def _templates() -> list[Path]:
    return [p for p in PACKAGE.rglob("templates/**/*.html") if "components" not in p.parts]


def test_no_template_copies_the_components_or_runs_inline_script():
    offenders = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(PACKAGE))
        if 'class="breadcrumb"' in text or "breadcrumb-item" in text:
            offenders.append(f"{name}: a breadcrumb of its own (use {{% breadcrumb %}})")
        if "legami-error-summary" in text or 'id="error-summary"' in text:
            offenders.append(f"{name}: an error summary of its own (use {{% error_summary %}})")
        for chunk in text.split("<script")[1:]:
            if "src=" not in chunk.split(">", 1)[0]:
                offenders.append(f"{name}: an inline <script> (use data- attributes or json_script)")
        if " onclick=" in text or " onchange=" in text or "javascript:" in text:
            offenders.append(f"{name}: an inline event handler")
    assert not offenders, "\n".join(offenders)
