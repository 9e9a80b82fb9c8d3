"""The imports of activities (with their weekly schedule) and of enrolments, and the exports that round-trip into
them. The declarations are read by the pipeline of legami.core.imports (upload, job, all-or-nothing, audit,
pages, command); each row is checked by the write's own rules (ACTIVITY_INPUTS, ENROLLMENT_INPUTS) and written
by its service (`create_activity`, `enroll`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from legami.activities.capabilities import ENROLL_PEOPLE, MANAGE_ACTIVITIES
from legami.activities.models import Activity, ActivityKind, Enrollment, Weekday
from legami.activities.permissions import may
from legami.activities.selectors.bookings import unbooked_sessions
from legami.activities.services.activities import ACTIVITY_INPUTS, create_activity
from legami.activities.services.bookings import hold_spaces
from legami.activities.services.enrollments import (
    ENROLLMENT_INPUTS,
    check_enrollment,
    enroll,
    enrollment_refusal,
)
from legami.core.importing import ImportFileError
from legami.core.imports import Column, ImportContext, ImportDeclaration, RowCheck
from legami.core.parsing import fold, parse_id

_KIND = ACTIVITY_INPUTS["kind"]
# Reading a file: the kind by code, label or Italian word; the organiser and the place by name (or number).
ACTIVITY_IMPORT_RULES = ACTIVITY_INPUTS.extend(
    {
        "kind": _KIND.but(
            labels=True,
            extra_words={
                "doposcuola": ActivityKind.AFTER_SCHOOL,
                "culturale": ActivityKind.CULTURAL,
                "aggregativa": ActivityKind.AGGREGATIVE,
                "sportiva": ActivityKind.SPORT,
                "auto mutuo aiuto": ActivityKind.MUTUAL_HELP,
                "sportello digitale": ActivityKind.DIGITAL_HELP,
            },
            _words=None,
            messages={
                **_KIND.messages,
                "invalid_choice": _(
                    "Write doposcuola, culturale, aggregativa, sport, auto mutuo aiuto or sportello digitale."
                ),
            },
        ),
    }
)

# The Italian word the export writes for each kind (the import reads it back).
KIND_WORDS: dict[str, str] = {
    ActivityKind.AFTER_SCHOOL: "doposcuola",
    ActivityKind.CULTURAL: "culturale",
    ActivityKind.AGGREGATIVE: "aggregativa",
    ActivityKind.SPORT: "sport",
    ActivityKind.MUTUAL_HELP: "auto mutuo aiuto",
    ActivityKind.DIGITAL_HELP: "sportello digitale",
}
DAY_WORDS = {
    Weekday.MONDAY: "lunedì",
    Weekday.TUESDAY: "martedì",
    Weekday.WEDNESDAY: "mercoledì",
    Weekday.THURSDAY: "giovedì",
    Weekday.FRIDAY: "venerdì",
    Weekday.SATURDAY: "sabato",
    Weekday.SUNDAY: "domenica",
}


def _no_actor(context: ImportContext) -> None:
    if context.actor is None:
        context.error(None, "", gettext("Name the user the rows are recorded under (--actor): nothing was imported."))


class _ActivityChecks:
    """Each row checked by the activity's own rules; partner staff import their own organisation's only."""

    def __init__(self, context: ImportContext) -> None:
        self.context = context
        _no_actor(context)

    def check_row(self, row: RowCheck) -> dict[str, Any] | None:
        values = row.clean(ACTIVITY_IMPORT_RULES, actor=self.context.actor)
        if values is None or not row.ok:
            return None
        organizer = values["organizer"]
        probe = Activity(network=self.context.network, organizer=organizer)
        if not may(self.context.actor, MANAGE_ACTIVITIES, probe, self.context.network):
            row.error("ente", gettext("You may run only your organisation's activities."))
            return None
        return values

    def check_file(self) -> None:
        return None


class ActivitiesImport(ImportDeclaration):
    """One activity per row, with its weekly schedule: recorded as drafts, with their sessions."""

    kind, slug, namespace, nav = "activities_import", "activities", "activities", "activities"
    capability, model, template_filename = MANAGE_ACTIVITIES, Activity, "attivita-modello"
    data_class = "public"
    list_url_name = "activities:activities"
    checks = _ActivityChecks
    # fmt: off
    columns = (
        Column("titolo", _("The activity's title (at most 200 characters)."), "Doposcuola al Po", True,
               aliases=("title",), field="title"),
        Column("tipo", _("doposcuola, culturale, aggregativa, sport, auto mutuo aiuto or sportello digitale."),
               "doposcuola", True, aliases=("kind",), field="kind"),
        Column("ente", _("The organising organisation, by its name in the network (or its number)."),
               "Cooperativa Il Ponte", True, aliases=("organizer", "organiser"), field="organizer"),
        Column("luogo", _("The place, by its name in the network (or its number)."), "Casa di quartiere Po", True,
               aliases=("place",), field="place"),
        Column("spazio", _("Optional: a shared space of the place that the sessions book, by its name (or its "
                           "number); empty for none."), "Sala grande", aliases=("space",), field="space"),
        Column("giorni", _("Days of the week, separated by commas: lunedì, martedì …"), "lunedì, mercoledì", True,
               aliases=("weekdays", "days"), field="weekdays"),
        Column("dalle", _("The time the sessions start, as 16:30."), "16:30", True, aliases=("start_time",),
               field="start_time"),
        Column("alle", _("The time the sessions end, as 18:00."), "18:00", True, aliases=("end_time",),
               field="end_time"),
        Column("dal", _("The first day, as DD/MM/YYYY or YYYY-MM-DD."), "15/09/2026", True,
               aliases=("first_day", "from"), field="first_day"),
        Column("al", _("The last day, as DD/MM/YYYY or YYYY-MM-DD."), "12/06/2027", True,
               aliases=("last_day", "until"), field="last_day"),
        Column("posti", _("How many places (a whole number, at least 1)."), "20", True, aliases=("capacity",),
               field="capacity"),
        Column("eta_min", _("The lowest age; empty for any."), "6", aliases=("min_age", "età_min"), field="min_age"),
        Column("eta_max", _("The highest age; empty for any."), "11", aliases=("max_age", "età_max"),
               field="max_age"),
        Column("pubblica", _("sì to show it in the public calendar once published, no to keep it private."), "sì",
               aliases=("is_public", "public"), field="is_public"),
        Column("descrizione", _("What happens, for whom (public once published)."), "Compiti e merenda",
               aliases=("description",), field="description"),
    )
    title, list_label = _("Import activities"), _("Civic Center activities")
    intro = _("Upload a CSV file or an Excel workbook with one activity per row and its weekly schedule. The "
              "activities are recorded as drafts, with their sessions: publish them when ready.")
    all_or_nothing = _("The import is all or nothing: if any row has a problem, no activity is recorded and you get "
                       "the list of every problem, by row and column, to fix in the file.")
    template_csv_label = _("Download a CSV file with the columns and an example row")
    template_xlsx_label = _("Download an Excel file with the columns and an example row")
    columns_note = _("Column names may be in upper or lower case; columns that are not required may be left out.")
    columns_caption = _("The columns an activities file can have")
    recent_caption = _("The latest imports of activities of this network, newest first")
    job_title, saving_label = _("Activities import no. %(n)s"), _("saving the activities")
    done_label = _("Go to the activities")
    refused_message = _("You are no longer allowed to run activities here.")
    conflict_message = _("The activities changed while the import was running. Nothing was imported: start again.")
    command_refused = _("%(email)s may not import activities into %(network)s.")
    created_message = ngettext_lazy("%(n)s activity imported.", "%(n)s activities imported.", "n")
    # fmt: on

    def write(self, rows: list[Any], context: ImportContext) -> dict[str, int]:
        # Every space of the file held first, before the first activity's audit event (see services/bookings.py).
        hold_spaces(*(values.get("space") for values in rows))
        unbooked = 0
        for values in rows:
            activity = create_activity(actor=context.actor, network=context.network, data=values)
            if activity.space is not None:
                unbooked += len(unbooked_sessions(context.actor, activity))
        return {"sessions_unbooked": unbooked}

    def summary(self, result: dict[str, Any]) -> list[str]:
        unbooked = int(result.get("sessions_unbooked") or 0)
        lines = super().summary(result)
        if unbooked:
            lines.append(
                ngettext(
                    "%(n)s session could not book its space (already booked at that time, or outside its opening "
                    "hours): each activity's page lists them.",
                    "%(n)s sessions could not book their space (already booked at that time, or outside its opening "
                    "hours): each activity's page lists them.",
                    unbooked,
                )
                % {"n": unbooked}
            )
        return lines

    def template_rows(self, network: Any) -> list[list[Any]]:
        return [[column.example for column in self.columns]]


ACTIVITIES_IMPORT = ActivitiesImport()


def activity_export_rows(activities: Iterable[Activity]) -> Iterator[list[Any]]:
    """The ActivitiesImport columns of each activity (with organiser, place and space loaded): an export
    re-imports."""
    for activity in activities:
        yield [
            activity.title,
            KIND_WORDS.get(activity.kind, activity.kind),
            activity.organizer.name,
            activity.place.name,
            activity.space.name if activity.space else "",
            ", ".join(DAY_WORDS[Weekday(day)] for day in activity.weekdays),
            activity.start_time.strftime("%H:%M"),
            activity.end_time.strftime("%H:%M"),
            activity.first_day.strftime("%d/%m/%Y"),
            activity.last_day.strftime("%d/%m/%Y"),
            activity.capacity,
            "" if activity.min_age is None else activity.min_age,
            "" if activity.max_age is None else activity.max_age,
            "sì" if activity.is_public else "no",
            activity.description,
        ]


# --- enrolments -------------------------------------------------------------------------------------------


class _EnrollmentChecks:
    """The network's activities loaded once (by number and by title); each row checked as `enroll` would."""

    def __init__(self, context: ImportContext) -> None:
        self.context = context
        _no_actor(context)
        activities = list(Activity.objects.filter(network=context.network).select_related("network"))
        self.by_id = {activity.pk: activity for activity in activities}
        self.by_title: dict[str, list[Activity]] = {}
        for activity in activities:
            self.by_title.setdefault(fold(activity.title), []).append(activity)
        self.taken = set(
            Enrollment.objects.filter(network=context.network)
            .exclude(status="withdrawn")
            .values_list("activity_id", "person_id")
        )
        self.seen: dict[tuple[int, int], int] = {}

    def activity_of(self, row: RowCheck) -> Activity | None:
        cell = row.values["attivita"]
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)
        if cell is None or not str(cell).strip():
            row.error("attivita", gettext("Give the activity's number or title."))
            return None
        pk = parse_id(cell)
        found = [self.by_id[pk]] if pk in self.by_id else self.by_title.get(fold(str(cell)), [])
        if not found:
            row.error("attivita", gettext("No activity of the network has this number or title."))
            return None
        if len(found) > 1:
            row.error("attivita", gettext("Several activities have this title: give the number."))
            return None
        activity = found[0]
        refusal = enrollment_refusal(activity)
        if refusal is not None:
            row.error("attivita", " ".join(refusal.messages))
            return None
        if not may(self.context.actor, ENROLL_PEOPLE, activity, self.context.network):
            row.error("attivita", gettext("You may enrol people only in your organisation's activities."))
            return None
        return activity

    def check_row(self, row: RowCheck) -> dict[str, Any] | None:
        activity = self.activity_of(row)
        values = row.clean(ENROLLMENT_INPUTS, actor=self.context.actor)
        if values is None or activity is None or not row.ok:
            return None
        person = values["person"]
        key = (activity.pk, person.pk)
        if key in self.taken:
            row.error("persona", gettext("The person is already enrolled or waiting."))
            return None
        first = self.seen.setdefault(key, row.number)
        if first != row.number:
            row.error("persona", gettext("The same person and activity are already on row %(row)s.") % {"row": first})
            return None
        try:
            check_enrollment(self.context.actor, activity, person, values)
        except ValidationError as exc:
            columns = EnrollmentsImport.field_columns()
            for name, messages in exc.message_dict.items():
                for message in messages:
                    row.error(columns.get(name, "persona"), message)
            return None
        return {"activity": activity, "data": {**values, "person": person.pk}}

    def check_file(self) -> None:
        return None


class EnrollmentsImport(ImportDeclaration):
    """One enrolment per row: a place if one is free, else the waiting list, in the file's order."""

    kind, slug, namespace, nav = "enrollments_import", "enrollments", "activities", "activities"
    capability, model, template_filename = ENROLL_PEOPLE, Enrollment, "iscrizioni-modello"
    list_url_name = "activities:activities"
    checks = _EnrollmentChecks
    # fmt: off
    columns = (
        Column("attivita", _("The activity's number (as in the address of its page) or its title."), "12", True,
               aliases=("activity", "attività")),
        Column("persona", _("The person's codice fiscale, or their number in the registry."), "RSSMRA15A01D150X",
               True, aliases=("person", "codice_fiscale"), field="person"),
        Column("genitore", _("For a minor: the parent or guardian to call."), "Anna Rossi",
               aliases=("guardian_name", "guardian"), field="guardian_name"),
        Column("email_genitore", _("The guardian's e-mail."), "anna.rossi@example.org",
               aliases=("guardian_email",), field="guardian_email"),
        Column("telefono_genitore", _("The guardian's phone."), "0372 123456", aliases=("guardian_phone",),
               field="guardian_phone"),
        Column("consenso", _("sì when the person (or the guardian) agreed to the use of the data."), "sì", True,
               aliases=("consent",), field="consent"),
    )
    title, list_label = _("Import enrolments"), _("Civic Center activities")
    intro = _("Upload a CSV file or an Excel workbook with one enrolment per row. People get the free places in "
              "the file's order; the others go on the waiting list.")
    all_or_nothing = _("The import is all or nothing: if any row has a problem, nobody is enrolled and you get the "
                       "list of every problem, by row and column, to fix in the file.")
    template_csv_label = _("Download a CSV file with the columns and an example row")
    template_xlsx_label = _("Download an Excel file with the columns and an example row")
    columns_note = _("Column names may be in upper or lower case; columns that are not required may be left out. "
                     "People must be in the registry already.")
    columns_caption = _("The columns an enrolments file can have")
    recent_caption = _("The latest imports of enrolments of this network, newest first")
    job_title, saving_label = _("Enrolments import no. %(n)s"), _("saving the enrolments")
    done_label = _("Go to the activities")
    refused_message = _("You are no longer allowed to enrol people here.")
    conflict_message = _("The enrolments changed while the import was running. Nothing was imported: start again.")
    command_refused = _("%(email)s may not import enrolments into %(network)s.")
    created_message = ngettext_lazy("%(n)s enrolment imported.", "%(n)s enrolments imported.", "n")
    # fmt: on

    def write(self, rows: list[Any], context: ImportContext) -> dict[str, int]:
        waiting = 0
        for row in rows:
            try:
                enrollment = enroll(actor=context.actor, activity=row["activity"], data=row["data"])
            except ValidationError as exc:  # changed since the checks (an activity closed meanwhile)
                raise ImportFileError(" ".join(exc.messages)) from exc
            waiting += enrollment.status == "waitlisted"
        return {"waitlisted": waiting}

    def template_rows(self, network: Any) -> list[list[Any]]:
        return [[column.example for column in self.columns]]


ENROLLMENTS_IMPORT = EnrollmentsImport()


def enrollment_export_rows(enrollments: Iterable[Enrollment]) -> Iterator[list[Any]]:
    """The EnrollmentsImport columns of each enrolment (person loaded): an export re-imports into another year's."""
    for enrollment in enrollments:
        yield [
            enrollment.activity_id,
            enrollment.person.tax_code or enrollment.person_id,
            enrollment.guardian_name,
            enrollment.guardian_email,
            enrollment.guardian_phone,
            "sì" if enrollment.consent_at else "no",
        ]
