"""Fund receipts become private files: stored outside MEDIA_ROOT under unguessable names.

Receipts already uploaded (under MEDIA_ROOT, at fund-receipts/<year>/<month>/FF-00001.pdf, which
/media/ served to anyone) are copied into the private storage under a new name; the public copy
is deleted once the migration has committed.
"""

from functools import partial

from django.db import migrations, transaction

import portal.core.files


def _delete_public_copy(storage, name):
    try:
        storage.delete(name)
    except OSError:
        pass


def receipts_to_private_storage(apps, schema_editor):
    from django.core.files.storage import default_storage

    from portal.core.files import UnguessableName, private_storage

    FundRequest = apps.get_model("payments", "FundRequest")
    private = private_storage()
    new_name = UnguessableName("fund-receipts")
    for pk, name in FundRequest.objects.exclude(receipt="").values_list("pk", "receipt"):
        if not default_storage.exists(name):
            continue  # already private (or lost): nothing public to move
        with default_storage.open(name, "rb") as public_copy:
            stored = private.save(new_name(None, name), public_copy)
        FundRequest.objects.filter(pk=pk).update(receipt=stored)
        transaction.on_commit(partial(_delete_public_copy, default_storage, name))


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0004_fund_request_submission_key"),
    ]

    operations = [
        migrations.AlterField(
            model_name="fundrequest",
            name="receipt",
            field=portal.core.files.PrivateFileField(
                blank=True, upload_to=portal.core.files.UnguessableName("fund-receipts")
            ),
        ),
        migrations.RunPython(receipts_to_private_storage, migrations.RunPython.noop, elidable=True),
    ]
