"""`manage.py export_content`: every content row to one file, for import_content elsewhere."""

import gzip
import time

from django.core.management.base import BaseCommand, CommandError

from ibsite import transfer


class Command(BaseCommand):
    help = (
        "Write all the site's content to one file that `import_content` loads into another "
        "database, on this host or another, SQLite or PostgreSQL: the show, episodes, "
        "chapters, appearances, people, organizations and positions, papers, bylines, "
        "citations, papers discussed, posts, tags and what they tag, with their primary "
        "keys, every field exactly, and the paths of uploaded files (copy MEDIA_ROOT "
        "yourself: the files are not in it). Users, sessions, API tokens, jobs, sign-in "
        "lockouts and the admin's history stay behind; the search index is rebuilt by the "
        "import. The format is JSON Lines: a header (format, version, when, the migrations "
        "applied here, rows per model), a line per row, an end line. A name ending in .gz "
        "is gzipped; without a name, or with -, the file goes to standard output, as UTF-8 "
        "whatever the locale, for a pipe: `export_content - | ssh HOST manage.py "
        "import_content -` (pipe through gzip for a slow link). Progress and the summary go "
        "to standard error (--verbosity 0: none), so that standard output holds the file "
        "alone. On PostgreSQL the export reads one snapshot, so the site may stay up and "
        "edited meanwhile."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            default="-",
            help="Where to write: a path (.gz to compress), or - for standard output (the "
            "default).",
        )

    def handle(self, *args, file, verbosity, **options):
        started = time.monotonic()
        progress = self.progress if verbosity >= 1 else None
        try:
            if file == "-":
                # The file is UTF-8 whatever the locale says (LANG=C over ssh, say).
                if hasattr(self.stdout, "reconfigure"):  # a real stream, not a test's StringIO
                    self.stdout.reconfigure(encoding="utf-8", newline="\n")
                counts = transfer.export(self.write_stdout, progress=progress)
                self.stdout.flush()  # a reader gone (a closed pipe) is an error here, not at exit
            else:
                opener = gzip.open if file.endswith(".gz") else open
                with opener(file, "wt", encoding="utf-8", newline="\n") as out:
                    counts = transfer.export(out.write, progress=progress)
        except OSError as error:
            where = "to standard output" if file == "-" else file
            raise CommandError(f"Could not write {where}: {error}.") from None
        except transfer.TransferError as error:
            raise CommandError(f"Nothing usable was written: {error}") from None
        if verbosity >= 1:
            for label, n in counts.items():
                self.stderr.write(f"  {label:<28} {n:>10,}")
            self.stderr.write(
                self.style.SUCCESS(
                    f"Exported {sum(counts.values()):,} rows of {len(counts)} models "
                    f"in {time.monotonic() - started:.1f} s"
                    + ("." if file == "-" else f" to {file}.")
                )
            )

    def write_stdout(self, text):
        self.stdout.write(text, ending="")

    def progress(self, label, done, total):
        if done == total or done % (transfer.CHUNK * 10) == 0:
            self.stderr.write(f"Exporting {label}: {done:,} of {total:,}")
