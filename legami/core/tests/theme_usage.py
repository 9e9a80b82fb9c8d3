"""What legami's templates use of the theme: class names and data-bs-toggle plugins (see test_theme.py)."""

import re
from collections.abc import Iterable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
_TEMPLATE_SYNTAX = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
_MARK = "\x00"
_CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')
_TOGGLE_ATTRIBUTE = re.compile(r'\bdata-bs-toggle="([^"]*)"')
# Widget classes set in Python: attrs={"class": "form-check-input"} or widget.attrs["class"] = "…".
_PYTHON_CLASS = re.compile(r"""["']class["']\]?\s*[:=]\s*["']([^"']+)["']""")


def css_classes(css: str) -> set[str]:
    """The class names a stylesheet's selectors name (declarations, url() and comments left out)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    selectors = re.sub(r"{[^{}]*}", "{}", css)  # blank each declaration block, keep the selectors
    return set(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", selectors))


def _templates(roots: Iterable[Path] | None) -> Iterable[Path]:
    if roots is not None:
        for root in roots:
            yield from root.rglob("*.html")
        return
    for folder in PACKAGE.rglob("templates"):
        yield from folder.rglob("*.html")


def _template_text(path: Path) -> str:
    return _TEMPLATE_SYNTAX.sub(_MARK, path.read_text(encoding="utf-8"))


def _class_names(value: str) -> Iterable[str]:
    """The names in a class attribute whose template tags became marks.

    "nav-link{% if x %} active{% endif %}" gives nav-link and active; in "alert-{% if e %}danger{% endif %}"
    the name is built by the template, so neither "alert-" nor "danger" is a class of the page."""
    for token in value.split():
        for index, piece in enumerate(pieces := token.split(_MARK)):
            if any(before.endswith(("-", "_")) for before in pieces[:index]):
                break
            if piece:
                yield piece


def template_classes(roots: Iterable[Path] | None = None) -> set[str]:
    """Every class name written in a class attribute of a template (or in a form widget's attrs)."""
    names: set[str] = set()
    for path in _templates(roots):
        for value in _CLASS_ATTRIBUTE.findall(_template_text(path)):
            names.update(_class_names(value))
    if roots is None:
        for path in PACKAGE.rglob("*.py"):
            if "tests" not in path.parts:
                for value in _PYTHON_CLASS.findall(path.read_text(encoding="utf-8")):
                    names.update(value.split())
    return names


def template_toggles(roots: Iterable[Path] | None = None) -> set[str]:
    """The data-bs-toggle values (dropdown, collapse, navbarcollapsible…) templates use."""
    return {
        value
        for path in _templates(roots)
        for value in _TOGGLE_ATTRIBUTE.findall(_template_text(path))
        if _MARK not in value
    }
