"""`manage.py load_demo`: the demo show in the database, loaded or brought up to date.

What the content file holds, and the rules the loader follows, are in ibsite/demo/loader.py.
"""

import json
import os
from pathlib import Path
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from core.batching import batch
from ibsite.demo.loader import (
    DEMO_EDITOR_PASSWORD,
    DEMO_EDITOR_USERNAME,
    DemoContentError,
    DemoLoader,
)
from search import index as search_index
from search.models import Entry

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "demo" / "content.json"
DEMO_AUDIO = "demo/silence.mp3"


class Command(BaseCommand):
    help = (
        "Load the demo content of The Information Bottleneck into the database: the show and "
        "its hosts, guests and their organizations, papers with their authors and citations, "
        "published episodes with chapters read from their show notes, and an editorial post. "
        "Episodes play a silent three-minute MP3 (static/demo/silence.mp3) served from "
        "SITE_URL. It is idempotent: rows are found again by their slugs (chapters by start "
        "time, appearances by person and role...) and only what differs from the file is "
        "saved, so a second run changes nothing and says so. It all happens in one "
        "transaction, the search index included: if anything in the file is wrong, or the "
        "load fails half way, the database is left as it was. "
        "--verbosity 0 prints nothing; 2 also names every field it updates."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            default=DEFAULT_FILE,
            metavar="PATH",
            help="The content file to load (JSON). Default: the bundled ibsite/demo/content.json.",
        )
        parser.add_argument(
            "--demo-editor",
            action="store_true",
            help="Also create or update a demo editor account: username "
            f'"{DEMO_EDITOR_USERNAME}", password "{DEMO_EDITOR_PASSWORD}", staff and in the '
            "Editors group, never a superuser. Only with DEBUG on, since the password is public.",
        )

    def handle(self, *args, file, demo_editor, verbosity, **options):
        if demo_editor and not settings.DEBUG:
            raise CommandError(
                "--demo-editor creates a staff account whose password is public, so it only "
                "runs with DEBUG=1 (local development). Leave it out, or create an editor with "
                "`manage.py createsuperuser` and the admin."
            )
        content = read_content(file)
        audio_url, audio_size = demo_audio()
        loud = verbosity >= 1
        loader = DemoLoader(
            audio_url=audio_url,
            audio_size=audio_size,
            say=self.stdout.write if loud else None,
            detail=self.stdout.write if verbosity >= 2 else None,
            warn=(lambda message: self.stderr.write(self.style.WARNING(message)))
            if loud
            else None,
        )
        try:
            # One transaction, the search index included (written once, at the end): a load
            # that fails half way, in the content or in the index, leaves nothing.
            with transaction.atomic(), batch():
                tally = loader.load(content)
                if demo_editor:
                    loader.load_demo_editor()
        except DemoContentError as error:
            raise CommandError(
                f"{file}: {error} Nothing was loaded: fix the file and run load_demo again."
            ) from None
        except DatabaseError as error:
            raise CommandError(
                f"The database refused the demo content ({error}); nothing was loaded. "
                "Has `manage.py migrate` been run?"
            ) from error
        if not Entry.objects.exists():
            # A database loaded before search existed: the content is there, unindexed.
            search_index.rebuild()
        if loud:
            self.report(tally, demo_editor)

    def report(self, tally, demo_editor):
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {tally.summary()}."))
        if tally.changed:
            self.stdout.write("Run it again any time: it only changes what differs.")
        else:
            self.stdout.write("Nothing changed: the database already matched the file.")
        if demo_editor:
            self.stdout.write(
                f"Demo editor: sign in at {settings.SITE_URL}/admin/ as "
                f'"{DEMO_EDITOR_USERNAME}" with the password "{DEMO_EDITOR_PASSWORD}".'
            )


def read_content(path):
    """The parsed content file; a CommandError that says what to do if it can't be read."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(
            f"There is no content file at {path}. Give the path of one with --file PATH, or "
            "leave --file out to load the bundled ibsite/demo/content.json."
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Could not read {path} ({error}). Is it a UTF-8 JSON file?") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{path} is not valid JSON: {error.msg} at line {error.lineno}, column "
            f"{error.colno}. Fix the file and run load_demo again; nothing was loaded."
        ) from None


def demo_audio():
    """The public URL of the silent demo MP3 and its size in bytes, read from the file."""
    path = finders.find(DEMO_AUDIO)
    if path is None:
        raise CommandError(
            f"The demo audio static/{DEMO_AUDIO} is missing; restore it from git "
            "(`git checkout -- static/demo/silence.mp3`) and run load_demo again."
        )
    url = urljoin(f"{settings.SITE_URL}/", settings.STATIC_URL) + DEMO_AUDIO
    return url, os.path.getsize(path)
