"""Rebuild the search index from the database, with a progress bar.

With the database backend the tables are the index, so this only walks the indexable rows.
Wagtail's page index has its own command: ``manage.py update_index``.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from search.backends import get_backend
from search.backends.base import SearchUnavailable
from search.indexing import MODEL_LABELS, indexable_queryset
from search.models import PendingIndexUpdate

BATCH = 500


class Command(BaseCommand):
    help = "Re-create the opportunity and participant search indexes from the database."

    def add_arguments(self, parser):
        parser.add_argument("--model", choices=MODEL_LABELS, help="Only this model")

    def handle(self, *args, model=None, **options):
        try:
            self._rebuild(model, options["verbosity"])
        except SearchUnavailable as exc:
            raise CommandError(f"{exc}: the rebuild stopped. Check ELASTICSEARCH_URL and run it again.") from exc

    def _rebuild(self, model, verbosity):
        backend = get_backend()
        for label in [model] if model else MODEL_LABELS:
            started = timezone.now()
            qs = indexable_queryset(label)
            total = qs.count()
            backend.reset(label)
            sent = 0
            with tqdm(total=total, desc=label, unit="doc", file=self.stderr, disable=verbosity == 0) as bar:
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
            # what was pending before the rebuild read the table is in the index now
            PendingIndexUpdate.objects.filter(model_label=label, changed_at__lt=started).delete()
            self.stdout.write(f"{label}: {sent} indexed ({backend.name} backend)")
        backend.refresh()
