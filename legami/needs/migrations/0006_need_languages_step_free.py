"""What a need asks of whoever helps: a language in common and step-free access (the matching engine's hard rules).

On SQLite, adding the columns rebuilds the needs table, which drops its triggers: the revision triggers of
0005 are created again on the new table.
"""

from importlib import import_module

from django.db import migrations, models

revision = import_module("legami.needs.migrations.0005_needs_revision")
_NEED_TRIGGERS = [statement for statement in revision.SQLITE_FORWARD[:3]]
_DROP = [f"DROP TRIGGER IF EXISTS needs_need_revision_{event};" for event in ("insert", "update", "delete")]


def recreate_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in (*_DROP, *_NEED_TRIGGERS):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("needs", "0005_needs_revision"),
    ]

    operations = [
        migrations.AddField(
            model_name="need",
            name="languages",
            field=models.JSONField(blank=True, default=list, verbose_name="languages spoken"),
        ),
        migrations.AddField(
            model_name="need",
            name="step_free",
            field=models.BooleanField(default=False, verbose_name="needs step-free access"),
        ),
        migrations.RunPython(recreate_sqlite_triggers, migrations.RunPython.noop),
    ]
