"""Guides' stored HTML rendered again: headings (h2-h4, with ids) are now kept by
the sanitiser, and a load skips guides whose text did not change, so guides
stored before would keep showing their headings as plain lines."""

from django.db import migrations


def render_guides_again(apps, schema_editor):
    from kb.markdown import render_markdown

    Guide = apps.get_model("kb", "Guide")
    for guide in Guide.objects.only("pk", "body", "body_html"):
        html = render_markdown(guide.body)
        if html != guide.body_html:
            Guide.objects.filter(pk=guide.pk).update(body_html=html)


class Migration(migrations.Migration):
    dependencies = [("kb", "0011_safe_urls")]

    operations = [
        migrations.RunPython(render_guides_again, migrations.RunPython.noop),
    ]
