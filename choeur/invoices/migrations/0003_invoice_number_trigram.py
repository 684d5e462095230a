"""A trigram index for the substring search on invoice numbers (`number__icontains`, which
PostgreSQL runs as UPPER(number) LIKE UPPER('%…%')): PostgreSQL only, pg_trgm being one of its
extensions; other databases keep the sequential search. Not in the model's Meta, so the model
state is the same on every database."""

from django.db import migrations

INDEX = "invoice_number_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    table = schema_editor.quote_name(apps.get_model("invoices", "Invoice")._meta.db_table)
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS {INDEX} ON {table} USING gin (UPPER("number") gin_trgm_ops)'
    )
    # Statistics on the indexed expression, without which the planner guesses the search matches
    # many rows and walks the date index instead (an ANALYZE samples a bounded number of rows).
    schema_editor.execute(f"ANALYZE {table}")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('invoices', '0002_list_indexes'),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
