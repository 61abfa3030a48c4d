"""Rebuild the search index from the database, with a progress bar.

With the database backend the tables are the index, so this only walks the indexable rows.
Wagtail's page index has its own command: ``manage.py update_index``.
"""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from search.backends import get_backend
from search.indexing import MODEL_LABELS, indexable_queryset

BATCH = 500


class Command(BaseCommand):
    help = "Re-create the opportunity and participant search indexes from the database."

    def add_arguments(self, parser):
        parser.add_argument("--model", choices=MODEL_LABELS, help="Only this model")

    def handle(self, *args, model=None, **options):
        backend = get_backend()
        for label in [model] if model else MODEL_LABELS:
            qs = indexable_queryset(label)
            total = qs.count()
            backend.reset(label)
            sent = 0
            with tqdm(total=total, desc=label, unit="doc", file=self.stderr, disable=options["verbosity"] == 0) as bar:
                batch = []
                for obj in qs.iterator(chunk_size=BATCH):
                    batch.append(obj)
                    if len(batch) >= BATCH:
                        sent += backend.index_many(label, batch)
                        bar.update(len(batch))
                        batch = []
                if batch:
                    sent += backend.index_many(label, batch)
                    bar.update(len(batch))
            self.stdout.write(f"{label}: {sent} indexed ({backend.name} backend)")
        backend.refresh()
