"""The imports the project knows: each app registers its declarations in its AppConfig.ready().

Core never imports a domain app: it finds an import's declaration here, by the job's kind.
"""

from __future__ import annotations

from legami.core.imports.declaration import ImportDeclaration

_DECLARATIONS: dict[str, ImportDeclaration] = {}


def register(declaration: ImportDeclaration) -> ImportDeclaration:
    """Make `declaration` known by its kind; registering another one under a kind already taken is a mistake."""
    known = _DECLARATIONS.get(declaration.kind)
    if known is not None and type(known) is not type(declaration):
        raise ValueError(f"Two imports declare the kind {declaration.kind!r}: {known!r} and {declaration!r}.")
    _DECLARATIONS[declaration.kind] = declaration
    return declaration


def unregister(kind: str) -> None:
    """Forget an import (for tests that register a declaration of their own)."""
    _DECLARATIONS.pop(kind, None)


def declaration_for(kind: str) -> ImportDeclaration:
    """The declaration registered under `kind`; LookupError when none is."""
    try:
        return _DECLARATIONS[kind]
    except KeyError:
        raise LookupError(f"No import is registered with the kind {kind!r}.") from None


def declarations() -> list[ImportDeclaration]:
    """Every registered import, in the order they were registered."""
    return list(_DECLARATIONS.values())
