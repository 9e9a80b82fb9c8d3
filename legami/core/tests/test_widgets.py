"""PlainSelect renders what Django's Select renders, without a template per option."""

from django import forms

from legami.core.widgets import PlainSelect


class _Form(forms.Form):
    fast = forms.TypedChoiceField(
        choices=[("", "— all —"), (1, "Cremona"), (2, "Crema <&>")], required=False, widget=PlainSelect
    )
    slow = forms.TypedChoiceField(choices=[("", "— all —"), (1, "Cremona"), (2, "Crema <&>")], required=False)
    grouped = forms.ChoiceField(choices=[("Lombardia", [("1", "Cremona")])], widget=PlainSelect)


def _normalise(html: str) -> str:
    return "".join(html.split())


def test_same_markup_as_the_template_select():
    form = _Form(data={"fast": "2", "slow": "2"})
    fast = _normalise(str(form["fast"])).replace('name="fast"', "").replace('id="id_fast"', "")
    slow = _normalise(str(form["slow"])).replace('name="slow"', "").replace('id="id_slow"', "")
    assert fast == slow
    assert 'value="2"selected>Crema&lt;&amp;&gt;' in _normalise(str(form["fast"]))


def test_attributes_and_optgroups():
    form = _Form(data={"grouped": "1"})
    html = form["grouped"].as_widget(attrs={"class": "form-select", "aria-describedby": "help"})
    assert 'class="form-select"' in html and 'aria-describedby="help"' in html
    assert '<optgroup label="Lombardia"><option value="1" selected>Cremona</option></optgroup>' in html
