"""`manage.py import_feed <URL-or-file>`: a podcast's RSS feed in the database.

The rules the import follows are in episodes/importers/feed.py; the admin's "Import a
podcast feed" page runs the same code.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.batching import batch
from episodes.importers.feed import DEFAULT_PROGRESS_EVERY, SKIPPED, import_feed
from episodes.importers.rss import FeedError
from episodes.importers.sources import DEFAULT_TIMEOUT


def positive_number(text):
    value = float(text)
    if not value > 0:
        raise ValueError(text)
    return value


def positive_int(text):
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def capitalised(text):
    return text[:1].upper() + text[1:]


class Command(BaseCommand):
    help = (
        "Import a podcast's RSS feed, from an http(s) URL or a file: one episode per item, "
        "matched by its GUID, so a second run changes nothing and says so, and an item edited "
        "in the feed updates its episode. Each episode gets the item's title, show notes (HTML "
        "turned to text; a timeline in them becomes the chapters, as in the admin), audio, "
        "date (a future date makes it scheduled), duration, number (itunes:episode, or a title "
        'starting "EP28:"), season, type and explicit flag; guests named in the title ("... '
        'with Julia Kempe (NYU/Meta)") are found by name or created. The show is created from '
        "the feed's channel when there is none; otherwise only its empty fields are filled in "
        "from the channel (what an editor wrote wins), its hosts are never guessed and cover "
        "images are not downloaded. The whole import is one transaction: if it fails or is "
        "interrupted half way (Ctrl-C, the database gone), the database is left as it was, and "
        "running it again does it all. Within it, an item that can't be imported (no audio, a "
        "GUID already used by an earlier item, bad values) is skipped and reported, the others "
        "are saved. A file that is not a podcast feed is refused with "
        "nothing written. Large feeds are read as a stream. --verbosity 0 prints nothing but "
        "errors; 2 also prints a line per item."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="The feed: an http:// or https:// URL, or a path.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything and report it, then roll it all back: nothing is saved.",
        )
        parser.add_argument(
            "--show",
            metavar="SLUG",
            help="The show to import into, when the database has several and none has the "
            "feed's title.",
        )
        parser.add_argument(
            "--timeout",
            type=positive_number,
            default=DEFAULT_TIMEOUT,
            metavar="SECONDS",
            help="For a URL: how long to wait for the server to answer, for the connection "
            f"(10 s at most) and for each piece of the download. Default: {DEFAULT_TIMEOUT:g}.",
        )
        parser.add_argument(
            "--progress-every",
            type=positive_int,
            default=DEFAULT_PROGRESS_EVERY,
            metavar="N",
            help=f"Print a progress line every N items. Default: {DEFAULT_PROGRESS_EVERY}.",
        )

    def handle(self, *args, source, dry_run, show, timeout, progress_every, verbosity, **opts):
        loud = verbosity >= 1
        if loud:
            self.stdout.write(f"Reading {source}...")
        try:
            # One transaction, the search index included: an import that fails half way
            # leaves nothing. The new episodes are indexed together, at the end.
            with transaction.atomic(), batch():
                report = import_feed(
                    source,
                    show=show,
                    dry_run=dry_run,
                    timeout=timeout,
                    progress=self.progress if loud else None,
                    progress_every=progress_every,
                    on_item=self.item_line if verbosity >= 2 else None,
                )
        except FeedError as error:
            raise CommandError(f"{source}: {error} Nothing was imported.") from None
        if loud:
            self.report(report)

    def progress(self, done, total):
        self.stdout.write(f"Imported {done:,} of {total:,} items...")

    def item_line(self, result):
        self.stdout.write(capitalised(result.describe()))

    def report(self, report):
        out = self.stdout.write
        out(report.show_summary())
        style = self.style.WARNING if report.counts[SKIPPED] else self.style.SUCCESS
        out(style(f"Episodes from {report.source}: {report.summary()}"))
        if report.people_created:
            n = len(report.people_created)
            verb = "would be" if report.dry_run else ("was" if n == 1 else "were")
            people = "person" if n == 1 else "people"
            out(f"{n} {people} {verb} created: {', '.join(report.people_created)}.")
        for result in report.skipped:
            out(self.style.WARNING(f"Skipped {result.label}: {result.reason}"))
        for result, warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"{capitalised(result.label)}: {warning}"))
        for note in report.notes:
            self.stderr.write(self.style.WARNING(note))
        if report.dry_run:
            out("Dry run: nothing was saved.")
        elif report.changed:
            out("Run it again any time: it only changes what differs.")
        else:
            out("Nothing changed: the database already matched the feed.")
