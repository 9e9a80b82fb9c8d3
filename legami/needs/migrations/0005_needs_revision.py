"""A per-network revision of the needs, bumped by triggers on every write (legami.needs.selectors.map caches on it).

PostgreSQL: statement-level triggers with transition tables (one bump per statement and network, however many
rows), a sequence for the values (never reused, not even after a rollback), and a TRUNCATE trigger. SQLite: row
triggers with random values (a rolled-back transaction would give a counter's values again).
"""

from django.db import migrations, models

POSTGRES_FORWARD = """
CREATE SEQUENCE needs_revision_seq;
CREATE FUNCTION needs_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    UPDATE needs_needsrevision SET revision = nextval('needs_revision_seq');
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO needs_needsrevision (network_id, revision)
      SELECT network_id, nextval('needs_revision_seq') FROM (SELECT DISTINCT network_id FROM new_rows ORDER BY 1) s
      ON CONFLICT (network_id) DO UPDATE SET revision = EXCLUDED.revision;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO needs_needsrevision (network_id, revision)
      SELECT network_id, nextval('needs_revision_seq')
      FROM (SELECT network_id FROM new_rows UNION SELECT network_id FROM old_rows ORDER BY 1) s
      ON CONFLICT (network_id) DO UPDATE SET revision = EXCLUDED.revision;
  ELSE
    INSERT INTO needs_needsrevision (network_id, revision)
      SELECT network_id, nextval('needs_revision_seq') FROM (SELECT DISTINCT network_id FROM old_rows ORDER BY 1) s
      ON CONFLICT (network_id) DO UPDATE SET revision = EXCLUDED.revision;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER needs_need_revision_insert AFTER INSERT ON needs_need
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION needs_bump_revision();
CREATE TRIGGER needs_need_revision_update AFTER UPDATE ON needs_need
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION needs_bump_revision();
CREATE TRIGGER needs_need_revision_delete AFTER DELETE ON needs_need
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION needs_bump_revision();
CREATE TRIGGER needs_need_revision_truncate AFTER TRUNCATE ON needs_need
  FOR EACH STATEMENT EXECUTE FUNCTION needs_bump_revision();
INSERT INTO needs_needsrevision (network_id, revision)
  SELECT network_id, nextval('needs_revision_seq') FROM (SELECT DISTINCT network_id FROM needs_need ORDER BY 1) s;
"""

POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS needs_need_revision_insert ON needs_need;
DROP TRIGGER IF EXISTS needs_need_revision_update ON needs_need;
DROP TRIGGER IF EXISTS needs_need_revision_delete ON needs_need;
DROP TRIGGER IF EXISTS needs_need_revision_truncate ON needs_need;
DROP FUNCTION IF EXISTS needs_bump_revision();
DROP SEQUENCE IF EXISTS needs_revision_seq;
"""

# random() & (2**53 - 1): never negative (abs(random()) can overflow), exact in a float.
_SQLITE_BUMP = """
  INSERT OR IGNORE INTO needs_needsrevision (network_id, revision) VALUES ({row}.network_id, 0);
  UPDATE needs_needsrevision SET revision = (random() & 9007199254740991) WHERE network_id = {row}.network_id;"""

SQLITE_FORWARD = [
    f"CREATE TRIGGER needs_need_revision_insert AFTER INSERT ON needs_need FOR EACH ROW BEGIN"
    f"{_SQLITE_BUMP.format(row='NEW')}\nEND;",
    f"CREATE TRIGGER needs_need_revision_update AFTER UPDATE ON needs_need FOR EACH ROW BEGIN"
    f"{_SQLITE_BUMP.format(row='NEW')}{_SQLITE_BUMP.format(row='OLD')}\nEND;",
    f"CREATE TRIGGER needs_need_revision_delete AFTER DELETE ON needs_need FOR EACH ROW BEGIN"
    f"{_SQLITE_BUMP.format(row='OLD')}\nEND;",
    "INSERT INTO needs_needsrevision (network_id, revision)"
    " SELECT DISTINCT network_id, (random() & 9007199254740991) FROM needs_need",
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS needs_need_revision_insert;",
    "DROP TRIGGER IF EXISTS needs_need_revision_update;",
    "DROP TRIGGER IF EXISTS needs_need_revision_delete;",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)
    else:  # pragma: no cover - legami runs on PostgreSQL and SQLite only
        raise NotImplementedError(f"needs revision triggers for {vendor}")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("needs", "0004_encrypt_contacts")]

    operations = [
        migrations.CreateModel(
            name="NeedsRevision",
            fields=[
                ("network_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("revision", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "needs revision", "verbose_name_plural": "needs revisions"},
        ),
        migrations.RunPython(forwards, backwards),
    ]
