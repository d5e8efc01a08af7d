"""Give every queue item a UUID: the API names rows by UUID, never by their integer key.

Three steps, so that existing rows each get their own value: add the column without the
unique constraint, fill it row by row, then make it unique and required.
"""

import uuid

from django.db import migrations, models


def fill_uuids(apps, schema_editor):
    AnnotationCandidate = apps.get_model("language", "AnnotationCandidate")
    batch = []
    for candidate in AnnotationCandidate.objects.filter(uuid__isnull=True).only("pk").iterator(chunk_size=2000):
        candidate.uuid = uuid.uuid4()
        batch.append(candidate)
        if len(batch) >= 2000:
            AnnotationCandidate.objects.bulk_update(batch, ["uuid"])
            batch = []
    if batch:
        AnnotationCandidate.objects.bulk_update(batch, ["uuid"])


class Migration(migrations.Migration):

    dependencies = [
        ("language", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="annotationcandidate",
            name="uuid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="annotationcandidate",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
