"""PostgreSQL only: a trigram index for searching a process's proposals by the words of their title and text.

The proposal list matches each search word with `icontains` on one expression (see
legami.participation.selectors.proposals.search_expression); pg_trgm lets PostgreSQL answer
`UPPER(expression) LIKE '%WORD%'` from an index instead of reading every proposal's text. SQLite and databases
where the extension cannot be created skip it: search still works, by scanning.
"""

import logging

from django.db import DatabaseError, migrations, transaction
from django.db.models import TextField, Value
from django.db.models.functions import Concat, Upper
from django.db.models.sql import Query

logger = logging.getLogger(__name__)

INDEX = "proposal_search_trgm"


def _search_expression():
    # A copy of search_expression() at the time of this migration: migrations do not import app code.
    return Concat("title", Value(" "), "body", output_field=TextField())


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        logger.warning("pg_trgm is not available: proposal search will scan instead of using an index")
        return
    Proposal = apps.get_model("participation", "Proposal")
    # Compiled the way Django compiles it in queries (unqualified columns, as in index DDL), so that the planner
    # recognises the query's expression as the indexed one.
    query = Query(Proposal, alias_cols=False)
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.compile(Upper(_search_expression()).resolve_expression(query))
    sql = sql % tuple(schema_editor.quote_value(p) for p in params)
    table = schema_editor.quote_name(Proposal._meta.db_table)
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} USING gin (({sql}) gin_trgm_ops)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
