"""What an import states about itself: its columns, how a row is checked and written, and its words.

A declaration is a subclass of `ImportDeclaration` with class attributes for the facts and four
hooks for the domain rules (`begin`, `check_row`, `check_file`, `write`). Everything else (reading the
file, the all-or-nothing run, progress, the job, its page, the audit, the command) is the pipeline's.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext

from legami.core import inputs
from legami.core.importing import RowError, TableRow
from legami.core.models import DataClass

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class CellError(Exception):
    """A cell's value is wrong; the message says why, in words the person filling the file understands."""


@dataclass(frozen=True)
class Column:
    """One column of the file: its header, the other headers accepted, and the help shown on the upload page.

    `required`: the header must be in the file. `parse`: turns the cell into a value (raising CellError or
    ValidationError), applied to every row before `check_row`. `field`: the input of the write's rules
    (core.inputs) the cell fills: `RowCheck.clean` checks it there, and reports that field's errors on this column.
    """

    name: str
    description: StrOrPromise = ""
    example: str = ""
    required: bool = False
    aliases: tuple[str, ...] = ()
    parse: Callable[[Any], Any] | None = None
    field: str = ""


def text(value: Any) -> str:
    """A cell as one line of text: None is '', a date is ISO, runs of spaces are one."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def rule(spec: inputs.Field) -> Callable[[Any], Any]:
    """A `parse` that checks a cell with a write's input rule (for a column that fills no field of the write); an
    empty cell is ''."""

    def parse(value: Any) -> Any:
        return "" if _empty(value) else spec.clean(value, inputs.Context())

    return parse


def bounded(limit: int, *, required: bool = False) -> Callable[[Any], str]:
    """A parser for text of at most `limit` characters (and not empty when `required`)."""

    def parse(value: Any) -> str:
        cell = text(value)
        if required and not cell:
            raise CellError(gettext("This field is required."))
        if len(cell) > limit:
            raise CellError(
                gettext("At most %(limit)d characters (this one has %(n)d).") % {"limit": limit, "n": len(cell)}
            )
        return cell

    return parse


@dataclass
class ImportContext:
    """One run of an import: who, where, which file, the declaration's own state and the problems found."""

    network: Any
    actor: Any
    file_name: str
    # The district ids a district-limited importer is confined to; None when not limited (or no actor).
    districts: set[int] | None
    problems: list[RowError] = field(default_factory=list)
    state: Any = None
    # What the input rules look up, loaded once for the whole file (see inputs.Lookup).
    cache: dict[Any, Any] = field(default_factory=dict)

    def error(self, row: int | None, column: str, message: Any) -> None:
        self.problems.append(RowError(row, column, str(message)))


class RowCheck:
    """One data row being checked: `values` holds each column's parsed cell (None where it failed)."""

    def __init__(self, row: TableRow, columns: Sequence[Column], context: ImportContext) -> None:
        self.number = row.number
        self.raw = row
        self.context = context
        self.columns = columns
        self.bad: set[str] = set()
        self.values: dict[str, Any] = {}
        for column in columns:
            self.values[column.name] = self.cell(column.name, column.parse) if column.parse else row[column.name]

    def error(self, column: str, message: Any) -> None:
        """Record a problem in this row's `column` ('' for the row as a whole)."""
        self.context.error(self.number, column, message)
        self.bad.add(column)

    def cell(self, column: str, parse: Callable[[Any], Any]) -> Any:
        """`parse(cell)`, or None with the problem recorded on the column."""
        try:
            return parse(self.raw[column])
        except CellError as exc:
            self.error(column, str(exc))
        except ValidationError as exc:
            self.error(column, " ".join(str(m) for m in exc.messages))
        return None

    def clean(self, rules: inputs.Rules, *, data: Mapping[str, Any] | None = None, **kwargs: Any) -> dict | None:
        """The row's cells checked by the write's input rules as a new row (the cells of the columns with a `field`,
        plus `data`): the cleaned values, or None with each problem reported on its column.

        Empty cells are left out, so that the write's defaults apply; cells that failed their `parse` too. The
        rules share the file's cache: their lookups load the network's rows once per file.
        """
        given = {
            column.field: self.values[column.name]
            for column in self.columns
            if column.field and column.name not in self.bad and not _empty(self.values[column.name])
        }
        bad = set(self.bad)
        try:
            return rules.clean(
                given | dict(data or {}), network=self.context.network, cache=self.context.cache, **kwargs
            )
        except ValidationError as exc:
            columns = {column.field: column.name for column in self.columns if column.field}
            for column, message in inputs.Rules.row_errors(exc, columns):
                if column not in bad:
                    self.error(column, message)
        return None

    @property
    def ok(self) -> bool:
        return not self.bad


class ImportDeclaration:
    """The base of every import. Subclass it, fill in the attributes, implement the hooks, `register()` it."""

    kind: ClassVar[str]  # Job.kind and the registry key, e.g. "people_import"
    slug: ClassVar[str]  # URL names: <slug>_import, <slug>_import_template, <slug>_import_job
    namespace: ClassVar[str]  # the URL namespace of the app that mounts `import_urls()`
    capability: ClassVar[str]  # upload, template, job page and command: one capability for all of them
    model: ClassVar[type[Model]]  # what the rows become (the audit's object type)
    columns: ClassVar[tuple[Column, ...]]
    data_class: ClassVar[str] = DataClass.PERSONAL  # of the file (the audit's data class)
    nav: ClassVar[str] = ""  # the navigation entry the pages highlight
    list_url_name: ClassVar[str] = ""  # where the imported rows are listed (breadcrumb, way out)
    export_url_name: ClassVar[str] = ""  # the export in the same columns, if any…
    export_capability: ClassVar[str] = ""  # …and who may download it
    template_filename: ClassVar[str] = "template"
    progress_every: ClassVar[int] = 500  # rows checked between two progress reports
    batch_size: ClassVar[int | None] = None  # rows per `write()` call (None: all at once)
    # The domain checks of one file, when they need state: a class built with the ImportContext at the start
    # (loading its lookups), whose check_row(row) returns the values to write and check_file() checks across rows.
    checks: ClassVar[type | None] = None

    # The words of the pages and the command (msgids shared with the catalogue).
    title: ClassVar[StrOrPromise]  # "Import people"
    list_label: ClassVar[StrOrPromise]  # "People": the breadcrumb to the list
    intro: ClassVar[StrOrPromise]
    all_or_nothing: ClassVar[StrOrPromise]
    template_csv_label: ClassVar[StrOrPromise]
    template_xlsx_label: ClassVar[StrOrPromise]
    export_label: ClassVar[StrOrPromise] = ""
    columns_note: ClassVar[StrOrPromise]
    columns_caption: ClassVar[StrOrPromise]
    recent_caption: ClassVar[StrOrPromise]
    job_title: ClassVar[StrOrPromise]  # with %(n)s, the job's number
    saving_label: ClassVar[StrOrPromise]  # "saving the people"
    done_label: ClassVar[StrOrPromise]  # "Go to the people"
    refused_message: ClassVar[StrOrPromise]  # the job's actor lost the capability before it ran
    conflict_message: ClassVar[StrOrPromise]  # a unique value was taken between the checks and the write
    command_refused: ClassVar[StrOrPromise]  # with %(email)s and %(network)s
    # ngettext_lazy("%(n)s person imported.", "%(n)s people imported.", "n"): the count picks the form.
    created_message: ClassVar[Any]

    # --- facts derived from the columns ------------------------------------------------------------

    @classmethod
    def header(cls) -> tuple[str, ...]:
        """The column names in file order: the template's and the export's header."""
        return tuple(column.name for column in cls.columns)

    @classmethod
    def required(cls) -> tuple[str, ...]:
        return tuple(column.name for column in cls.columns if column.required)

    @classmethod
    def aliases(cls) -> dict[str, str]:
        return {alias: column.name for column in cls.columns for alias in column.aliases}

    @classmethod
    def field_columns(cls) -> dict[str, str]:
        """Model field -> the column it comes from."""
        return {column.field: column.name for column in cls.columns if column.field}

    # --- the hooks -----------------------------------------------------------------------------------

    def begin(self, context: ImportContext) -> Any:
        """Load what the checks look up (once per file); the result is `context.state` (by default, `checks`)."""
        return self.checks(context) if self.checks is not None else None

    def check_row(self, row: RowCheck, context: ImportContext) -> Any:
        """The values to write for `row`, recording any problem with `row.error()`; by default the parsed cells."""
        return context.state.check_row(row) if self.checks is not None else row.values

    def check_file(self, checked: list[Any], context: ImportContext) -> None:
        """Checks across rows and against the database, cheaper once per file (`context.error(row, column, …)`)."""
        if self.checks is not None:
            context.state.check_file()

    def write(self, rows: list[Any], context: ImportContext) -> dict[str, int]:
        """Write checked rows (inside the import's transaction) through the app's service; extra counts to add up."""
        raise NotImplementedError

    def template_rows(self, network: Any) -> list[list[Any]]:
        """Example rows of the template file (none by default: just the header)."""
        return []

    # --- what the pages and the command say about an outcome ------------------------------------

    def summary(self, result: dict[str, Any]) -> list[str]:
        """The lines the job page shows when the import succeeded."""
        return [str(self.created_message % {"n": int(result.get("created") or 0)})]

    def command_summary(self, outcome: Any, *, network: str, file_name: str) -> str:
        """The command's last line after a successful import."""
        return " ".join(self.summary({"created": outcome.created, **outcome.counts}))
