"""Shared spaces and their bookings.

On PostgreSQL a booking that holds its slot (requested or confirmed) may not overlap another of the same space:
an exclusion constraint over (space, time range), which needs the btree_gist extension (trusted since PG 13).
It is the guarantee under concurrent requests; the service checks first only to give a clear message. SQLite
has no such constraint: there the service serialises its check and its insert (legami.exchange.services.bookings).
"""

import django.core.validators
import django.db.models.deletion
import legami.core.fields
import legami.exchange.models
from django.conf import settings
from django.db import migrations, models

CONSTRAINT = "booking_no_overlap"


def create_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # No fallback: without the extension there would be no guarantee against double bookings.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    table = schema_editor.quote_name(apps.get_model("exchange", "Booking")._meta.db_table)
    schema_editor.execute(
        f"ALTER TABLE {table} ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(space_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (status IN ('requested', 'confirmed'))"
    )


def drop_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("exchange", "Booking")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0002_timebank"),
        ("network", "0009_person_anonymised_at"),
        ("territory", "0003_field_labels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Booking",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                ("starts_at", models.DateTimeField(verbose_name="starts at")),
                ("ends_at", models.DateTimeField(verbose_name="ends at")),
                ("title", models.CharField(max_length=200, verbose_name="what for")),
                ("is_public_event", models.BooleanField(default=False, verbose_name="public event")),
                (
                    "people",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MinValueValidator(1)], verbose_name="people expected"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("requested", "Requested"),
                            ("confirmed", "Confirmed"),
                            ("refused", "Refused"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="requested",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "contact_name",
                    legami.core.fields.EncryptedTextField(blank=True, max_length=200, verbose_name="contact name"),
                ),
                (
                    "contact_phone",
                    legami.core.fields.EncryptedTextField(blank=True, max_length=30, verbose_name="contact phone"),
                ),
                (
                    "booked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="space_bookings",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="booked by",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="bookings",
                        to="network.network",
                        verbose_name="network",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="space_bookings",
                        to="network.organization",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "booking",
                "verbose_name_plural": "bookings",
                "ordering": ["starts_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="BookingEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="when")),
                (
                    "from_status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("requested", "Requested"),
                            ("confirmed", "Confirmed"),
                            ("refused", "Refused"),
                            ("cancelled", "Cancelled"),
                        ],
                        max_length=20,
                        verbose_name="from",
                    ),
                ),
                (
                    "to_status",
                    models.CharField(
                        choices=[
                            ("requested", "Requested"),
                            ("confirmed", "Confirmed"),
                            ("refused", "Refused"),
                            ("cancelled", "Cancelled"),
                        ],
                        max_length=20,
                        verbose_name="to",
                    ),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "booking",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="exchange.booking",
                        verbose_name="booking",
                    ),
                ),
            ],
            options={
                "verbose_name": "booking event",
                "verbose_name_plural": "booking events",
                "ordering": ["created_at", "id"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="BookingSeries",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "weekday",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MaxValueValidator(6)], verbose_name="weekday"
                    ),
                ),
                ("start_time", models.TimeField(verbose_name="from")),
                ("end_time", models.TimeField(verbose_name="to")),
                ("starts_on", models.DateField(verbose_name="first day")),
                ("until", models.DateField(verbose_name="until")),
                ("exceptions", models.JSONField(blank=True, default=list, verbose_name="dates skipped")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="booking_series",
                        to="network.network",
                        verbose_name="network",
                    ),
                ),
            ],
            options={
                "verbose_name": "weekly booking",
                "verbose_name_plural": "weekly bookings",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.AddField(
            model_name="booking",
            name="series",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="bookings",
                to="exchange.bookingseries",
                verbose_name="weekly booking",
            ),
        ),
        migrations.CreateModel(
            name="Space",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                (
                    "capacity",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(5000),
                        ],
                        verbose_name="capacity (people)",
                    ),
                ),
                ("opening_hours", models.JSONField(blank=True, default=list, verbose_name="opening hours")),
                ("rules", models.TextField(blank=True, verbose_name="rules of use")),
                (
                    "approval_required",
                    models.BooleanField(
                        default=True,
                        help_text="A manager confirms each booking.",
                        verbose_name="bookings need approval",
                    ),
                ),
                (
                    "step_free",
                    models.BooleanField(
                        default=False,
                        help_text="Reachable and usable without steps (wheelchairs).",
                        verbose_name="step-free access",
                    ),
                ),
                (
                    "is_public",
                    models.BooleanField(
                        default=False,
                        help_text="Anyone may read when the space is taken (never who booked it).",
                        verbose_name="public calendar",
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="bookable")),
                (
                    "feed_token",
                    models.CharField(
                        default=legami.exchange.models.new_feed_token,
                        max_length=64,
                        unique=True,
                        verbose_name="calendar feed key",
                    ),
                ),
                (
                    "manager",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="managed_spaces",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="manager",
                    ),
                ),
                (
                    "manager_organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="managed_spaces",
                        to="network.organization",
                        verbose_name="managing organisation",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="spaces",
                        to="network.network",
                        verbose_name="network",
                    ),
                ),
                (
                    "place",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="spaces",
                        to="territory.place",
                        verbose_name="place",
                    ),
                ),
            ],
            options={
                "verbose_name": "space",
                "verbose_name_plural": "spaces",
                "ordering": ["name", "id"],
            },
        ),
        migrations.AddField(
            model_name="bookingseries",
            name="space",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="series",
                to="exchange.space",
                verbose_name="space",
            ),
        ),
        migrations.AddField(
            model_name="booking",
            name="space",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="bookings",
                to="exchange.space",
                verbose_name="space",
            ),
        ),
        migrations.AddConstraint(
            model_name="space",
            constraint=models.CheckConstraint(condition=models.Q(("capacity__gte", 1)), name="space_capacity_positive"),
        ),
        migrations.AddConstraint(
            model_name="bookingseries",
            constraint=models.CheckConstraint(condition=models.Q(("weekday__lte", 6)), name="booking_series_weekday"),
        ),
        migrations.AddConstraint(
            model_name="bookingseries",
            constraint=models.CheckConstraint(
                condition=models.Q(("end_time__gt", models.F("start_time"))), name="booking_series_times"
            ),
        ),
        migrations.AddConstraint(
            model_name="bookingseries",
            constraint=models.CheckConstraint(
                condition=models.Q(("until__gte", models.F("starts_on"))), name="booking_series_dates"
            ),
        ),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(fields=["space", "starts_at"], name="booking_space_start"),
        ),
        migrations.AddConstraint(
            model_name="booking",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_at__gt", models.F("starts_at"))), name="booking_ends_after_start"
            ),
        ),
        migrations.AddConstraint(
            model_name="booking",
            constraint=models.CheckConstraint(condition=models.Q(("people__gte", 1)), name="booking_people_positive"),
        ),
        migrations.RunPython(create_exclusion, drop_exclusion, elidable=False),
    ]
