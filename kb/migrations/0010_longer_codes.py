"""Codes up to 200 characters: Google Ads codes reach 150.

On PostgreSQL the search trigger depends on ``kb_errorcode.code``, so it is
dropped around the change of type and created again as 0002 made it."""

from django.db import migrations, models

DROP_TRIGGER = (
    "DROP TRIGGER IF EXISTS kb_errorcode_search_vector_update ON kb_errorcode"
)
CREATE_TRIGGER = """
CREATE TRIGGER kb_errorcode_search_vector_update
  BEFORE INSERT OR UPDATE OF code, title, summary, meaning, symptoms
  ON kb_errorcode FOR EACH ROW EXECUTE FUNCTION kb_errorcode_search_vector()
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


CODE_HELP = (
    'The provider\'s own code as it appears: "429", "card_declined", '
    '"ThrottlingException", "H12".'
)
SIGNATURE_CODE_HELP = "A code value found in the body (error.code, __type, reason, …)."


class Migration(migrations.Migration):
    dependencies = [("kb", "0009_knowledge_gaps")]

    operations = [
        migrations.RunPython(
            on_postgresql(DROP_TRIGGER), on_postgresql(CREATE_TRIGGER)
        ),
        migrations.AlterField(
            model_name="errorcode",
            name="code",
            field=models.CharField(help_text=CODE_HELP, max_length=200),
        ),
        migrations.AlterField(
            model_name="errorcode",
            name="code_key",
            field=models.CharField(
                editable=False,
                help_text="The code in lower case, for lookups.",
                max_length=200,
            ),
        ),
        migrations.AlterField(
            model_name="historicalerrorcode",
            name="code",
            field=models.CharField(help_text=CODE_HELP, max_length=200),
        ),
        migrations.AlterField(
            model_name="historicalsignature",
            name="code",
            field=models.CharField(
                blank=True, help_text=SIGNATURE_CODE_HELP, max_length=200
            ),
        ),
        migrations.AlterField(
            model_name="historicalsignature",
            name="code_key",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AlterField(
            model_name="knowledgegap",
            name="code",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name="signature",
            name="code",
            field=models.CharField(
                blank=True, help_text=SIGNATURE_CODE_HELP, max_length=200
            ),
        ),
        migrations.AlterField(
            model_name="signature",
            name="code_key",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.RunPython(
            on_postgresql(CREATE_TRIGGER), on_postgresql(DROP_TRIGGER)
        ),
    ]
