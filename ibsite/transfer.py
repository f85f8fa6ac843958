"""Moving the content between sites and database engines: `export_content`, `import_content`.

The file is JSON Lines, UTF-8, gzipped when its name ends in `.gz` (recognised by its first
bytes on import). Every line is one JSON object:

1. the header: `{"format": "ibsite-content", "version": 1, "exported_at": ..., "engine": ...,
   "site_url": ..., "migrations": {app: [applied migration, ...]}, "counts": {model: rows}}`;
2. a line per row, model by model in the order of `content_models()` (a model after every
   model it points to), rows in primary-key order: `{"model": "episodes.episode", "pk": 7,
   "fields": {...}}`, each field as Django's serializers give it (a foreign key as the
   primary key it points to, a content type by its natural key `["episodes", "episode"]`,
   a file as its path under MEDIA_ROOT), datetimes in UTC with their microseconds;
3. the end: `{"end": "ibsite-content", "rows": N}`, so that a file cut short is refused.

Lines end in `\n` alone; text is written as it is (`ensure_ascii=False`), so a reader must
split at `\n` only (U+2028 or U+0085 may be inside a line: `str.splitlines()` would cut there).

One line a row lets both commands stream: the export never holds more than a chunk of rows,
and the import reads the file twice (once to check everything, once to write) without
keeping it (standard input, which can be read once, is first copied to a temporary file by
`import_content -`). Primary keys are kept, so every link (and every address with an id)
stays.

What is content: every model of the apps editors curate (`ibsite.editors.CONTENT_APPS`),
their many-to-many tables included. What is not is listed in `NOT_CONTENT` with the reason;
`tests/test_transfer.py` fails when a model is in neither, so a new model gets a decision.
"""

import datetime
import gzip
import itertools
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Serializer as PythonSerializer
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import FileField
from django.utils import timezone

from community.models import Review
from core.versions import bump as renew_content_version
from ibsite.editors import CONTENT_APPS
from search import index as search_index
from search.models import Entry

# The content apps in the order of their layers (people below papers below episodes...).
APP_ORDER = ["people", "papers", "episodes", "posts", "taggit"]
FORMAT = "ibsite-content"
VERSION = 1
CHUNK = 1000  # rows read, checked and written at once

# Every model that is not content, and why. A model neither here nor in CONTENT_APPS fails
# tests/test_transfer.py: decide, and say so here or add its app to the content apps.
NOT_CONTENT = {
    "admin.logentry": "the admin's history: it names this site's users",
    "auth.permission": "made by migrate from the models",
    "auth.group": "made by migrate (Editors); accounts are set up on each site",
    "auth.group_permissions": "made by migrate",
    "auth.user": "accounts are per site: create them anew (createsuperuser, the admin)",
    "auth.user_groups": "accounts are per site",
    "auth.user_user_permissions": "accounts are per site",
    "contenttypes.contenttype": "made by migrate; the file names content types by natural key",
    "sessions.session": "who is signed in, here",
    "authtoken.token": "API keys are secrets of this site: issue new ones",
    "authtoken.tokenproxy": "a proxy of authtoken.token",
    "axes.accessattempt": "sign-in lockouts of this site",
    "axes.accessattemptexpiration": "sign-in lockouts of this site",
    "axes.accessfailurelog": "sign-in lockouts of this site",
    "axes.accesslog": "sign-in history of this site",
    "jobs.job": "background jobs that ran here, with their users and uploaded files",
    "accounts.profile": "listeners' profiles belong to their accounts, which are per site",
    "account.emailaddress": "listeners' addresses (allauth): accounts are per site",
    "account.emailconfirmation": "pending verifications of this site's accounts",
    "search.entry": "derived from the content: rebuilt after every import",
    "community.review": "listeners' reviews belong to this site's accounts, which stay",
}


class TransferError(Exception):
    """The file or the database is not fit for the transfer; nothing was written."""


def content_models():
    """The content models (many-to-many tables included), each after the models it points to,
    so that the file reads in an order that makes sense to people and to the database."""
    models = [
        model
        for app in sorted(CONTENT_APPS, key=APP_ORDER.index)
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.managed
    ]
    labels = {model._meta.label_lower for model in models}
    ordered, placed = [], set()
    pending = list(models)
    while pending:
        for model in pending:
            needs = {
                f.related_model._meta.label_lower
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model is not model
            } & labels
            if needs <= placed:
                ordered.append(model)
                placed.add(model._meta.label_lower)
                pending.remove(model)
                break
        else:  # a cycle of foreign keys: the database checks them at commit anyway
            ordered.extend(pending)
            break
    return ordered


def content_counts(models=None):
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in models or content_models()
    }


def applied_migrations():
    """{app: [migration, ...]} as this database has applied them."""
    applied = defaultdict(list)
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied[app].append(name)
    return dict(applied)


class Encoder(DjangoJSONEncoder):
    """Django's encoder, keeping a datetime's microseconds (it cuts them to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


class RowSerializer(PythonSerializer):
    """Django's rows, with a content type named by its natural key (its id differs from one
    database to the next) and every other link by primary key (kept by the import; taggit's
    Tag has a natural key too, its name, which the rows must not depend on)."""

    def handle_fk_field(self, obj, field):
        if field.related_model is ContentType:
            related = getattr(obj, field.name)
            self._current[field.name] = related.natural_key() if related else None
        else:
            self._current[field.name] = self._value_from_field(obj, field)


def _dump(data):
    return json.dumps(data, cls=Encoder, ensure_ascii=False, separators=(",", ":")) + "\n"


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _fields(model):
    """The fields a row carries: the concrete ones but the primary key."""
    return [f.name for f in model._meta.concrete_fields if not f.primary_key]


# Export.


def export(write, *, progress=None):
    """Write every content row through `write(text)`; `progress(label, done, total)` hears of
    each chunk. Returns {model: rows}. One read-only snapshot on PostgreSQL (repeatable read),
    so a site edited meanwhile still gives a consistent file."""
    models = content_models()
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return _export(write, models, progress)


def _export(write, models, progress):
    counts = content_counts(models)
    write(
        _dump(
            {
                "format": FORMAT,
                "version": VERSION,
                "exported_at": timezone.now(),
                "engine": connection.vendor,
                "site_url": settings.SITE_URL,
                "migrations": applied_migrations(),
                "counts": counts,
            }
        )
    )
    total = 0
    for model in models:
        label = model._meta.label_lower
        # Content types are written by natural key: fetch them with their rows.
        natural = [f.name for f in model._meta.concrete_fields if f.related_model is ContentType]
        rows = model._base_manager.order_by("pk").select_related(*natural)
        done = 0
        for chunk in _chunks(rows.iterator(chunk_size=CHUNK), CHUNK):
            dumped = RowSerializer().serialize(chunk, fields=_fields(model))
            write("".join(_dump(row) for row in dumped))
            done += len(chunk)
            if progress:
                progress(label, done, counts[label])
        if done != counts[label]:  # only without a snapshot (SQLite edited meanwhile)
            raise TransferError(
                f"{label} changed during the export ({counts[label]} rows counted, {done} "
                "written); export again."
            )
        total += done
    write(_dump({"end": FORMAT, "rows": total}))
    return counts


# Import.


@dataclass
class Header:
    version: int
    exported_at: str
    engine: str
    site_url: str
    migrations: dict
    counts: dict
    notes: list = field(default_factory=list)  # what the operator should know


def open_file(path):
    """The file as text lines, gunzipped if it is gzip (whatever its name)."""
    with open(path, "rb") as raw:
        magic = raw.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", newline="\n")
    return open(path, encoding="utf-8", newline="\n")


def _lines(path):
    """(line number, parsed object) for every line; TransferError naming a broken one."""
    try:
        with open_file(path) as lines:
            for number, line in enumerate(lines, 1):
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as error:
                    raise TransferError(
                        f"line {number} is not JSON ({error.msg} at column {error.colno}): "
                        "the file is damaged or cut short."
                    ) from None
                if not isinstance(data, dict):
                    raise TransferError(f"line {number} is not a JSON object.")
                yield number, data
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as error:
        raise TransferError(f"the file could not be read ({error}).") from None


def read_header(data):
    if data.get("format") != FORMAT:
        raise TransferError(
            f"this is not a content export of this site: its first line should name the format "
            f'"{FORMAT}". Make the file with `manage.py export_content`.'
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise TransferError(f"the format version {version!r} is unknown (this site reads 1).")
    if version > VERSION:
        raise TransferError(
            f"the file is in format version {version}, newer than this site reads ({VERSION}): "
            "it comes from a newer version of the site. Update this site's code, run "
            "`manage.py migrate`, and import again."
        )
    try:
        header = Header(
            version=version,
            exported_at=data["exported_at"],
            engine=data["engine"],
            site_url=data.get("site_url", ""),
            migrations=dict(data["migrations"]),
            counts=dict(data["counts"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise TransferError(f"the header lacks {error} or has it malformed.") from None
    _compare_migrations(header)
    return header


def _compare_migrations(header):
    """Refuse a file from a schema this database lacks; note one that is older."""
    here = applied_migrations()
    apps_in_file = {label.split(".")[0] for label in header.counts}
    missing, older = [], []
    for app in sorted(apps_in_file):
        theirs, ours = set(header.migrations.get(app, [])), set(here.get(app, []))
        missing += [f"{app}.{name}" for name in sorted(theirs - ours)]
        older += [f"{app}.{name}" for name in sorted(ours - theirs)]
    if missing:
        raise TransferError(
            "the file comes from a site with migrations this database has not applied ("
            + ", ".join(missing[:10])
            + (", ..." if len(missing) > 10 else "")
            + "). Bring this site's code up to date and run `manage.py migrate`, then import "
            "again."
        )
    if older:
        header.notes.append(
            f"This database has {len(older)} migration(s) the exporting site had not applied "
            f"({', '.join(older[:5])}{', ...' if len(older) > 5 else ''}); fields added since "
            "take their defaults."
        )


def _rows(path, models, header_seen=None):
    """(model, [(line, row), ...]) in chunks of one model, after the header; checks the
    structure of every line and the end. `header_seen(data)` receives the header."""
    by_label = {model._meta.label_lower: model for model in models}
    fields = {label: set(_fields(model)) for label, model in by_label.items()}
    lines = _lines(path)
    first = next(lines, None)
    if first is None:
        raise TransferError("the file is empty.")
    header = read_header(first[1])
    if header_seen:
        header_seen(header)
    for label in header.counts:
        if label not in by_label:
            raise TransferError(f"the file holds {label}, which is no content model here.")
    counts = dict.fromkeys(header.counts, 0)
    current, chunk, ended, total = None, [], None, 0
    for number, data in lines:
        if ended is not None:
            raise TransferError(f"line {number} follows the end line (line {ended}).")
        if "end" in data:
            if data["end"] != FORMAT or data.get("rows") != total:
                raise TransferError(
                    f"the end line (line {number}) counts {data.get('rows')!r} rows, the file "
                    f"holds {total}: the file is damaged."
                )
            ended = number
            continue
        label, pk, values = data.get("model"), data.get("pk"), data.get("fields")
        if not isinstance(label, str) or pk is None or not isinstance(values, dict):
            raise TransferError(f'line {number} is not a row ("model", "pk", "fields").')
        if label not in header.counts:
            raise TransferError(
                f"line {number} is a row of {label!r}, which the header does not count."
            )
        unknown = set(values) - fields[label]
        if unknown:
            raise TransferError(
                f"line {number}: {label} has no field {', '.join(sorted(unknown))} here."
            )
        if label != current:
            if chunk:
                yield by_label[current], chunk
                chunk = []
            current = label
        chunk.append((number, data))
        counts[label] += 1
        total += 1
        if len(chunk) >= CHUNK:
            yield by_label[current], chunk
            chunk = []
    if chunk:
        yield by_label[current], chunk
    if ended is None:
        raise TransferError(
            "the file has no end line: it was cut short (an interrupted export or copy)."
        )
    wrong = {label: n for label, n in counts.items() if n != header.counts[label]}
    if wrong:
        label, n = next(iter(wrong.items()))
        raise TransferError(
            f"the header counts {header.counts[label]} rows of {label}, the file holds {n}."
        )


def _deserialize(chunk):
    """The unsaved objects of a chunk of rows; TransferError naming the line of a bad value."""
    objects = []
    for number, row in chunk:
        try:
            (item,) = serializers.deserialize("python", [row], handle_forward_references=False)
        except DeserializationError as error:
            cause = error.__cause__ or error
            raise TransferError(f"line {number}: {cause}") from None
        objects.append(item.object)
    return objects


@dataclass
class Outcome:
    header: Header
    counts: dict  # {model: rows written}
    replaced: dict  # {model: rows there before}, when --replace
    index: dict  # search entries by kind
    missing_media: list  # file paths the rows name that MEDIA_ROOT lacks


class _HeaderBox:
    value = None

    def __call__(self, header):
        self.value = header


def peek_header(path):
    """The header alone (the first line), checked: format, version, migrations."""
    for _number, data in _lines(path):
        return read_header(data)
    raise TransferError("the file is empty.")


def check_file(path, *, progress=None):
    """Read the whole file and check every line (structure, models, fields, values, counts,
    the end) with nothing written. Returns the Header. `progress("check", model, done,
    total)` hears of each chunk."""
    box = _HeaderBox()
    done = defaultdict(int)
    for model, chunk in _rows(path, content_models(), box):
        _deserialize(chunk)
        label = model._meta.label_lower
        done[label] += len(chunk)
        if progress:
            progress("check", label, done[label], box.value.counts[label])
    return box.value


def existing_content(models=None):
    return {label: n for label, n in content_counts(models).items() if n}


def _refuse_content(before):
    listed = ", ".join(f"{n:,} {label}" for label, n in list(before.items())[:4])
    if len(before) > 4:
        listed += f" and rows of {len(before) - 4} more models"
    raise TransferError(
        f"the database already holds content ({listed}). import_content fills an empty "
        "database; --replace deletes all the content first (in the same transaction)."
    )


def load(path, *, replace=False, progress=None):
    """Check the file, then write it in one transaction: all of it, the sequences reset and
    the search index rebuilt, or nothing. A database with content is refused unless
    `replace`, which deletes it first (in the same transaction). `progress(stage, what,
    done, total)` hears of each chunk checked ("check"), written ("write") and indexed
    ("index")."""
    models = content_models()
    peek_header(path)  # a wrong format or version is refused at once
    if not replace and (before := existing_content(models)):
        _refuse_content(before)  # before the long check
    header = check_file(path, progress=progress)
    with transaction.atomic():
        before = existing_content(models)
        if before and not replace:
            _refuse_content(before)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # a big import may run past the usual limit
                cursor.execute("SET LOCAL statement_timeout = 0")
        if before:
            _delete_content(models)
        counts, media = _write(path, models, header, progress)
        connection.check_constraints(table_names=[m._meta.db_table for m in models])
        _reset_sequences(models)
        entries = search_index.rebuild(
            progress=progress and (lambda kind, done, total: progress("index", kind, done, total))
        )
        renew_content_version()  # bulk rows send no model signals
    missing = sorted(name for name in media if not _stored(name))
    return Outcome(header, counts, before, entries, missing)


def _stored(name):
    try:
        return default_storage.exists(name)
    except SuspiciousFileOperation:  # a path out of MEDIA_ROOT: not there, as far as we go
        return False


def _delete_content(models):
    """Every content row, and the search entries and listeners' reviews pointing at them
    (a review of episode 12 would be of another episode after the import), in plain SQL:
    the database checks the foreign keys at commit, once all of it is gone."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in [Entry, Review, *reversed(models)]:
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")


def _write(path, models, header, progress):
    counts = dict.fromkeys((m._meta.label_lower for m in models), 0)
    media = set()
    for model, chunk in _rows(path, models):
        objects = _deserialize(chunk)
        label = model._meta.label_lower
        stamped = [
            f.attname
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        # bulk_create stamps auto_now(_add) fields with the time of the import: put the
        # file's times back (bulk_update sends them as they are).
        kept = [[getattr(obj, name) for name in stamped] for obj in objects]
        model._base_manager.bulk_create(objects, batch_size=CHUNK)
        if stamped:
            for obj, values in zip(objects, kept, strict=True):
                for name, value in zip(stamped, values, strict=True):
                    setattr(obj, name, value)
            model._base_manager.bulk_update(objects, stamped, batch_size=CHUNK)
        for f in model._meta.concrete_fields:
            if isinstance(f, FileField):
                media.update(file.name for obj in objects if (file := getattr(obj, f.attname)))
        counts[label] += len(objects)
        if progress:
            progress("write", label, counts[label], header.counts[label])
    return counts, media


def _reset_sequences(models):
    """PostgreSQL hands out ids from sequences, which the kept ids did not advance."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
