"""`manage.py import_papers`: papers from BibTeX files, arXiv ids and DOIs."""

import contextlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.batching import batch
from core.text import size_text
from papers import sources
from papers.importers import (
    CREATED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    NotBibtex,
    TooManyPapers,
    check_batch_size,
    import_item,
    quiet,
    read_bibtex,
)
from papers.sources.http import DEFAULT_TIMEOUT


class Command(BaseCommand):
    help = (
        "Import papers, with their authors in byline order, from BibTeX files and from arXiv "
        "ids or DOIs (looked up on arXiv and doi.org). Authors are matched to the people "
        "already here ignoring case and accents; the others are created. A paper already "
        "here (same arXiv id, DOI or exact title) only gets the fields it lacks, so running "
        "an import again changes nothing. The whole import is one transaction: if it fails or "
        "is interrupted half way (Ctrl-C, the database gone), the database is left as it was. "
        "Within it, a paper that can't be imported is skipped, with the reason, and leaves "
        "nothing behind, while the others are imported. Files and ids are all checked before "
        "anything is written. The command "
        "ends with a summary, and exits with status 1 if anything was skipped. "
        "Examples: import_papers refs.bib; import_papers --arxiv 2405.07987 1706.03762 "
        "--doi 10.1038/nature14539; import_papers --dry-run refs.bib."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="*",
            type=Path,
            metavar="FILE.bib",
            help="BibTeX files (UTF-8). An entry that cannot be read is skipped and reported.",
        )
        parser.add_argument(
            "--arxiv",
            action="extend",
            nargs="+",
            default=[],
            metavar="ID",
            help="arXiv ids (2405.07987, cs/0112017, or arxiv.org links), looked up on arXiv.",
        )
        parser.add_argument(
            "--doi",
            action="extend",
            nargs="+",
            default=[],
            metavar="DOI",
            help="DOIs (10.1038/nature14539, or doi.org links), looked up on doi.org.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything but save: show what would be created or filled in.",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=DEFAULT_TIMEOUT,
            metavar="SECONDS",
            help=f"How long to wait for arXiv or doi.org (default {DEFAULT_TIMEOUT:g}).",
        )

    def handle(self, *args, files, arxiv, doi, dry_run, timeout, verbosity, **options):
        if not (files or arxiv or doi):
            raise CommandError(
                "Nothing to import: give BibTeX files, --arxiv ids or --doi DOIs "
                "(see import_papers --help)."
            )
        self.verbosity = verbosity
        identifiers = self.check_identifiers(arxiv, doi)
        items = [item for path in files for item in self.read_file(path)]  # all checked first
        items += [(str(identifier), identifier) for identifier in identifiers]
        try:
            check_batch_size(len(items))
        except TooManyPapers as error:
            raise CommandError(f"{error} Nothing was imported.") from None

        if dry_run:
            self.say("Dry run: nothing will be saved.")
        results = []
        # One transaction, the search index included: an import that fails half way leaves
        # nothing (a paper that can't be imported rolls back to its savepoint, in
        # import_paper, and is skipped). A dry run rolls it all back.
        with transaction.atomic():
            with contextlib.ExitStack() as stack:
                # The papers are indexed for search together, at the end.
                stack.enter_context(batch())
                if identifiers:
                    network = stack.enter_context(sources.open_sources(timeout=timeout))
                else:
                    network = None
                if verbosity < 3:  # httpx logs each request; the progress lines say it better
                    stack.enter_context(quiet("httpx"))
                for position, (label, what) in enumerate(items, start=1):
                    result = import_item(label, what, network=network)
                    results.append(result)
                    self.progress(position, len(items), result, dry_run)
            if dry_run:
                transaction.set_rollback(True)
        self.summarize(results, dry_run)

    # Checking everything before anything is written.

    def check_identifiers(self, arxiv, doi):
        identifiers, problems = [], []
        for kind, values in [("arxiv", arxiv), ("doi", doi)]:
            for value in values:
                try:
                    identifier = sources.parse_identifier(value, kind)
                except ValueError as error:
                    problems.append(str(error))
                else:
                    if identifier not in identifiers:
                        identifiers.append(identifier)
        if problems:
            raise CommandError(
                "Nothing was imported; fix these and run the command again:\n  "
                + "\n  ".join(problems)
            )
        return identifiers

    def read_file(self, path):
        """(label, PaperMetadata or the reason it cannot be read) for each entry of a file."""
        limit = settings.BIBTEX_MAX_BYTES
        try:
            with path.open("rb") as file:
                data = file.read(limit + 1)  # never more: a huge file is not read whole
            if len(data) > limit:
                raise CommandError(
                    f"{path} is larger than {size_text(limit)}, the most import_papers reads "
                    "(BIBTEX_MAX_BYTES): split it into smaller files. Nothing was imported."
                )
            text = data.decode("utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"There is no file {path}. Check the path.") from None
        except IsADirectoryError:
            raise CommandError(f"{path} is a folder; give the BibTeX file in it.") from None
        except OSError as error:
            raise CommandError(f"Could not read {path}: {error.strerror}.") from None
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{path} is not UTF-8 text (byte {error.start}): is it a BibTeX file? If it "
                f"is, convert it, e.g. `iconv -f latin1 -t utf-8 {path}`. Nothing was imported."
            ) from None
        try:
            entries = read_bibtex(text, path.name)
        except NotBibtex as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        return [(entry.label, entry.metadata or entry.problem) for entry in entries]

    # Saying what happened.

    def say(self, message, style=None):
        if self.verbosity >= 1:
            self.stdout.write(style(message) if style else message)

    def progress(self, position, total, result, dry_run):
        style = {
            CREATED: self.style.SUCCESS,
            UPDATED: self.style.SUCCESS,
            SKIPPED: self.style.WARNING,
        }.get(result.status)
        self.say(f"[{position}/{total}] {result.source}: {result.describe(dry_run)}", style)

    def summarize(self, results, dry_run):
        counts = {
            status: sum(1 for r in results if r.status == status)
            for status in (CREATED, UPDATED, UNCHANGED, SKIPPED)
        }
        people = sum(len(r.new_people) for r in results)
        totals = ", ".join(f"{n} {status}" for status, n in counts.items())
        prefix = "Dry run, nothing saved" if dry_run else "Done"
        self.say(
            f"{prefix}: {totals}; {people} new {'person' if people == 1 else 'people'}.",
            self.style.SUCCESS if not counts[SKIPPED] else None,
        )
        skipped = [r for r in results if r.status == SKIPPED]
        if skipped:
            self.say("Skipped:")
            for result in skipped:
                self.say(f"  {result.source}: {result.reason}")
            raise CommandError(
                f"{len(skipped)} of {len(results)} skipped (listed above). Fix them and run "
                "the command again: what was imported stays, and importing it again changes "
                "nothing."
            )
