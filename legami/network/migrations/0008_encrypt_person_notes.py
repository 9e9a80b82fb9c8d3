"""A person's notes, encrypted at rest (see legami.core.migration_ops)."""

from django.db import migrations

import legami.core.fields
from legami.core.migration_ops import encrypt_columns


class Migration(migrations.Migration):
    dependencies = [("network", "0007_field_labels")]

    operations = [
        encrypt_columns("network", "Person", ("notes",)),
        migrations.AlterField(
            model_name="person",
            name="notes",
            field=legami.core.fields.EncryptedTextField(blank=True, verbose_name="notes"),
        ),
    ]
