from django.db import migrations

from khuyencong.core.search_index import CreateSearchIndex


class Migration(migrations.Migration):
    dependencies = [("products", "0001_initial")]

    operations = [CreateSearchIndex("product")]
