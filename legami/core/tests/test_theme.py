"""The reduced Bootstrap Italia theme (theme/, `make theme`) covers what the templates use.

legami serves legami/static/legami/theme.min.css and theme.min.js, built from the theme's sources with
only the partials and plugins the pages use. A template that starts using a theme class or plugin left
out of that selection would silently lose its look or behaviour: these tests name it instead.
"""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from legami.core.tests import theme_usage

STATIC = Path(__file__).resolve().parents[2] / "static" / "legami"
THEME_CSS = STATIC / "theme.min.css"
THEME_JS = STATIC / "theme.min.js"


def _full_theme_css() -> str:
    path = finders.find("css/bootstrap-italia.min.css")
    assert path, "the design-django-theme wheel's stylesheet is not installed"
    return Path(path).read_text(encoding="utf-8-sig")


def test_every_theme_class_a_template_uses_is_in_the_reduced_stylesheet():
    theme_classes = theme_usage.css_classes(_full_theme_css())
    reduced = theme_usage.css_classes(THEME_CSS.read_text(encoding="utf-8-sig"))
    used = theme_usage.template_classes()
    missing = sorted((used & theme_classes) - reduced)
    assert not missing, (
        f"templates use Bootstrap Italia classes that theme.min.css leaves out: {missing}; "
        "uncomment their partial in theme/legami-theme.scss and run `make theme` (theme/README.md)"
    )


def test_every_plugin_a_template_toggles_is_in_the_reduced_script():
    script = THEME_JS.read_text(encoding="utf-8")
    missing = sorted(name for name in theme_usage.template_toggles() if f'data-bs-toggle="{name}"' not in script)
    assert not missing, (
        f"templates use data-bs-toggle values whose plugin theme.min.js leaves out: {missing}; "
        "import the plugin in theme/legami-theme.js and run `make theme` (theme/README.md)"
    )


def test_the_reduced_theme_keeps_the_licence_notices():
    assert "Bootstrap Italia" in THEME_CSS.read_text(encoding="utf-8-sig")[:400]
    assert "BSD-3-Clause" in THEME_CSS.read_text(encoding="utf-8-sig")[:400]
    head = THEME_JS.read_text(encoding="utf-8")[:600]
    assert "Bootstrap Italia" in head and "BSD-3-Clause" in head and "Popper" in head


def test_the_stylesheet_loads_the_theme_typefaces_from_files_that_exist():
    css = THEME_CSS.read_text(encoding="utf-8-sig")
    faces = re.findall(r"@font-face\{([^}]*)\}", css)
    families = {re.search(r"font-family:\s*['\"]?([^;'\"]+)", face).group(1) for face in faces}
    assert {"Titillium Web", "Roboto Mono", "Lora"} <= families
    assert all("font-display:swap" in face.replace(" ", "") for face in faces)
    # Relative to static/legami/theme.min.css: the manifest storage must find each file to hash it.
    urls = {url for face in faces for url in re.findall(r"url\(['\"]?([^)'\"]+)", face)}
    assert urls
    for url in urls:
        assert url.startswith("../fonts/"), url
        assert finders.find(url.removeprefix("../")), f"{url} is not a static file"


@pytest.mark.django_db
def test_pages_load_the_reduced_theme_deferred_and_preload_the_body_typeface(client):
    html = client.get("/accounts/login/").content.decode()
    assert "bootstrap-italia.min.css" not in html and "bootstrap-italia.bundle" not in html
    assert re.search(r'<link rel="stylesheet" href="/static/legami/theme\.min[^"]*\.css">', html)
    assert re.search(r'<script src="/static/legami/theme\.min[^"]*\.js" defer></script>', html)
    # No script blocks the parser: every <script src> of the page is deferred.
    assert re.findall(r"<script src=[^>]*>", html)
    assert all(" defer" in tag for tag in re.findall(r"<script src=[^>]*>", html))
    preload = re.search(r'<link rel="preload" href="([^"]+)" as="font" type="font/woff2" crossorigin>', html)
    assert preload and "titillium-web" in preload.group(1) and preload.group(1).endswith(".woff2")
    assert finders.find(preload.group(1).removeprefix("/static/"))


def test_css_classes_reads_selectors_not_declarations():
    css = ".btn,.nav .nav-link:hover{color:red;background:url(x.svg)}@media(min-width:1px){.col-md-6{width:50%}}"
    assert theme_usage.css_classes(css) == {"btn", "nav", "nav-link", "col-md-6"}


def test_class_tokens_skip_template_syntax(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<div class="alert {% if ok %}alert-success{% else %}alert-danger{% endif %} {{ extra }}">'
        '<a class="nav-link{% if current %} active{% endif %}" data-bs-toggle="dropdown">x</a>'
        '<p class="badge text-{% if late %}danger{% else %}muted{% endif %}" data-bs-toggle="{{ kind }}">y</p></div>'
    )
    classes = theme_usage.template_classes([tmp_path])
    assert classes == {"alert", "alert-success", "alert-danger", "nav-link", "active", "badge", "text-"}
    assert theme_usage.template_toggles([tmp_path]) == {"dropdown"}
