"""The monthly totals of the time bank (TransferMonth), filled from the transfers already posted."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone


def fill(apps, schema_editor):
    # The rule of legami.exchange.services.timebank.counted_months, copied: migrations do not import app code.
    # Confirmed transfers that are no reversals, by the month they were posted in the site's time zone.
    Transfer = apps.get_model("exchange", "Transfer")
    TransferMonth = apps.get_model("exchange", "TransferMonth")
    month = TruncMonth("posted_at", output_field=models.DateField(), tzinfo=timezone.get_default_timezone())
    rows = (
        Transfer.objects.filter(status="confirmed", reverses__isnull=True)
        .annotate(month=month)
        .values("network_id", "month")
        .annotate(minutes=Sum("total_minutes"), transfers=Count("id"))
        .order_by("network_id", "month")
    )
    TransferMonth.objects.bulk_create([TransferMonth(**row) for row in rows], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0004_spaces_go_with_their_network"),
        ("network", "0009_person_anonymised_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="TransferMonth",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(verbose_name="month")),
                ("minutes", models.BigIntegerField(default=0, verbose_name="minutes")),
                ("transfers", models.BigIntegerField(default=0, verbose_name="transfers")),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="time_months",
                        to="network.network",
                        verbose_name="network",
                    ),
                ),
            ],
            options={
                "verbose_name": "time bank month",
                "verbose_name_plural": "time bank months",
                "ordering": ["network", "month"],
                "constraints": [
                    models.UniqueConstraint(fields=("network", "month"), name="transfermonth_one_per_month")
                ],
            },
        ),
        # Reversed, the table goes: nothing to undo.
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
