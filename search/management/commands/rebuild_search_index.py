"""`manage.py rebuild_search_index`: the search index made again from the content."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from search import index


class Command(BaseCommand):
    help = (
        "Rebuild the search index from scratch: every episode (with its chapters), person, "
        "paper, post and topic gets its entry written again. The index follows every save "
        "on its own, so this is for after a `loaddata` or raw SQL changes (which send no "
        "signals), a restored backup, or an upgrade that changes what is indexed. It runs "
        "in one transaction: searches keep seeing the old index until the new one is "
        "complete, and a failure leaves the old one as it was. Progress is printed per "
        "thousand objects; --verbosity 0 prints nothing but errors."
    )

    def handle(self, *args, verbosity, **options):
        started = time.monotonic()
        progress = self.progress if verbosity >= 1 else None
        with transaction.atomic():
            counts = index.rebuild(progress=progress)
        if verbosity >= 1:
            parts = ", ".join(f"{n:,} {kind}" for kind, n in counts.items())
            seconds = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(
                    f"Search index rebuilt in {seconds:.1f} s: {sum(counts.values()):,} "
                    f"entries ({parts})."
                )
            )

    def progress(self, kind, done, total):
        self.stdout.write(f"Indexed {done:,} of {total:,} {kind}...")
