"""A per-network revision of the needs map's sources, bumped by triggers on every write (the map caches on it).

PostgreSQL: statement-level triggers with transition tables (one bump per statement and network, however many
rows), a sequence for the values (never reused, not even after a rollback), and a TRUNCATE trigger. SQLite: row
triggers with random values (a rolled-back transaction would give a counter's values again).
"""

from django.db import migrations, models

# Besides the needs, what the map reads from other tables (names, positions, districts): any change there gives
# the network a new revision too, so figures cached under a revision are exactly those of the database.
NETWORK_TABLES = ("needs_needarea", "territory_neighbourhood", "territory_place", "territory_networkmunicipality")

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
CREATE FUNCTION needs_bump_all_revisions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE needs_needsrevision SET revision = nextval('needs_revision_seq');
  RETURN NULL;
END $$;
CREATE TRIGGER territory_municipality_needs_revision AFTER INSERT OR UPDATE OR DELETE ON territory_municipality
  FOR EACH STATEMENT EXECUTE FUNCTION needs_bump_all_revisions();
"""

# The same three triggers on each of NETWORK_TABLES ("@table" stands for the table's name).
POSTGRES_TABLE_TRIGGERS = """
CREATE TRIGGER @table_needs_revision_insert AFTER INSERT ON @table
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION needs_bump_revision();
CREATE TRIGGER @table_needs_revision_update AFTER UPDATE ON @table
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION needs_bump_revision();
CREATE TRIGGER @table_needs_revision_delete AFTER DELETE ON @table
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION needs_bump_revision();
"""

POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS needs_need_revision_insert ON needs_need;
DROP TRIGGER IF EXISTS needs_need_revision_update ON needs_need;
DROP TRIGGER IF EXISTS needs_need_revision_delete ON needs_need;
DROP TRIGGER IF EXISTS needs_need_revision_truncate ON needs_need;
DROP TRIGGER IF EXISTS territory_municipality_needs_revision ON territory_municipality;
DROP FUNCTION IF EXISTS needs_bump_all_revisions();
DROP FUNCTION IF EXISTS needs_bump_revision();
DROP SEQUENCE IF EXISTS needs_revision_seq;
"""

# random() & (2**53 - 1): never negative (abs(random()) can overflow), exact in a float.
_SQLITE_BUMP = """
  INSERT OR IGNORE INTO needs_needsrevision (network_id, revision) VALUES ({row}.network_id, 0);
  UPDATE needs_needsrevision SET revision = (random() & 9007199254740991) WHERE network_id = {row}.network_id;"""


def _sqlite_triggers(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_needs_revision_insert AFTER INSERT ON {table} FOR EACH ROW BEGIN"
        f"{_SQLITE_BUMP.format(row='NEW')}\nEND;",
        f"CREATE TRIGGER {table}_needs_revision_update AFTER UPDATE ON {table} FOR EACH ROW BEGIN"
        f"{_SQLITE_BUMP.format(row='NEW')}{_SQLITE_BUMP.format(row='OLD')}\nEND;",
        f"CREATE TRIGGER {table}_needs_revision_delete AFTER DELETE ON {table} FOR EACH ROW BEGIN"
        f"{_SQLITE_BUMP.format(row='OLD')}\nEND;",
    ]


SQLITE_FORWARD = [
    f"CREATE TRIGGER needs_need_revision_insert AFTER INSERT ON needs_need FOR EACH ROW BEGIN"
    f"{_SQLITE_BUMP.format(row='NEW')}\nEND;",
    f"CREATE TRIGGER needs_need_revision_update AFTER UPDATE ON needs_need FOR EACH ROW BEGIN"
    f"{_SQLITE_BUMP.format(row='NEW')}{_SQLITE_BUMP.format(row='OLD')}\nEND;",
    f"CREATE TRIGGER needs_need_revision_delete AFTER DELETE ON needs_need FOR EACH ROW BEGIN"
    f"{_SQLITE_BUMP.format(row='OLD')}\nEND;",
    "INSERT INTO needs_needsrevision (network_id, revision)"
    " SELECT DISTINCT network_id, (random() & 9007199254740991) FROM needs_need",
    *(statement for table in NETWORK_TABLES for statement in _sqlite_triggers(table)),
    *(
        "CREATE TRIGGER territory_municipality_needs_revision_@event AFTER @EVENT ON territory_municipality"
        " FOR EACH ROW BEGIN UPDATE needs_needsrevision SET revision = (random() & 9007199254740991); END;".replace(
            "@event", event.lower()
        ).replace("@EVENT", event)
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
]

SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {table}_{name};"
    for table in ("needs_need", *NETWORK_TABLES)
    for name in ("needs_revision_insert", "needs_revision_update", "needs_revision_delete")
] + [
    "DROP TRIGGER IF EXISTS needs_need_revision_insert;",
    "DROP TRIGGER IF EXISTS needs_need_revision_update;",
    "DROP TRIGGER IF EXISTS needs_need_revision_delete;",
    *(f"DROP TRIGGER IF EXISTS territory_municipality_needs_revision_{e};" for e in ("insert", "update", "delete")),
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
        for table in NETWORK_TABLES:
            schema_editor.execute(POSTGRES_TABLE_TRIGGERS.replace("@table", table))
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)
    else:  # pragma: no cover - legami runs on PostgreSQL and SQLite only
        raise NotImplementedError(f"needs revision triggers for {vendor}")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in NETWORK_TABLES:
            for name in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_needs_revision_{name} ON {table}")
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("needs", "0004_encrypt_contacts"), ("territory", "0003_field_labels")]

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
