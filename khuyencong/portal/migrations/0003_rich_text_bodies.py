"""Article bodies become rich text: each stored plain-text paragraph becomes an escaped <p>.

The conversion is written out here rather than imported, so later changes to the rich-text helpers
cannot change what this migration did. It reproduces how the page showed a plain body: blocks split
on a blank line, whitespace inside a block collapsed, every character escaped.
"""

import html

from django.db import migrations
from django.utils.html import escape, strip_tags


def to_paragraphs(apps, schema_editor):
    Article = apps.get_model("portal", "Article")
    for pk, body in Article.objects.values_list("pk", "body").iterator():
        if body.lstrip().startswith("<p>"):
            continue
        blocks = [" ".join(block.split()) for block in body.split("\n\n") if block.strip()]
        Article.objects.filter(pk=pk).update(body="".join(f"<p>{escape(block)}</p>" for block in blocks))


def to_plain_text(apps, schema_editor):
    Article = apps.get_model("portal", "Article")
    for pk, body in Article.objects.values_list("pk", "body").iterator():
        text = body.replace("</p>", "\n\n").replace("<br>", "\n")
        Article.objects.filter(pk=pk).update(body=html.unescape(strip_tags(text)).strip())


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_search_index")]

    operations = [migrations.RunPython(to_paragraphs, to_plain_text)]
