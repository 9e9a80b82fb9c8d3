"""Give every existing network the standard need areas it lacks (new networks get them on creation)."""

from django.db import migrations


def seed_default_areas(apps, schema_editor):
    # The historical models, and a copy of the list as it is today: a data migration must not
    # call the services, which follow the current models.
    from legami.needs.taxonomy import DEFAULT_AREAS

    Network = apps.get_model("network", "Network")
    NeedArea = apps.get_model("needs", "NeedArea")
    for network in Network.objects.all().iterator():
        existing = list(NeedArea.objects.filter(network=network).values_list("code", "name"))
        codes = {code for code, _name in existing}
        names = {name.casefold() for _code, name in existing}
        top = max((area.position for area in NeedArea.objects.filter(network=network)), default=0)
        missing = [row for row in DEFAULT_AREAS if row[0] not in codes and row[1].casefold() not in names]
        NeedArea.objects.bulk_create(
            NeedArea(network=network, code=code, name=name, description=description, position=top + index)
            for index, (code, name, description) in enumerate(missing, start=1)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("needs", "0001_initial"),
        ("network", "0007_field_labels"),
    ]

    operations = [migrations.RunPython(seed_default_areas, migrations.RunPython.noop)]
