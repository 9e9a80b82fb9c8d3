"""Contacts of needs and of survey respondents, encrypted at rest (see legami.core.migration_ops)."""

from django.db import migrations, models

import legami.core.fields
from legami.core.migration_ops import encrypt_columns

NEED = ("contact_name", "contact_email", "contact_phone")
RESPONSE = ("contact_name", "contact_email")
LENGTHS = {"contact_name": 200, "contact_email": 254, "contact_phone": 30}
LABELS = {"contact_name": "contact name", "contact_email": "contact e-mail", "contact_phone": "contact phone"}


def _as(field_class, model_name, names):
    return [
        migrations.AlterField(
            model_name=model_name,
            name=name,
            field=field_class(blank=True, max_length=LENGTHS[name], verbose_name=LABELS[name]),
        )
        for name in names
    ]


class Migration(migrations.Migration):
    dependencies = [("needs", "0003_area_restrict")]

    operations = [
        *_as(models.TextField, "need", NEED),
        *_as(models.TextField, "surveyresponse", RESPONSE),
        encrypt_columns("needs", "Need", NEED),
        encrypt_columns("needs", "SurveyResponse", RESPONSE),
        *_as(legami.core.fields.EncryptedTextField, "need", NEED),
        *_as(legami.core.fields.EncryptedTextField, "surveyresponse", RESPONSE),
    ]
