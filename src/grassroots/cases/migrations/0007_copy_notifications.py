"""Notifications moved to their own app: copy the inbox rows there (cases 0008 then drops this table).

Kept apart from the drop so the copy commits on its own (PostgreSQL refuses to alter a table with pending
trigger events in the same transaction). Ids are kept, since API clients mark a notice read by its id, and
the new table's id sequence is moved past them. A notice about a case gets the case page as its link and the
case number as its reference; the others keep their link and get a topic from where it points. One
INSERT … SELECT keeps a large inbox inside the database; the SQL is the same on SQLite and PostgreSQL.
"""

from django.core.management.color import no_style
from django.db import migrations

# The LIKE patterns go as parameters: a literal % would be read as a placeholder marker by the drivers.
TOPIC = """CASE
    WHEN n.case_id IS NOT NULL THEN 'cases.progress'
    WHEN n.link LIKE %s THEN 'risk.warning'
    WHEN n.link LIKE %s THEN 'sharing.grant'
    WHEN n.link LIKE %s THEN 'sharing.request'
    ELSE '' END"""
PATTERNS = ["/risk/%", "/sharing/grants/%", "/sharing/%"]


def _reset_sequence(schema_editor, model) -> None:
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    new = apps.get_model("notifications", "Notification")
    schema_editor.execute(
        "INSERT INTO notifications_notification (id, user_id, topic, ref, message, link, created_at, read_at) "
        f"SELECT n.id, n.user_id, {TOPIC}, COALESCE(c.number, ''), n.message, "
        "CASE WHEN n.case_id IS NULL THEN n.link ELSE '/cases/' || CAST(n.case_id AS VARCHAR(20)) || '/' END, "
        "n.created_at, n.read_at "
        "FROM cases_notification n LEFT JOIN cases_case c ON c.id = n.case_id",
        PATTERNS,
    )
    _reset_sequence(schema_editor, new)


def backwards(apps, schema_editor):
    """Back into cases: a notice whose reference is a case number is tied to that case again."""
    old = apps.get_model("cases", "Notification")
    schema_editor.execute("DELETE FROM cases_notification")
    schema_editor.execute(
        "INSERT INTO cases_notification (id, user_id, case_id, message, link, created_at, read_at) "
        "SELECT n.id, n.user_id, c.id, n.message, CASE WHEN c.id IS NULL THEN n.link ELSE '' END, "
        "n.created_at, n.read_at "
        "FROM notifications_notification n LEFT JOIN cases_case c ON c.number = n.ref AND n.ref <> ''"
    )
    schema_editor.execute("DELETE FROM notifications_notification")
    _reset_sequence(schema_editor, old)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0006_public_feed"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
