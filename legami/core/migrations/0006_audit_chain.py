"""The audit log becomes append-only and hash-chained (one chain per network, one for events with no network).

The events already written are sealed into their chains in (chain, created_at, id) order; then, on PostgreSQL,
triggers refuse any UPDATE or DELETE of an event except a foreign key set to NULL (a deleted user or network)
and the erasure of its personal content, and any move backwards of a chain's head.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

BATCH = 1000

APPEND_ONLY_SQL = """
CREATE FUNCTION legami_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    personal text[] := ARRAY['object_repr', 'before', 'after', 'note', 'salt', 'erased_at'];
    fks text[] := ARRAY['network_id', 'actor_id'];
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit events are append-only: DELETE refused (event %)', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- A deleted network or user: its foreign key becomes NULL, nothing else changes.
    IF (to_jsonb(NEW) - fks) = (to_jsonb(OLD) - fks)
       AND (NEW.network_id IS NULL OR NEW.network_id = OLD.network_id)
       AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id) THEN
        RETURN NEW;
    END IF;
    -- Erasure of the personal content (legami.core.audit.erase_personal_data): blanks only, once.
    IF (to_jsonb(NEW) - personal) = (to_jsonb(OLD) - personal)
       AND OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL
       AND NEW.object_repr = '' AND NEW.before IS NULL AND NEW.after IS NULL AND NEW.note = '' AND NEW.salt = '' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: UPDATE refused (event %)', OLD.id
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER legami_audit_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION legami_audit_append_only();

CREATE FUNCTION legami_audit_chain_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit chain heads cannot be deleted (%)', OLD.key USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.key <> OLD.key OR NEW.last_sequence < OLD.last_sequence
       OR (NEW.last_sequence = OLD.last_sequence AND NEW.last_hash <> OLD.last_hash) THEN
        RAISE EXCEPTION 'audit chain heads only move forward (%)', OLD.key USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER legami_audit_chain_forward BEFORE UPDATE OR DELETE ON core_auditchain
    FOR EACH ROW EXECUTE FUNCTION legami_audit_chain_forward();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS legami_audit_chain_forward ON core_auditchain;
DROP FUNCTION IF EXISTS legami_audit_chain_forward();
DROP TRIGGER IF EXISTS legami_audit_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS legami_audit_append_only();
"""


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL only (SQLite has no such triggers; the ORM's refusals still apply)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def seal_existing_events(apps, schema_editor):
    from legami.core import audit_chain

    event_model = apps.get_model("core", "AuditEvent")
    chain_model = apps.get_model("core", "AuditChain")
    manager = event_model._base_manager
    keys = {audit_chain.chain_key(network_id) for network_id in manager.values_list("network_id", flat=True).distinct()}
    ordered = []
    for key in sorted(keys):
        network_id = None if key == audit_chain.PLATFORM_CHAIN else int(key.split(":", 1)[1])
        ordered.append((key, network_id))
    for key, network_id in ordered:
        head = {"sequence": 0, "hash": audit_chain.GENESIS}
        rows = manager.filter(network_id=network_id).order_by("created_at", "id")
        batch = []
        for event in rows.iterator(chunk_size=BATCH):
            event.chain = key
            event.sequence = head["sequence"] + 1
            event.prev_hash = head["hash"]
            event.salt = audit_chain.new_salt()
            fields = {
                name: getattr(event, name) for name in audit_chain.VERIFIED_FIELDS if name not in ("id", "erased_at")
            }
            event.content_digest = audit_chain.content_digest(fields)
            fields["content_digest"] = event.content_digest
            event.entry_hash = audit_chain.entry_hash(fields)
            head = {"sequence": event.sequence, "hash": event.entry_hash}
            batch.append(event)
            if len(batch) >= BATCH:
                manager.bulk_update(batch, ["chain", "sequence", "prev_hash", "salt", "content_digest", "entry_hash"])
                batch = []
        if batch:
            manager.bulk_update(batch, ["chain", "sequence", "prev_hash", "salt", "content_digest", "entry_hash"])
        chain_model.objects.create(
            key=key,
            network_id=network_id,
            last_sequence=head["sequence"],
            last_hash=head["hash"],
        )
    if schema_editor.connection.vendor == "postgresql":
        # The ALTER TABLEs that follow refuse to run while deferred constraint checks are pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_used_form_stamp"),
        ("network", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "Created"),
                    ("update", "Updated"),
                    ("delete", "Deleted"),
                    ("read", "Read"),
                    ("export", "Exported"),
                    ("import", "Imported"),
                    ("invite", "Invited"),
                    ("login", "Logged in"),
                    ("login_failed", "Log-in refused"),
                    ("accept", "Accepted"),
                    ("revoke", "Revoked"),
                    ("verify", "Chain verified"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="created_at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, editable=False, verbose_name="when"
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(default="", editable=False, max_length=40, verbose_name="chain"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(default=0, editable=False, verbose_name="sequence"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="salt",
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="content_digest",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="entry_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="erased_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="personal data erased"),
        ),
        migrations.CreateModel(
            name="AuditChain",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=40, unique=True, verbose_name="chain")),
                ("last_sequence", models.PositiveBigIntegerField(default=0)),
                ("last_hash", models.CharField(max_length=64)),
                (
                    "network",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="network.network",
                        verbose_name="network",
                    ),
                ),
            ],
            options={"verbose_name": "audit chain", "verbose_name_plural": "audit chains"},
        ),
        migrations.RunPython(seal_existing_events, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("chain", "sequence"), name="core_auditevent_chain_sequence"),
        ),
        PostgresOnlySQL(APPEND_ONLY_SQL, DROP_SQL),
    ]
