"""The import pipeline: an import is a declaration (`ImportDeclaration`), registered by its app.

The pipeline gives every declaration the same upload checks, the all-or-nothing run as a background
job with progress, the job page, the audit and the command line. See declaration.py for what a
declaration states, pipeline.py for the run, views.py for the pages and registry.py for registration.
"""

from legami.core.imports.declaration import (
    CellError,
    Column,
    ImportContext,
    ImportDeclaration,
    RowCheck,
    bounded,
    rule,
    text,
)
from legami.core.imports.registry import declaration_for, register

__all__ = [
    "CellError",
    "Column",
    "ImportContext",
    "ImportDeclaration",
    "RowCheck",
    "bounded",
    "declaration_for",
    "register",
    "rule",
    "text",
]
