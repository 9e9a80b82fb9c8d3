"""Every template under legami/ compiles: a syntax error or an unknown tag fails here, not on a page."""

from pathlib import Path

import pytest
from django.template import engines
from django.template.loader import get_template

PACKAGE = Path(__file__).resolve().parents[2]
SUFFIXES = {".html", ".txt", ".xml", ".svg"}


def _templates() -> list[tuple[str, Path]]:
    """(loader name, file) for each template: the name is its path below the `templates` folder holding it."""
    found = []
    for folder in sorted(PACKAGE.rglob("templates")):
        if folder.is_dir():
            found += [
                (path.relative_to(folder).as_posix(), path)
                for path in sorted(folder.rglob("*"))
                if path.is_file() and path.suffix in SUFFIXES
            ]
    return found


TEMPLATES = _templates()


def test_templates_are_found():
    assert "base.html" in {name for name, _ in TEMPLATES}


@pytest.mark.parametrize(("name", "path"), TEMPLATES, ids=[str(p.relative_to(PACKAGE)) for _, p in TEMPLATES])
def test_template_compiles(name, path):
    # Compiling the file's own text catches its errors even if another template shadows its name.
    engines["django"].from_string(path.read_text(encoding="utf-8"))
    resolved = Path(get_template(name).origin.name)
    assert resolved == path, f"{path} is never used: the name {name!r} resolves to {resolved} first"
