"""Compile every legami/locale/*/LC_MESSAGES/*.po catalogue to .mo with polib.

`python -m legami.core.i18n_compile` (called by `make messages`) replaces `compilemessages`, so
neither developers nor CI need the system gettext tools. Fuzzy and untranslated entries are left
out of the .mo, as msgfmt does, so Django falls back to the English msgid for them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """The .po files under `locale_dir`, in a stable order."""
    return sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def compile_catalogue(po_path: Path) -> Path:
    """Write the .mo beside `po_path` and return its path."""
    mo_path = po_path.with_suffix(".mo")
    polib.pofile(str(po_path), wrapwidth=0).save_as_mofile(str(mo_path))
    return mo_path


def main(argv: list[str] | None = None) -> int:
    locale_dir = Path(argv[0]) if argv else LOCALE_DIR
    found = catalogues(locale_dir)
    if not found:
        print(f"No .po catalogue under {locale_dir}: run `make messages` first.", file=sys.stderr)
        return 1
    for po_path in found:
        catalogue = polib.pofile(str(po_path), wrapwidth=0)
        mo_path = compile_catalogue(po_path)
        missing = len(catalogue.untranslated_entries()) + len(catalogue.fuzzy_entries())
        note = f" ({missing} untranslated or fuzzy: translate them)" if missing else ""
        print(f"{mo_path.relative_to(locale_dir.parent)}: {len(catalogue.translated_entries())} messages{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
