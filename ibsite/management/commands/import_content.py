"""`manage.py import_content`: a file of export_content into this database, all or nothing."""

import contextlib
import sys
import tempfile
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, IntegrityError

from ibsite import transfer


class Command(BaseCommand):
    help = (
        "Load a file written by `export_content` (plain or gzipped) into this database, "
        "keeping every primary key, so links and addresses stay as they were. Run "
        "`manage.py migrate` first. The database must hold no content (users, the Editors "
        "group and jobs don't count); --replace deletes all the content there is first. "
        "There is no merging: ids from two sites would collide, and which copy of a row wins "
        "is not a question a command can answer. The whole file is read and checked before "
        "anything is written (format and version, the migrations of the exporting site, "
        "every row's model, fields and values, the counts, the end line), then written in "
        "ONE transaction with the search index rebuilt and the id sequences reset: a failure "
        "anywhere leaves the database as it was. A file from a newer site (a newer format "
        "version, or migrations not applied here) is refused: update the code and migrate "
        "first. Uploaded files are not in the file: copy MEDIA_ROOT across; the summary "
        "names the files that are missing. With - as the file, the export is read from "
        "standard input (`export_content - | ssh HOST manage.py import_content -`): all of "
        "it is first copied to a temporary file (in TMPDIR, as large as the stream), since it "
        "is read twice; a stream cut short is refused like a file. Progress goes to standard "
        "error (--verbosity 0: none), the summary per model to standard output."
    )
    stealth_options = ("stdin",)  # what `-` reads, for tests: a binary stream

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help="The export to load (.json, .jsonl, or gzipped), or - for standard input "
            "(plain or gzipped).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete all the content in this database first (in the same transaction, "
            "so a failed import leaves it as it was). Users, jobs and settings are kept.",
        )

    def handle(self, *args, file, replace, verbosity, **options):
        started = time.monotonic()
        self.shown = {}
        if file == "-":
            stdin = options.get("stdin") or sys.stdin.buffer
            with self.spooled(stdin, verbosity) as path:
                self.load(path, "standard input", replace, verbosity, started)
        else:
            self.load(file, file, replace, verbosity, started)

    @contextlib.contextmanager
    def spooled(self, stream, verbosity):
        """The stream's bytes in a temporary file, deleted after the block: the import reads
        its file twice (everything checked before anything is written, then written), and a
        pipe can be read once. Kept as they come, gzipped or not (the import tells which)."""
        if stream.isatty():
            raise CommandError(
                "Standard input is a terminal: pipe an export into it, e.g. "
                "`manage.py export_content - | ssh HOST manage.py import_content -`."
            )
        with tempfile.NamedTemporaryFile(prefix="import_content-", suffix=".spool") as spool:
            if verbosity >= 1:
                self.stderr.write("Reading standard input into a temporary file.")
            size = 0
            try:
                while block := stream.read(1 << 20):
                    spool.write(block)
                    size += len(block)
                spool.flush()
            except OSError as error:
                raise CommandError(
                    f"Could not copy standard input to a temporary file ({error}); nothing "
                    "was imported. TMPDIR chooses where it goes."
                ) from None
            if verbosity >= 1:
                self.stderr.write(f"Read {size:,} bytes from standard input.")
            yield spool.name

    def load(self, path, name, replace, verbosity, started):
        try:
            outcome = transfer.load(
                path, replace=replace, progress=self.progress if verbosity >= 1 else None
            )
        except transfer.TransferError as error:
            raise CommandError(f"{name}: {error} Nothing was imported.") from None
        except IntegrityError as error:
            raise CommandError(
                f"The database refused the content: {error} The file contradicts itself or "
                "this database's rules; nothing was imported."
            ) from None
        except DatabaseError as error:
            raise CommandError(
                f"The database refused the content ({error}); nothing was imported. Has "
                "`manage.py migrate` been run?"
            ) from None
        if verbosity >= 1:
            self.report(outcome, name, time.monotonic() - started)

    def progress(self, stage, label, done, total):
        verb = {"check": "Checking", "write": "Importing", "index": "Indexing"}[stage]
        if stage == "write" and not self.shown.get("checked"):
            self.shown["checked"] = True
            self.stderr.write("The file is sound; importing it in one transaction.")
        last = done == total and stage != "check"  # checking is quick: a line per 10,000
        if last or done - self.shown.get((stage, label), 0) >= transfer.CHUNK * 10:
            self.shown[(stage, label)] = done
            self.stderr.write(f"{verb} {label}: {done:,} of {total:,}")

    def report(self, outcome, file, seconds):
        header = outcome.header
        self.stdout.write(
            f"{file}: exported {header.exported_at} from {header.engine}"
            + (f" ({header.site_url})" if header.site_url else "")
            + f", format version {header.version}."
        )
        for note in header.notes:
            self.stdout.write(self.style.WARNING(note))
        if outcome.replaced:
            self.stdout.write(
                f"Replaced the content there was: {sum(outcome.replaced.values()):,} rows."
            )
        for label, n in outcome.counts.items():
            self.stdout.write(f"  {label:<28} {n:>10,}")
        self.stdout.write(f"Search index rebuilt: {sum(outcome.index.values()):,} entries.")
        if outcome.missing_media:
            shown = ", ".join(outcome.missing_media[:5])
            more = len(outcome.missing_media) - 5
            self.stdout.write(
                self.style.WARNING(
                    f"{len(outcome.missing_media):,} uploaded file(s) the content names are "
                    f"not under MEDIA_ROOT here ({shown}{f' and {more} more' if more > 0 else ''}"
                    "): copy them from the old site's MEDIA_ROOT."
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {sum(outcome.counts.values()):,} rows of {len(outcome.counts)} "
                f"models in {seconds:.1f} s."
            )
        )
