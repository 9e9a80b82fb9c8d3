"""The Italian catalogue is complete, its placeholders are right, and the committed .mo matches the .po."""

import ast
import gettext
import re
from pathlib import Path

import polib
import pytest

from legami.core import i18n_compile

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
PO_PATH = LOCALE_DIR / "it" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
PACKAGE = LOCALE_DIR.parent
# The gettext functions and the names `makemessages` (xgettext) extracts calls of: a call through any
# other alias (`gettext as _g`) is silently left out of the catalogue and stays English on the page.
GETTEXT_FUNCTIONS = {
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
EXTRACTED_NAMES = GETTEXT_FUNCTIONS | {"_"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


def _catalogue() -> polib.POFile:
    if not PO_PATH.exists():
        pytest.fail(f"The Italian catalogue {PO_PATH} does not exist: run `make messages` and translate it.")
    return polib.pofile(str(PO_PATH), wrapwidth=0)


def _describe(entry: polib.POEntry) -> str:
    where = f" [{entry.occurrences[0][0]}]" if entry.occurrences else ""
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt else ""
    return f"line {entry.linenum}: {entry.msgid!r}{context}{where}"


def _messages(entries) -> dict:
    """(context, msgid, plural) -> translation(s), the way gettext looks them up."""
    table = {}
    for entry in entries:
        if not entry.msgid:  # the header
            continue
        key = (entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)
        if entry.msgid_plural:
            table[key] = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            table[key] = entry.msgstr
    return table


def test_every_entry_is_translated_and_not_fuzzy():
    catalogue = _catalogue()
    untranslated = [_describe(e) for e in catalogue.untranslated_entries()]
    fuzzy = [_describe(e) for e in catalogue.fuzzy_entries()]
    problems = [f"untranslated {d}" for d in untranslated] + [f"fuzzy {d}" for d in fuzzy]
    if problems:
        pytest.fail(
            f"{len(untranslated)} untranslated and {len(fuzzy)} fuzzy entries in {PO_PATH.name} "
            "(translate them, remove the fuzzy flag, then `make messages`):\n" + "\n".join(problems),
            pytrace=False,
        )


def test_translations_keep_the_placeholders():
    catalogue = _catalogue()
    wrong = []
    for entry in catalogue.translated_entries():
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            pairs = [(entry.msgid if i == 0 else entry.msgid_plural, s) for i, s in sorted(entry.msgstr_plural.items())]
        for source, translation in pairs:
            if "python-format" not in entry.flags and "%(" not in source and "{" not in source:
                continue
            if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(translation)):
                wrong.append(f"{_describe(entry)} -> {translation!r}")
    if wrong:
        pytest.fail(
            "Translations whose placeholders differ from the msgid (they crash at run time):\n" + "\n".join(wrong),
            pytrace=False,
        )


def test_translated_strings_use_names_makemessages_extracts():
    hidden = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                hidden += [
                    f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {alias.name} as {alias.asname}"
                    for alias in node.names
                    if alias.name in GETTEXT_FUNCTIONS and alias.asname and alias.asname not in EXTRACTED_NAMES
                ]
    if hidden:
        pytest.fail(
            "gettext imported under a name makemessages does not extract (its strings never reach the "
            "catalogue): import it as `_` or by its own name:\n" + "\n".join(hidden),
            pytrace=False,
        )


def test_compiled_catalogue_matches_the_po():
    catalogue = _catalogue()
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run `python -m legami.core.i18n_compile` (or `make messages`)."
    with MO_PATH.open("rb") as handle:
        gettext.GNUTranslations(handle)  # Django loads it this way: it must parse
    expected = _messages(catalogue.translated_entries())
    compiled = _messages(polib.mofile(str(MO_PATH)))
    stale = sorted(
        f"{key[1]!r}: .po says {expected.get(key)!r}, .mo says {compiled.get(key)!r}"
        for key in expected.keys() | compiled.keys()
        if expected.get(key) != compiled.get(key)
    )
    if stale:
        pytest.fail(
            f"{MO_PATH.name} is out of date with {PO_PATH.name} ({len(stale)} differences): "
            "run `python -m legami.core.i18n_compile` (or `make messages`).\n" + "\n".join(stale[:50]),
            pytrace=False,
        )


def test_i18n_compile_writes_a_mo_gettext_reads(tmp_path):
    messages = tmp_path / "it" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    po.append(polib.POEntry(msgid="People", msgstr="Persone"))
    po.append(polib.POEntry(msgid="Open", msgctxt="status", msgstr="Aperto"))
    po.append(polib.POEntry(msgid="Draft", msgstr="Bozza", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="Missing", msgstr=""))
    po.append(
        polib.POEntry(
            msgid="%(n)s person", msgid_plural="%(n)s people", msgstr_plural={0: "%(n)s persona", 1: "%(n)s persone"}
        )
    )
    po.save(str(messages / "django.po"))

    assert i18n_compile.main([str(tmp_path)]) == 0

    with (messages / "django.mo").open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    assert translations.gettext("People") == "Persone"
    assert translations.pgettext("status", "Open") == "Aperto"
    assert translations.gettext("Draft") == "Draft"  # fuzzy entries are not compiled in
    assert translations.gettext("Missing") == "Missing"
    assert translations.ngettext("%(n)s person", "%(n)s people", 3) == "%(n)s persone"


def test_i18n_compile_fails_without_catalogues(tmp_path, capsys):
    assert i18n_compile.main([str(tmp_path)]) == 1
    assert "make messages" in capsys.readouterr().err


def test_every_marked_string_is_in_the_catalogue(tmp_path):
    """A msgid marked in the code but missing from the .po would stay English: run makemessages on a copy."""
    import os
    import shutil
    import subprocess
    import sys

    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("xgettext (Debian's gettext package) is needed in CI to check the catalogue.")
        pytest.skip("xgettext not installed: apt-get install gettext")
    copy = tmp_path / "legami"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "it", "--no-location", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "legami.settings", "PYTHONPATH": str(PACKAGE.parent)},
    )
    fresh = polib.pofile(str(copy / "locale" / "it" / "LC_MESSAGES" / "django.po"))
    committed = {(e.msgctxt, e.msgid) for e in _catalogue()}
    missing = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in committed)
    assert not missing, "Strings marked for translation but missing from the catalogue (run `make messages`):\n" + (
        "\n".join(missing)
    )


def test_italian_dates_write_the_months_in_lower_case():
    """Django's Italian catalogue capitalises the months of the "E" format; legami's own catalogue does not."""
    import datetime

    from django.utils import formats, translation

    from legami.core.months import ALT_MONTHS

    with translation.override("it"):
        assert formats.date_format(datetime.date(2026, 12, 3), "j E Y") == "3 dicembre 2026"
        months = [formats.date_format(datetime.date(2026, m, 1), "E") for m in range(1, 13)]
        assert [str(name) for name in ALT_MONTHS] == months
    assert all(month.islower() for month in months), months
