"""`export_content` / `import_content` (ibsite/transfer.py): every content row round-trips
exactly, on one engine and across SQLite and PostgreSQL, and a bad file or a failure half
way writes nothing."""

import datetime
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from community.models import Review
from core.batching import batch
from episodes.models import Appearance, Episode, Show
from ibsite import transfer
from papers.models import Paper
from people.models import Person
from posts.models import Post, Verdict
from search.models import Entry
from tests.factories import (
    AffiliationFactory,
    AppearanceFactory,
    ChapterFactory,
    CitationFactory,
    DiscussionFactory,
    EpisodeFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    PostFactory,
    author,
)

ROOT = Path(__file__).resolve().parent.parent
ODD_TEXT = 'Łukasz 李飞飞 🙂 שלום e\u0301 line\u2028sep next\x85line tab\there\r\nCRLF "q" \\ ✓'
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def rich(db, media):
    """The demo content, and what it lacks: odd text, long text, nulls, times with
    microseconds given in another zone, every through table, non-ASCII tags, files."""
    with batch():  # the search index written once
        _rich_content()


def _rich_content():
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
    show = Show.objects.get()
    show.podcast_guid = uuid.UUID("917393e3-1b1e-5cef-ace4-edaa54e1f810")
    show.artwork = default_storage.save("shows/cover.png", ContentFile(b"\x89PNG fake"))
    show.save()

    person = PersonFactory(name=ODD_TEXT[:60], bio="A long biography. " * 20_000)
    person.photo = "people/łukasz ünïcode.png"  # named, and missing from MEDIA_ROOT
    person.save()
    person.topics.add("Théorie de l'information", "機械学習", "Reasoning")
    organization = OrganizationFactory(name="École normale supérieure")
    AffiliationFactory(person=person, organization=organization, start_year=None, end_year=None)
    AffiliationFactory(person=person, start_year=2001, end_year=2009, is_current=False)

    undated = PaperFactory(title=ODD_TEXT, year=None, published_on=None, abstract="")
    dated = PaperFactory(published_on=datetime.date(1999, 12, 31), venue="NeurIPS 1999")
    dated.tags.add("機械学習")
    author(person, undated, dated)
    CitationFactory(citing=undated, cited=dated)

    ambiguous = datetime.datetime(2025, 10, 26, 2, 30, 15, 123456, tzinfo=PARIS, fold=1)
    episode = EpisodeFactory(
        title=ODD_TEXT[:200],
        number=None,
        season=None,
        transcript="Word " * 250_000,  # more than a megabyte
        published_at=ambiguous,
        tags=["機械学習", "Ünïcode tag"],
    )
    chapter = ChapterFactory(episode=episode, start=0, title=ODD_TEXT[:100], paper=undated)
    ChapterFactory(episode=episode, start=61, person=person)
    AppearanceFactory(episode=episode, person=person, role=Appearance.Role.HOST, affiliation="")
    DiscussionFactory(episode=episode, paper=undated, chapter=chapter, note=ODD_TEXT[:100])
    DiscussionFactory(episode=episode, paper=dated, chapter=None)
    EpisodeFactory(draft=True, tags=["draft-only"])
    EpisodeFactory(scheduled=True)
    show.hosts.add(person)

    PostFactory(
        author=None, body=ODD_TEXT * 100, papers=[undated, dated], tags=["機械学習"], draft=True
    )
    PostFactory(
        author=person,
        hindsight_verdict=Verdict.WRONG,
        hindsight_note=ODD_TEXT,
        hindsight_date=datetime.date(2026, 2, 28),
    )
    # auto_now and auto_now_add times, with microseconds, that an import must not restamp.
    stamp = datetime.datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=datetime.UTC)
    Episode.objects.filter(pk=episode.pk).update(created_at=stamp, updated_at=stamp)
    Paper.objects.filter(pk=dated.pk).update(created_at=stamp, updated_at=stamp)
    Post.objects.update(created_at=stamp)


def snapshot():
    """Every stored field of every row of every content model, by primary key. The fields
    come from `_meta.get_fields()`, so a field added to a model is compared too."""
    rows = {}
    for model in transfer.content_models():
        # Many-to-many fields (tags too) are compared as the rows of their through tables.
        names = [f.attname for f in model._meta.get_fields() if f.concrete and not f.many_to_many]
        rows[model._meta.label_lower] = {
            row[model._meta.pk.attname]: row
            for row in model._base_manager.order_by("pk").values(*names)
        }
    return rows


def differences(before, after):
    """What differs, model by model and field by field, for a readable failure."""
    found = []
    for label in before.keys() | after.keys():
        old, new = before.get(label, {}), after.get(label, {})
        found += [f"{label} {pk}: only before" for pk in old.keys() - new.keys()]
        found += [f"{label} {pk}: only after" for pk in new.keys() - old.keys()]
        for pk in old.keys() & new.keys():
            found += [
                f"{label} {pk} {name}: {value!r:.80} became {new[pk][name]!r:.80}"
                for name, value in old[pk].items()
                if new[pk].get(name) != value
            ]
    return sorted(found)


def empty_content():
    """Delete every content row, as an empty database would hold none (the search index
    catching up once, at the end)."""
    with batch():
        for model in reversed(transfer.content_models()):
            model._base_manager.all().delete()
    assert transfer.existing_content() == {}


def export(path, *args):
    err = io.StringIO()
    call_command("export_content", str(path), *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def import_(path, *args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_content", str(path), *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def lines(path):
    opener = gzip.open if Path(path).suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="\n") as file:
        return [json.loads(line) for line in file]


def write_lines(path, rows):
    path.write_text("".join(transfer._dump(row) for row in rows), encoding="utf-8")
    return path


# The round trip.


def test_it_round_trips_every_field_of_every_content_row(rich, tmp_path):
    before = snapshot()
    assert all(before.values()), "every content model has rows to compare"
    export(tmp_path / "site.jsonl")
    empty_content()

    out, err = import_(tmp_path / "site.jsonl")

    assert differences(before, snapshot()) == []
    assert "Imported" in out and "episodes.episode" in out
    assert "The file is sound" in err


def test_it_keeps_times_to_the_microsecond_in_utc(rich, tmp_path):
    episode = Episode.objects.get(number=None, published_at__year=2025)
    export(tmp_path / "site.jsonl")
    empty_content()
    import_(tmp_path / "site.jsonl")

    episode = Episode.objects.get(pk=episode.pk)
    assert episode.published_at == datetime.datetime(
        2025, 10, 26, 1, 30, 15, 123456, tzinfo=datetime.UTC
    )
    assert episode.created_at.microsecond == 999999


def test_the_imported_site_works(rich, tmp_path, client):
    """Ids handed out after the import follow the imported ones (PostgreSQL's sequences are
    reset), the search index is rebuilt, and the pages show the content."""
    export(tmp_path / "site.jsonl")
    empty_content()
    assert not Entry.objects.exists()
    import_(tmp_path / "site.jsonl")

    assert Entry.objects.filter(kind="person").count() == Person.objects.count()
    highest = Person.objects.order_by("-pk").first().pk
    assert PersonFactory(name="Someone New").pk > highest
    page = client.get("/search/", {"q": "École"})
    assert page.status_code == 200
    assert "normale supérieure" in page.content.decode()
    topic = client.get("/tags/機械学習/")
    assert topic.status_code == 200


def test_it_gzips_by_name_and_reads_gzip_whatever_the_name(rich, tmp_path):
    export(tmp_path / "site.jsonl.gz")
    with open(tmp_path / "site.jsonl.gz", "rb") as file:
        assert file.read(2) == b"\x1f\x8b"
    (tmp_path / "site.jsonl.gz").rename(tmp_path / "renamed.json")
    before = snapshot()
    empty_content()
    import_(tmp_path / "renamed.json")
    assert differences(before, snapshot()) == []


def test_it_exports_to_standard_output_with_progress_on_standard_error(rich):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_content", stdout=out, stderr=err)
    # Lines end in \n alone: the text may hold U+2028 or U+0085, which splitlines() splits at.
    rows = [json.loads(line) for line in out.getvalue().removesuffix("\n").split("\n")]
    assert rows[0]["format"] == "ibsite-content" and rows[0]["version"] == 1
    assert rows[-1] == {"end": "ibsite-content", "rows": len(rows) - 2}
    assert "Exporting episodes.episode" in err.getvalue()
    assert "Exported" in err.getvalue()


# Standard input: `export_content - | ssh HOST manage.py import_content -`.


@pytest.mark.parametrize("name", ["site.jsonl", "site.jsonl.gz"])
def test_it_imports_standard_input_plain_or_gzipped(rich, tmp_path, name):
    export(tmp_path / name)
    before = snapshot()
    empty_content()

    stream = io.BytesIO((tmp_path / name).read_bytes())
    out, err = import_("-", stdin=stream)

    assert differences(before, snapshot()) == []
    assert out.startswith("standard input: exported ")
    assert "Read " in err and "bytes from standard input" in err


@pytest.mark.parametrize(
    "name, message", [("site.jsonl", "cut short"), ("site.jsonl.gz", "could not be read")]
)
def test_a_stream_cut_short_is_refused_leaving_the_database_as_it_was(
    rich, tmp_path, name, message
):
    export(tmp_path / name)
    data = (tmp_path / name).read_bytes()
    PersonFactory(name="Added since")  # --replace would delete it
    before = snapshot()

    stream = io.BytesIO(data[: len(data) * 2 // 3])
    with pytest.raises(CommandError, match=f"^standard input: .*{message}.*Nothing was imported"):
        import_("-", "--replace", stdin=stream)
    assert differences(before, snapshot()) == []


def test_it_will_not_wait_for_a_terminal_to_type_an_export(db):
    controller, terminal = os.openpty()
    try:
        with open(terminal, "rb") as stdin, pytest.raises(CommandError, match="is a terminal"):
            import_("-", stdin=stdin)
    finally:
        os.close(controller)


def test_the_header_says_what_the_file_holds(rich, tmp_path):
    export(tmp_path / "site.jsonl")
    header, *rows, _end = lines(tmp_path / "site.jsonl")

    assert header["counts"] == transfer.content_counts()
    assert header["engine"] == connection.vendor
    assert "0001_initial" in header["migrations"]["episodes"]
    assert datetime.datetime.fromisoformat(header["exported_at"]) <= timezone.now()
    # Rows of a model are together, after the rows they point to.
    labels = [row["model"] for row in rows]
    assert labels.index("people.person") < labels.index("episodes.appearance")
    assert labels.index("taggit.tag") < labels.index("taggit.taggeditem")
    tagged = next(row for row in rows if row["model"] == "taggit.taggeditem")
    assert isinstance(tagged["fields"]["content_type"], list)  # by natural key, not an id
    assert isinstance(tagged["fields"]["tag"], int)


def test_it_names_the_uploaded_files_that_are_missing_here(rich, tmp_path):
    export(tmp_path / "site.jsonl")
    empty_content()
    out, _ = import_(tmp_path / "site.jsonl")
    assert "1 uploaded file(s)" in out
    assert "people/łukasz ünïcode.png" in out
    assert "shows/cover.png" not in out  # it is there


# Refusals: nothing written.


def test_it_refuses_a_database_with_content_unless_replace(rich, tmp_path):
    export(tmp_path / "site.jsonl")
    PersonFactory(name="Added since")
    before = snapshot()

    with pytest.raises(CommandError, match=r"already holds content.*--replace"):
        import_(tmp_path / "site.jsonl")
    assert differences(before, snapshot()) == []


def test_replace_makes_the_content_the_files(rich, tmp_path):
    exported = snapshot()
    assert Review.objects.exists()  # the demo's
    export(tmp_path / "site.jsonl")
    PersonFactory(name="Added since")
    Episode.objects.update(title="Changed since")
    Paper.objects.update(title="Changed since")

    out, _ = import_(tmp_path / "site.jsonl", "--replace")

    assert differences(exported, snapshot()) == []
    assert "Replaced the content there was" in out
    assert not Person.objects.filter(name="Added since").exists()
    # Listeners' reviews were about the content replaced: they go with it.
    assert not Review.objects.exists()


def test_a_file_cut_short_is_refused_before_anything_is_written(rich, tmp_path):
    export(tmp_path / "site.jsonl")
    text = (tmp_path / "site.jsonl").read_text(encoding="utf-8")
    (tmp_path / "cut.jsonl").write_text(text[: len(text) - 200], encoding="utf-8")
    before = snapshot()

    with pytest.raises(CommandError, match=r"not JSON.*cut short"):
        import_(tmp_path / "cut.jsonl", "--replace")
    assert differences(before, snapshot()) == []

    # Cut at a line's end: the end line is what is missing.
    header, *rows, end = lines(tmp_path / "site.jsonl")
    write_lines(tmp_path / "no-end.jsonl", [header, *rows])
    with pytest.raises(CommandError, match="no end line"):
        import_(tmp_path / "no-end.jsonl", "--replace")
    write_lines(tmp_path / "short.jsonl", [header, *rows[:-1], {**end, "rows": len(rows) - 1}])
    with pytest.raises(CommandError, match="header counts"):
        import_(tmp_path / "short.jsonl", "--replace")
    assert differences(before, snapshot()) == []


def test_a_failure_near_the_end_of_the_writing_leaves_the_database_as_it_was(rich, tmp_path):
    """A file every line of which is sound, but whose last tag repeats the first one's name:
    the database refuses it only once nearly everything is written, and all of it goes."""
    export(tmp_path / "site.jsonl")
    header, *rows, end = lines(tmp_path / "site.jsonl")
    tags = [row for row in rows if row["model"] == "taggit.tag"]
    tags[-1]["fields"] = dict(tags[0]["fields"])
    write_lines(tmp_path / "clash.jsonl", [header, *rows, end])
    before = snapshot()
    search_entries = Entry.objects.count()

    with pytest.raises(
        CommandError, match=r"(?s)database refused the content.*nothing was imported"
    ):
        import_(tmp_path / "clash.jsonl", "--replace")
    assert differences(before, snapshot()) == []
    assert Entry.objects.count() == search_entries

    empty_content()
    with pytest.raises(CommandError, match="database refused"):
        import_(tmp_path / "clash.jsonl")
    assert transfer.existing_content() == {}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"version": 2}, "format version 2, newer than this site reads \\(1\\).*Update"),
        ({"version": "1"}, "format version '1' is unknown"),
        ({"format": "something-else"}, "not a content export of this site"),
        (
            {"migrations": {"episodes": ["0001_initial", "9999_from_the_future"]}},
            "migrations this database has not applied \\(episodes.9999_from_the_future\\)",
        ),
    ],
)
def test_it_refuses_a_header_it_cannot_trust(rich, tmp_path, change, message):
    export(tmp_path / "site.jsonl")
    header, *rows = lines(tmp_path / "site.jsonl")
    if "migrations" in change:
        change = {"migrations": {**header["migrations"], **change["migrations"]}}
    write_lines(tmp_path / "odd.jsonl", [{**header, **change}, *rows])
    before = snapshot()

    with pytest.raises(CommandError, match=message):
        import_(tmp_path / "odd.jsonl", "--replace")
    assert differences(before, snapshot()) == []


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda row: row["fields"].update(shoe_size=44), "people.person has no field shoe_size"),
        (lambda row: row.update(model="people.robot"), "'people.robot', which the header"),
        (lambda row: row["fields"].update(is_host="maybe"), r"line \d+: .*maybe"),
        (lambda row: row.pop("fields"), 'not a row \\("model", "pk", "fields"\\)'),
    ],
)
def test_it_refuses_a_row_it_cannot_read_naming_its_line(rich, tmp_path, change, message):
    export(tmp_path / "site.jsonl")
    header, *rows, end = lines(tmp_path / "site.jsonl")
    person = next(row for row in rows if row["model"] == "people.person")
    change(person)
    write_lines(tmp_path / "odd.jsonl", [header, *rows, end])
    before = snapshot()

    with pytest.raises(CommandError, match=message):
        import_(tmp_path / "odd.jsonl", "--replace")
    assert differences(before, snapshot()) == []


def test_it_refuses_what_is_not_an_export(db, tmp_path):
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "page.html").write_text("<html></html>\n", encoding="utf-8")
    (tmp_path / "broken.gz").write_bytes(b"\x1f\x8b\x08\x00broken")
    with pytest.raises(CommandError, match="file is empty"):
        import_(tmp_path / "empty.jsonl")
    with pytest.raises(CommandError, match="line 1 is not JSON"):
        import_(tmp_path / "page.html")
    with pytest.raises(CommandError, match="could not be read"):
        import_(tmp_path / "broken.gz")
    with pytest.raises(CommandError, match="could not be read"):
        import_(tmp_path / "nowhere.jsonl")


# What is content.


def test_every_model_is_either_content_or_said_not_to_be():
    content = {model._meta.label_lower for model in transfer.content_models()}
    every = {m._meta.label_lower for m in apps.get_models(include_auto_created=True)}
    assert not content & set(transfer.NOT_CONTENT)
    assert every - content - set(transfer.NOT_CONTENT) == set(), "decide: content or not?"
    assert set(transfer.NOT_CONTENT) <= every, "NOT_CONTENT names a model that is gone"
    assert {"episodes.show_hosts", "posts.post_papers", "taggit.taggeditem"} <= content


def test_only_the_search_index_and_reviews_point_at_content_from_outside():
    """--replace deletes the content, the search entries and the reviews: any other table
    pointing at content would stop it at commit, so a new one must be handled there."""
    content = set(transfer.content_models())
    pointing = {
        model._meta.label_lower
        for model in apps.get_models(include_auto_created=True)
        if model not in content
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model in content
    }
    assert pointing == {"search.entry", "community.review"}


# Across engines: SQLite to PostgreSQL and back, or PostgreSQL to SQLite and back.


def other_database(tmp_path):
    """A DATABASE_URL of the engine the tests are not running on, made for this test, and
    how to drop it afterwards."""
    if connection.vendor == "postgresql":
        return f"sqlite:///{tmp_path / 'other.sqlite3'}", lambda: None
    psycopg = pytest.importorskip("psycopg")
    admin = os.environ.get("TRANSFER_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    name = f"test_transfer_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        pytest.skip(
            f"PostgreSQL does not answer at {admin} ({error}); the cross-engine round trip "
            "needs it (set TRANSFER_POSTGRES_URL to a server where a database may be created)."
        )

    def drop():
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return admin.rsplit("/", 1)[0] + f"/{name}", drop


def manage_env(database_url, **extra):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **extra,
    }


def manage(database_url, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=manage_env(database_url),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_it_round_trips_across_engines(rich, tmp_path):
    """Export here, import into an empty database of the other engine, export there: the
    rows are the same, every field; then import that file here: the same content again."""
    before = snapshot()
    export(tmp_path / "here.jsonl.gz")
    url, drop = other_database(tmp_path)
    try:
        manage(url, "migrate", "--verbosity", "0")
        out = manage(url, "import_content", str(tmp_path / "here.jsonl.gz"))
        assert "Imported" in out
        manage(url, "export_content", str(tmp_path / "there.jsonl"), "--verbosity", "0")
    finally:
        drop()

    here_header, *here_rows = lines(tmp_path / "here.jsonl.gz")
    there_header, *there_rows = lines(tmp_path / "there.jsonl")
    assert there_header["engine"] != here_header["engine"]
    assert there_header["counts"] == here_header["counts"]
    assert there_rows == here_rows

    empty_content()
    import_(tmp_path / "there.jsonl")
    assert differences(before, snapshot()) == []


def test_an_import_renews_the_content_version(rich, tmp_path):
    """Pages and feeds cached before the import are not served after it: rows written in bulk
    send no model signals, so the import renews the site's content version itself."""
    from core import versions

    export(tmp_path / "site.jsonl")
    empty_content()
    before = versions.generation()
    import_(tmp_path / "site.jsonl")
    assert versions.generation() != before


# Between hosts through a pipe, as `export_content - | ssh HOST manage.py import_content -`:
# two processes, each with a SQLite database in a file.


@pytest.fixture
def sqlite_sites(rich, tmp_path):
    """(source, empty): the URLs of two migrated SQLite databases in files, the first holding
    the content of `rich`, the second none."""
    export(tmp_path / "rich.jsonl")
    empty = tmp_path / "empty.sqlite3"
    manage(f"sqlite:///{empty}", "migrate", "--verbosity", "0")
    source = tmp_path / "source.sqlite3"
    shutil.copyfile(empty, source)
    manage(f"sqlite:///{source}", "import_content", str(tmp_path / "rich.jsonl"))
    return f"sqlite:///{source}", f"sqlite:///{empty}"


def rows_of(database_url):
    """The rows of a database's export (the header, which says when, left out)."""
    text = manage(database_url, "export_content", "-", "--verbosity", "0")
    _header, *rows = [json.loads(line) for line in text.removesuffix("\n").split("\n")]
    return rows


def pipe(source_url, target_url, *import_args, lose_bytes=0):
    """`export_content - | import_content -`, one process to the other; with `lose_bytes`,
    the stream loses that many bytes at its end on the way (a connection that dropped).
    Returns the import's exit status, standard output and standard error."""
    exporter = subprocess.Popen(
        [sys.executable, "manage.py", "export_content", "-"],
        cwd=ROOT,
        # An exporting host whose locale is not UTF-8: the stream is UTF-8 all the same.
        env=manage_env(source_url, PYTHONIOENCODING="ascii"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    importer = subprocess.Popen(
        [sys.executable, "manage.py", "import_content", "-", *import_args],
        cwd=ROOT,
        env=manage_env(target_url),
        stdin=exporter.stdout if not lose_bytes else subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    if lose_bytes:
        stream = exporter.stdout.read()
        out, err = importer.communicate(stream[:-lose_bytes], timeout=300)
    else:
        exporter.stdout.close()  # the importer holds the pipe's reading end now
        out, err = importer.communicate(timeout=300)
    exported = exporter.wait(timeout=300)
    exporter_err = exporter.stderr.read().decode()
    exporter.stderr.close()
    if lose_bytes:
        exporter.stdout.close()
    assert exported == 0, exporter_err
    assert "Exported" in exporter_err  # the summary, on standard error
    return importer.returncode, out.decode(), err.decode()


def test_it_round_trips_through_a_pipe_between_processes(sqlite_sites, tmp_path):
    source, empty = sqlite_sites
    status, out, err = pipe(source, empty)

    assert status == 0, err
    assert "standard input: exported" in out and "Imported" in out
    _header, *rows = lines(tmp_path / "rich.jsonl")  # what the source holds
    assert rows_of(empty) == rows


def test_a_stream_cut_in_the_pipe_is_refused_and_the_database_kept(sqlite_sites, tmp_path):
    source, _ = sqlite_sites
    target = tmp_path / "target.sqlite3"
    shutil.copyfile(source.removeprefix("sqlite:///"), target)  # content --replace would delete

    status, _, err = pipe(source, f"sqlite:///{target}", "--replace", lose_bytes=500)

    assert status == 1
    assert "standard input: " in err and "cut short" in err and "Nothing was imported" in err
    _header, *rows = lines(tmp_path / "rich.jsonl")  # what the source, and so the copy, holds
    assert rows_of(f"sqlite:///{target}") == rows
