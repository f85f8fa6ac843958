"""The site at scale, served as in production: requests a second and latency of each kind of
page, against /healthz in the same run.

`make bench-site` runs it (`make bench` runs it after bench-search). In a PostgreSQL database
of its own (ibsite_bench_site, on the server DATABASE_URL names, or
postgres://postgres@127.0.0.1:5432/ by default) it builds an archive in bulk: 5,000 episodes
of 20 chapters and 2 guests (3 papers discussed each), 20,000 people, 100,000 papers with 3
authors and 5 citations each, 2,000 posts and 500 tags, then the search index for it. The
archive is kept for the next run; it is built again when its recorded version or size
differs from what is asked (--scale), or with --rebuild.

Then, for each setup (--setups):
- one: one gunicorn, with the production configuration (gunicorn.conf.py) on loopback;
- two: two gunicorns sharing Redis and PostgreSQL, each driven by its own wrk;
- replica: one gunicorn reading from a streaming replica (scripts/replica.sh), writing to
  the primary;
it measures each address with wrk (Debian's package), bounded in time (--duration) and in
requests (--max-requests), three ways:
- cold: the page cache off (PAGE_CACHE_SECONDS=0);
- warm: the page cache on, filled by a warm-up pass;
- 304: each request sends the ETag it got before as If-None-Match.
It prints one table per setup and way: requests a second, p50 / p95 / p99, SQL queries a
request (counted in this process with Django's test client, the same settings), and each
address's requests a second as a share of /healthz's in the same run, with the targets
marked (HTML pages: cold at least 0.10 of /healthz and p95 under 150 ms, warm at least 0.60,
304 at least 0.80). Last, the throughput of each setup. Exit 1 when a target is missed.

Everything it starts (servers, wrk, the replica) is stopped at the end, on Ctrl-C too.
"""

import argparse
import contextlib
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.benchdb import bench_database_url, ensure_database  # noqa: E402

DB_NAME = "ibsite_bench_site"
# The benchmark's servers share this Redis database (the tests use others).
REDIS_URL = "redis://127.0.0.1:6379/8"
REPLICA_PORT = 5433
SEED = 20261126
# Bump when the archive's shape changes: a kept archive of another version is built again.
ARCHIVE_VERSION = 1
SIZES = {
    "episodes": 5_000,
    "chapters_per_episode": 20,
    "guests_per_episode": 2,
    "papers_per_episode": 3,
    "people": 20_000,
    "organizations": 200,
    "papers": 100_000,
    "authors_per_paper": 3,
    "citations_per_paper": 5,
    "posts": 2_000,
    "tags": 500,
}
SECRET_KEY = "bench-only-not-a-secret-" + "x" * 40
# Which topic's page is measured, by how much it is used (see addresses()).
TAG_RANK = 50

# The targets, for HTML pages, as requests a second over /healthz's in the same run.
TARGETS = {
    "cold": {"ratio": 0.10, "p95_ms": 150.0},
    "warm": {"ratio": 0.60},
    "304": {"ratio": 0.80},
}
MODES = ("cold", "warm", "304")
MODE_TITLES = {
    "cold": "cache cold (page cache off)",
    "warm": "cache warm",
    "304": "304 (If-None-Match)",
}
# A run with more failed requests than this share is a failure whatever its speed.
MAX_ERROR_SHARE = 0.01
SETUPS = ("one", "two", "replica")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per address (5)")
    parser.add_argument(
        "--warmup", type=int, default=1, help="seconds of untimed wrk before each, 0: none (1)"
    )
    parser.add_argument("--connections", type=int, default=8, help="open connections, in all (8)")
    parser.add_argument(
        "--max-requests",
        type=int,
        default=20_000,
        help="at most this many requests per address (20,000)",
    )
    parser.add_argument(
        "--setups",
        default=",".join(SETUPS),
        help="comma-separated, of: one, two, replica (all)",
    )
    parser.add_argument(
        "--modes", default=",".join(MODES), help="comma-separated, of: cold, warm, 304 (all)"
    )
    parser.add_argument(
        "--only", default="", help="comma-separated address names to measure (all)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="gunicorn workers per server (WEB_CONCURRENCY; the configuration's default)",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="the archive's size as a share of the full one (1; 0.02 for a quick try)",
    )
    parser.add_argument("--rebuild", action="store_true", help="build the archive again")
    parser.add_argument(
        "--build-only", action="store_true", help="build (or check) the archive, measure nothing"
    )
    parser.add_argument("--reindex", action="store_true", help="rebuild the search index")
    args = parser.parse_args(argv)
    args.setups = choices(args.setups, SETUPS, "--setups", parser)
    args.modes = choices(args.modes, MODES, "--modes", parser)
    if args.connections < 1 or args.duration < 1 or args.max_requests < 1 or args.warmup < 0:
        parser.error("--connections, --duration and --max-requests must be positive.")
    return args


def choices(text, allowed, option, parser):
    picked = [item.strip() for item in text.split(",") if item.strip()]
    unknown = [item for item in picked if item not in allowed]
    if unknown or not picked:
        parser.error(f"{option}: pick from {', '.join(allowed)} (got {text!r}).")
    return [item for item in allowed if item in picked]  # in the usual order


def scaled_sizes(scale):
    """The archive's sizes at `scale` (counts of things scale, counts per thing do not)."""
    per_thing = {key for key in SIZES if "_per_" in key}
    return {
        key: value if key in per_thing else max(2, round(value * scale))
        for key, value in SIZES.items()
    }


# The pure parts: wrk's script and output, the verdicts, the tables.


WRK_SCRIPT = """\
-- Written by scripts/bench_site.py: counts answers by kind, stops a thread after
-- %(max_per_thread)d responses, and prints one JSON line (BENCH {...}) at the end.
-- wrk's own duration is always the whole -d, even for a thread stopped early: a stopped
-- thread keeps its own time (LuaJIT's ffi: clock_gettime), and the rate is worked out on
-- that. Without ffi, no thread stops early (the run is bounded by time alone).
local threads = {}
local now_us = nil
do
  local found, ffi = pcall(require, "ffi")
  if found then
    ffi.cdef[[
      typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
      int clock_gettime(int clk_id, bench_timespec *tp);
    ]]
    local ts = ffi.new("bench_timespec")
    now_us = function()
      ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
      return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
    end
  end
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  responses = 0
  ok = 0
  not_modified = 0
  other = 0
  stopped_after_us = 0
  started_us = now_us and now_us() or 0
end

function response(status, headers, body)
  responses = responses + 1
  if status == 304 then
    not_modified = not_modified + 1
  elseif status >= 200 and status < 300 then
    ok = ok + 1
  else
    other = other + 1
  end
  if now_us and responses >= %(max_per_thread)d and stopped_after_us == 0 then
    stopped_after_us = now_us() - started_us
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local ok_n, nm_n, other_n, seconds_us, all_stopped = 0, 0, 0, 0, true
  for _, thread in ipairs(threads) do
    ok_n = ok_n + (thread:get("ok") or 0)
    nm_n = nm_n + (thread:get("not_modified") or 0)
    other_n = other_n + (thread:get("other") or 0)
    local stopped = thread:get("stopped_after_us") or 0
    if stopped > 0 then
      seconds_us = math.max(seconds_us, stopped)
    else
      all_stopped = false
    end
  end
  if not all_stopped then
    seconds_us = summary.duration
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, ' ..
    '"p99_us": %%d, "max_us": %%d, "ok": %%d, "not_modified": %%d, "other": %%d, ' ..
    '"socket_errors": %%d, "stopped_early": %%s}\\n',
    summary.requests, seconds_us, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, ok_n, nm_n, other_n,
    e.connect + e.read + e.write + e.timeout, tostring(all_stopped)))
end
"""


def wrk_script(max_requests, threads=1):
    """wrk's Lua script: at most `max_requests` responses in all, over `threads` threads."""
    return WRK_SCRIPT % {"max_per_thread": max(1, math.ceil(max_requests / threads))}


@dataclass
class Measure:
    """What wrk measured of one address."""

    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    ok: int = 0
    not_modified: int = 0
    other: int = 0
    socket_errors: int = 0
    stopped_early: bool = False  # at --max-requests, before the time was up

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def failed(self):
        return self.other + self.socket_errors


def parse_wrk(output):
    """A Measure from wrk's output with our script's BENCH line; ValueError if it has none."""
    for line in output.splitlines():
        if line.startswith("BENCH "):
            data = json.loads(line[len("BENCH ") :])
            return Measure(
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                p50_ms=data["p50_us"] / 1000,
                p95_ms=data["p95_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                ok=data["ok"],
                not_modified=data["not_modified"],
                other=data["other"],
                socket_errors=data["socket_errors"],
                stopped_early=data.get("stopped_early", False),
            )
    last = output.strip().splitlines()[-1:] or ["nothing"]
    raise ValueError(f"wrk printed no BENCH line (its last: {last[0][:120]!r})")


def combine(measures):
    """Several wrk runs at once (one per server): requests added up, the worst latencies."""
    seconds = max(m.seconds for m in measures)
    return Measure(
        requests=sum(m.requests for m in measures),
        seconds=seconds,
        p50_ms=max(m.p50_ms for m in measures),
        p95_ms=max(m.p95_ms for m in measures),
        p99_ms=max(m.p99_ms for m in measures),
        ok=sum(m.ok for m in measures),
        not_modified=sum(m.not_modified for m in measures),
        other=sum(m.other for m in measures),
        socket_errors=sum(m.socket_errors for m in measures),
        stopped_early=all(m.stopped_early for m in measures),
    )


@dataclass
class Row:
    """One address in one table."""

    name: str
    kind: str  # "probe" (/healthz), "html", "feed" or "api"
    measure: Measure | None  # None: not measured (the reason is in `note`)
    queries: int | None = None
    ratio: float | None = None
    verdict: str = ""  # "pass", "FAIL" or "" (no target)
    reasons: list = field(default_factory=list)
    note: str = ""


def judge(rows, mode):
    """Fill in each row's ratio to /healthz and, for HTML pages, its verdict against the
    mode's targets. Returns the rows."""
    target = TARGETS[mode]
    probe = next((r for r in rows if r.kind == "probe" and r.measure), None)
    base = probe.measure.rps if probe else 0.0
    for row in rows:
        row.reasons = []
        if row.measure is not None and row.measure.requests == 0:
            row.measure, row.note = None, row.note or "no answer in the time given"
        if row.measure is None:
            row.verdict = "FAIL" if row.kind == "html" else ""
            row.reasons = [row.note or "not measured"]
            continue
        row.ratio = row.measure.rps / base if base else None
        answered = row.measure.requests or 1
        if row.measure.failed / answered > MAX_ERROR_SHARE:
            row.reasons.append(f"{row.measure.failed} failed")
        if mode == "304" and row.kind != "probe" and row.measure.not_modified < answered / 2:
            row.reasons.append("not 304")
        if row.kind != "html":
            row.verdict = "FAIL" if row.reasons else ""
            continue
        if row.ratio is None:
            row.reasons.append("no /healthz")
        elif row.ratio < target["ratio"]:
            row.reasons.append(f"ratio < {target['ratio']:.2f}")
        if "p95_ms" in target and row.measure.p95_ms >= target["p95_ms"]:
            row.reasons.append(f"p95 >= {target['p95_ms']:.0f} ms")
        row.verdict = "FAIL" if row.reasons else "pass"
    return rows


def target_text(mode):
    target = TARGETS[mode]
    text = f"HTML pages at least {target['ratio']:.2f} of /healthz"
    if "p95_ms" in target:
        text += f", p95 under {target['p95_ms']:.0f} ms"
    return text


def format_table(title, rows):
    """The table a person reads: one line per address."""
    header = (
        f"{'address':<16} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'SQL':>4} {'/healthz':>8}  verdict"
    )
    lines = [title, header, "-" * len(header)]
    for row in rows:
        sql = "-" if row.queries is None else str(row.queries)
        if row.measure is None:
            lines.append(f"{row.name:<16} {'-':>8} {'-':>8} {'-':>8} {'-':>8} {sql:>4} {'-':>8}  "
                         f"{row.verdict} ({'; '.join(row.reasons)})".rstrip())  # fmt: skip
            continue
        m = row.measure
        ratio = "-" if row.ratio is None else f"{row.ratio:.2f}"
        verdict = row.verdict
        if row.reasons:
            verdict = f"{verdict} ({'; '.join(row.reasons)})".strip()
        lines.append(
            f"{row.name:<16} {m.rps:>8.0f} {m.p50_ms:>8.1f} {m.p95_ms:>8.1f} {m.p99_ms:>8.1f} "
            f"{sql:>4} {ratio:>8}  {verdict}".rstrip()
        )
    return "\n".join(lines)


def throughput(rows):
    """A setup's throughput in one way: /healthz's requests a second, the HTML pages' mean,
    and how many pages passed."""
    probe = next((r.measure.rps for r in rows if r.kind == "probe" and r.measure), None)
    pages = [r for r in rows if r.kind == "html"]
    measured = [r.measure.rps for r in pages if r.measure]
    return {
        "healthz_rps": None if probe is None else round(probe, 1),
        "pages_mean_rps": round(sum(measured) / len(measured), 1) if measured else None,
        "pages_passed": sum(r.verdict == "pass" for r in pages),
        "pages": len(pages),
    }


def format_throughput(summary):
    """{setup: {mode: throughput(...)}} as a table."""
    header = f"{'setup':<10} {'way':<6} {'/healthz req/s':>15} {'pages req/s':>12}  passed"
    lines = ["Throughput of each setup (pages req/s: the mean over the HTML pages)", header,
             "-" * len(header)]  # fmt: skip
    for setup, modes in summary.items():
        for mode, t in modes.items():
            healthz = "-" if t["healthz_rps"] is None else f"{t['healthz_rps']:.0f}"
            pages = "-" if t["pages_mean_rps"] is None else f"{t['pages_mean_rps']:.0f}"
            lines.append(
                f"{setup:<10} {mode:<6} {healthz:>15} {pages:>12}  "
                f"{t['pages_passed']} of {t['pages']}"
            )
    return "\n".join(lines)


# The database and Django.


def server_env(url, **extra):
    """The environment of the servers, and of this process's Django: production settings
    (DEBUG off) on loopback over plain HTTP."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_REPLICA_URL", "PAGE_CACHE_SECONDS", "CELERY_BROKER_URL"}
    }
    env.update(
        DATABASE_URL=url,
        REDIS_URL=REDIS_URL,
        DJANGO_SETTINGS_MODULE="ibsite.settings",
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        SITE_URL="http://127.0.0.1",
        # Every request comes from 127.0.0.1: a per-second rate keeps the throttle's record
        # of recent requests as short as production's 600/hour does, without refusing any.
        API_ANON_RATE="1000000/second",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def setup_django(url):
    os.environ.update(server_env(url, LOG_LEVEL="ERROR"))
    import django

    django.setup()


META_TABLE = "bench_site_archive"


def recorded_archive():
    """What the kept archive says it is ({} when none was finished)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (about jsonb NOT NULL)")
        cursor.execute(f"SELECT about FROM {META_TABLE}")
        row = cursor.fetchone()
    if not row:
        return {}
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


def record_archive(about):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {META_TABLE}")
        cursor.execute(f"INSERT INTO {META_TABLE} (about) VALUES (%s)", [json.dumps(about)])


class Progress:
    """Progress lines, at most one every few seconds per kind, and always the last."""

    def __init__(self, out, every=5.0):
        self.out, self.every, self.last = out, every, 0.0

    def __call__(self, kind, done, total):
        if time.monotonic() - self.last > self.every or done >= total:
            self.last = time.monotonic()
            self.out(f"  {kind}: {done:,} of {total:,}")


def zipf_weights(n, s=1.0):
    """Cumulative weights for rng.choices: a few items popular, most rare."""
    cumulative, total = [], 0.0
    for rank in range(1, n + 1):
        total += 1 / rank**s
        cumulative.append(total)
    return cumulative


def build_archive(sizes, out):
    """The archive, in bulk: bulk_create in batches, one transaction, progress as it goes."""
    from bench_search import Words, person_names  # the same realistic text as bench-search
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from taggit.models import Tag, TaggedItem

    from core.text import name_key
    from episodes.models import Appearance, Chapter, Discussion, Episode, Show
    from papers.models import Authorship, Citation, Paper
    from people.models import Affiliation, Organization, Person
    from posts.models import Post
    from search.models import Entry

    rng = random.Random(SEED)
    words = Words(rng)
    progress = Progress(out)
    started = time.monotonic()
    batch = 5_000
    out("Building the archive (once; --rebuild builds it again)...")
    with connection.cursor() as cursor:
        models = (Entry, TaggedItem, Tag, Citation, Authorship, Discussion, Chapter, Appearance,
                  Episode, Show, Post, Paper, Affiliation, Organization, Person)  # fmt: skip
        tables = ", ".join(m._meta.db_table for m in models)
        cursor.execute(f"TRUNCATE {tables}, {META_TABLE} RESTART IDENTITY CASCADE")

    def in_batches(model, objects, total, label, size=batch):
        """bulk_create an iterator of objects, `size` at a time, with progress."""
        done, chunk = 0, []
        for obj in objects:
            chunk.append(obj)
            if len(chunk) == size:
                model.objects.bulk_create(chunk)
                done += len(chunk)
                chunk = []
                progress(label, done, total)
        if chunk or not done:
            model.objects.bulk_create(chunk)
            done += len(chunk)
            progress(label, done, total)

    with transaction.atomic():
        n_people = sizes["people"]
        names = person_names(rng, words, n_people)
        in_batches(
            Person,
            (
                Person(
                    name=name,
                    slug=f"person-{i}",
                    name_key=name_key(name),
                    bio=words.text(15, 40),
                    is_host=i < 2,
                )
                for i, name in enumerate(names)
            ),
            n_people,
            "people",
        )
        person_ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
        hosts, others = person_ids[:2], person_ids[2:]

        organizations = [
            Organization(name=f"{words.title(1, 3)} Institute {i}", slug=f"org-{i}")
            for i in range(sizes["organizations"])
        ]
        Organization.objects.bulk_create(organizations)
        org_ids = list(Organization.objects.values_list("pk", flat=True))
        in_batches(
            Affiliation,
            (
                Affiliation(person_id=pid, organization_id=rng.choice(org_ids), title="Professor")
                for pid in person_ids[::2]
            ),
            len(person_ids[::2]),
            "affiliations",
        )

        n_papers = sizes["papers"]
        venues = ["NeurIPS", "ICML", "ICLR", "ACL", "CVPR", "arXiv"]
        in_batches(
            Paper,
            (
                Paper(
                    title=words.title(5, 12),
                    slug=f"paper-{i}",
                    year=rng.randint(1990, 2026),
                    venue=rng.choice(venues),
                    abstract=words.text(100, 180),
                    summary=words.text(20, 40) if i % 4 == 0 else "",
                )
                for i in range(n_papers)
            ),
            n_papers,
            "papers",
        )
        paper_ids = list(Paper.objects.order_by("pk").values_list("pk", flat=True))
        per = sizes["authors_per_paper"]
        in_batches(
            Authorship,
            (
                Authorship(paper_id=paper_id, person_id=person_id, order=order)
                for paper_id in paper_ids
                for order, person_id in enumerate(rng.sample(others, per), start=1)
            ),
            per * len(paper_ids),
            "authorships",
        )
        per = min(sizes["citations_per_paper"], len(paper_ids) - 1)
        in_batches(
            Citation,
            (
                Citation(citing_id=paper_id, cited_id=cited)
                for paper_id in paper_ids
                for cited in [p for p in rng.sample(paper_ids, per + 1) if p != paper_id][:per]
            ),
            per * len(paper_ids),
            "citations",
            size=10_000,
        )

        show = Show.objects.create(
            title="The Information Bottleneck (bench)",
            slug="bench",
            description=words.text(30, 60),
            owner_name="Bench",
            owner_email="bench@example.com",
        )
        show.hosts.set(hosts)
        now = datetime.now(UTC)
        n_episodes = sizes["episodes"]
        in_batches(
            Episode,
            (
                Episode(
                    show=show,
                    title=words.title(5, 12),
                    slug=f"episode-{i}",
                    number=n_episodes - i,
                    guid=f"bench-episode-{i}",
                    is_draft=False,
                    published_at=now - timedelta(days=i, hours=1),
                    duration=3_600,
                    summary=words.text(15, 30),
                    description=words.text(80, 150),
                    audio_url=f"https://media.example.com/episode-{i}.mp3",
                    audio_size=50_000_000,
                )
                for i in range(n_episodes)
            ),
            n_episodes,
            "episodes",
            size=1_000,
        )
        episode_ids = list(Episode.objects.order_by("pk").values_list("pk", flat=True))
        discussed = {
            eid: rng.sample(paper_ids, sizes["papers_per_episode"]) for eid in episode_ids
        }
        in_batches(
            Discussion,
            (
                Discussion(episode_id=eid, paper_id=pid, note=words.text(3, 8))
                for eid in episode_ids
                for pid in discussed[eid]
            ),
            len(episode_ids) * sizes["papers_per_episode"],
            "papers discussed",
        )
        per = sizes["guests_per_episode"]
        guests = {eid: rng.sample(others, per) for eid in episode_ids}
        in_batches(
            Appearance,
            (
                Appearance(
                    episode_id=eid,
                    person_id=pid,
                    role="guest",
                    order=order,
                    affiliation=words.title(1, 3),
                )
                for eid in episode_ids
                for order, pid in enumerate(guests[eid])
            ),
            len(episode_ids) * per,
            "guests",
        )
        per = sizes["chapters_per_episode"]

        def chapter(eid, n):
            # Every fifth chapter is about a paper discussed, every seventh about a guest.
            paper = discussed[eid][n % len(discussed[eid])] if n % 5 == 1 else None
            person = guests[eid][n % len(guests[eid])] if n % 7 == 3 else None
            return Chapter(episode_id=eid, start=n * 170, title=words.title(3, 9),
                           paper_id=paper, person_id=person)  # fmt: skip

        in_batches(
            Chapter,
            (chapter(eid, n) for eid in episode_ids for n in range(per)),
            len(episode_ids) * per,
            "chapters",
        )

        n_posts = sizes["posts"]
        in_batches(
            Post,
            (
                Post(
                    title=words.title(4, 10),
                    slug=f"post-{i}",
                    author_id=hosts[i % 2],
                    dek=words.text(8, 16),
                    body="\n\n".join(words.text(60, 120) for _ in range(5)),
                    is_draft=False,
                    published_at=now - timedelta(days=i * 2, hours=3),
                )
                for i in range(n_posts)
            ),
            n_posts,
            "posts",
        )
        post_ids = list(Post.objects.order_by("pk").values_list("pk", flat=True))
        Post.papers.through.objects.bulk_create(
            Post.papers.through(post_id=post_id, paper_id=paper_id)
            for post_id in post_ids
            for paper_id in rng.sample(paper_ids, 2)
        )

        Tag.objects.bulk_create(
            Tag(name=word, slug=word)
            for word in rng.sample(words.vocabulary[200:2_200], sizes["tags"])
        )
        tag_ids = list(Tag.objects.order_by("pk").values_list("pk", flat=True))
        popularity = zipf_weights(len(tag_ids))

        def tagged(model, ids, low, high):
            kind = ContentType.objects.get_for_model(model)
            for object_id in ids:
                n = rng.randint(low, high)
                for tag_id in set(rng.choices(tag_ids, cum_weights=popularity, k=n)):
                    yield TaggedItem(tag_id=tag_id, content_type=kind, object_id=object_id)

        for model, ids, low, high in [
            (Episode, episode_ids, 1, 3),
            (Paper, paper_ids, 0, 2),
            (Post, post_ids, 1, 3),
            (Person, person_ids[::4], 1, 2),
        ]:
            expected = len(ids) * (low + high) // 2
            in_batches(TaggedItem, tagged(model, ids, low, high), expected,
                       f"{model._meta.verbose_name} tags (about)")  # fmt: skip
    out(f"Archive built in {time.monotonic() - started:.0f} s.")


def build_index(out):
    from django.db import connection, transaction

    from search import index

    out("Indexing for search (search.index.rebuild)...")
    started = time.monotonic()
    with transaction.atomic():
        counts = index.rebuild(progress=Progress(out))
    seconds = time.monotonic() - started
    total = sum(counts.values())
    rate = total / max(seconds, 0.001)
    out(f"Indexed {total:,} entries in {seconds:.0f} s ({rate:,.0f} a second).")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # fresh statistics for the query planner


# What is measured.


@dataclass
class Address:
    name: str
    path: str
    kind: str


def addresses():
    """The addresses measured, on real objects from the middle of the archive."""
    from django.db.models import Count
    from taggit.models import Tag

    from episodes.models import Episode

    live = Episode.objects.live().order_by("-published_at")
    episode = live[min(100, live.count() - 1)]  # not on the first pages: a fair lookup
    guest = episode.appearances.order_by("order").first().person
    paper = episode.discussions.order_by("pk").first().paper
    # A topic of middling use (the 50th most used: a few hundred items). The most used ones
    # list thousands of items on one page (the first, 17,000 items: 6.5 MB in about a
    # minute), which is a page to split, not one to put under load.
    by_use = Tag.objects.annotate(n=Count("taggit_taggeditem_items")).order_by("-n", "pk")
    tags = list(by_use[:TAG_RANK])
    tag = tags[-1]
    return [
        Address("/healthz", "/healthz", "probe"),
        Address("home", "/", "html"),
        Address("episode list", "/episodes/", "html"),
        Address("episode page", f"/episodes/{episode.slug}/", "html"),
        Address("person page", f"/people/{guest.slug}/", "html"),
        Address("paper page", f"/papers/{paper.slug}/", "html"),
        Address("tag page", f"/tags/{tag.slug}/", "html"),
        Address("search", "/search/?q=" + urllib.parse.quote(search_word()), "html"),
        Address("podcast feed", "/feed/podcast.xml", "feed"),
        Address("API episodes", "/api/v1/episodes/", "api"),
        Address("API episode", f"/api/v1/episodes/{episode.slug}/", "api"),
    ]


def search_word():
    """A common word of the archive's text (found in many entries, as a visitor's is)."""
    from bench_search import Words

    return Words(random.Random(SEED)).vocabulary[40]


def count_queries(targets, modes, out):
    """{mode: {name: SQL queries of one request}}, counted here with Django's test client
    (the servers' settings; every database alias counted)."""
    from django.core.cache import cache
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    def counted(client, path, **headers):
        with contextlib.ExitStack() as stack:
            captures = [
                stack.enter_context(CaptureQueriesContext(connections[alias]))
                for alias in connections
            ]
            response = client.get(path, **headers)
        return response, sum(len(c.captured_queries) for c in captures)

    found = {}
    for mode in modes:
        seconds = 0 if mode == "cold" else 300
        with override_settings(PAGE_CACHE_SECONDS=seconds):
            cache.clear()
            client = Client()  # a new handler: middleware reads the settings afresh
            found[mode] = {}
            for address in targets:
                first, _ = counted(client, address.path)  # warms what a process keeps
                if mode == "304":
                    etag = first.get("ETag")
                    if not etag:
                        found[mode][address.name] = None
                        continue
                    _, n = counted(client, address.path, HTTP_IF_NONE_MATCH=etag)
                else:
                    _, n = counted(client, address.path)
                found[mode][address.name] = n
    out("SQL queries a request counted in-process: " + json.dumps(found))
    return found


# Processes: everything started is stopped at the end, on Ctrl-C too.


class Processes:
    def __init__(self):
        self.running = []

    def start(self, command, **kwargs):
        process = subprocess.Popen(command, start_new_session=True, **kwargs)
        self.running.append(process)
        return process

    def stop(self, process, timeout=15):
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if process in self.running:
            self.running.remove(process)

    def stop_all(self):
        for process in list(reversed(self.running)):
            self.stop(process)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_command(port, workers):
    """gunicorn with the production configuration (gunicorn.conf.py, read from the working
    directory), or with explicit flags until that file exists."""
    command = [sys.executable, "-m", "gunicorn", "ibsite.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}"]
    if (ROOT / "gunicorn.conf.py").exists():
        if workers:
            command += ["--workers", str(workers)]
        return command
    cores = os.cpu_count() or 1
    workers = workers or int(os.environ.get("WEB_CONCURRENCY", 2 * cores + 1))
    threads = int(os.environ.get("GUNICORN_THREADS", 1))
    command += ["--workers", str(workers), "--threads", str(threads)]
    command += ["--worker-class", "gthread" if threads > 1 else "sync", "--timeout", "30"]
    return command


class Server:
    """A gunicorn on a free loopback port, its output in a log file."""

    def __init__(self, processes, env, workers):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Kept open for the server's lifetime (closed and removed by stop()).
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            "w+", prefix="bench-site-gunicorn-", suffix=".log", delete=False
        )
        env = dict(env, BIND=f"127.0.0.1:{self.port}")
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        self.process = processes.start(
            gunicorn_command(self.port, workers),
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        self.log.flush()
        tail = Path(self.log.name).read_text()[-3000:]
        raise RuntimeError(f"gunicorn on {self.url} did not become ready:\n{tail}")


def etag_of(url):
    request = urllib.request.Request(url)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers.get("ETag")


def run_wrk(processes, script_path, url, seconds, connections, headers=()):
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(script_path)]
    for header in headers:
        command += ["-H", header]
    command.append(url)
    return processes.start(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def measure(processes, script_path, servers, address, seconds, connections, mode):
    """Run wrk against every server at once (the connections shared out); a Measure."""
    per_server = max(1, connections // len(servers))
    runs = []
    for server in servers:
        url = server.url + address.path
        headers = []
        if mode == "304" and address.kind != "probe":
            etag = etag_of(url)
            if not etag:
                return None, "no ETag"
            headers.append(f"If-None-Match: {etag}")
        runs.append(run_wrk(processes, script_path, url, seconds, per_server, headers))
    measures = []
    for run in runs:
        try:
            output, _ = run.communicate(timeout=seconds + 60)
        finally:
            processes.stop(run)
        measures.append(parse_wrk(output))
    return combine(measures), ""


def measure_table(processes, script_path, servers, targets, args, mode, sql, out):
    rows = []
    for address in targets:
        if args.warmup > 0:
            # Untimed; should it fail, the timed run below says what is wrong.
            with contextlib.suppress(ValueError, urllib.error.URLError, OSError):
                measure(processes, script_path, servers, address, args.warmup,
                        args.connections, mode)  # fmt: skip
        try:
            found, note = measure(processes, script_path, servers, address, args.duration,
                                  args.connections, mode)  # fmt: skip
        except (ValueError, urllib.error.URLError, OSError) as error:
            found, note = None, str(error).splitlines()[0][:80]
        row = Row(address.name, address.kind, found, sql.get(address.name), note=note)
        rows.append(row)
        if found and found.requests:
            out(f"  {address.name:<16} {found.rps:8.0f} req/s  p95 {found.p95_ms:7.1f} ms")
        else:
            out(f"  {address.name:<16} not measured: {note or 'no answer in the time given'}")
    return judge(rows, mode)


# The replica (scripts/replica.sh, another engineer's; skipped when missing or failing).


def replica_script():
    return ROOT / "scripts" / "replica.sh"


def start_replica(out):
    """(url, started_here) when the replica answers with the archive, or (None, reason)."""
    script = replica_script()
    if not script.exists():
        return None, "scripts/replica.sh is not there yet"
    status = subprocess.run(["bash", str(script), "status"], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    started_here = False
    if status.returncode != 0:
        out("Starting the replica (scripts/replica.sh start)...")
        started = subprocess.run(["bash", str(script), "start"], cwd=ROOT, capture_output=True,
                                 text=True, timeout=600)  # fmt: skip
        if started.returncode != 0:
            tail = (started.stdout + started.stderr).strip()[-500:]
            return None, f"scripts/replica.sh start failed: {tail}"
        started_here = True
    url = f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/{DB_NAME}"
    if not replica_has_archive(url):
        if started_here:
            stop_replica()
        return None, f"the replica on port {REPLICA_PORT} has no up-to-date {DB_NAME}"
    return url, started_here


def replica_has_archive(url, timeout=120):
    """The replica has caught up with the archive (its record is there)."""
    import psycopg

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(url.replace("postgres://", "postgresql://", 1),
                                 connect_timeout=5) as conn:  # fmt: skip
                row = conn.execute(f"SELECT about FROM {META_TABLE}").fetchone()
                if row:
                    return True
        except psycopg.Error:
            pass
        time.sleep(2)
    return False


def stop_replica():
    subprocess.run(["bash", str(replica_script()), "stop"], cwd=ROOT, capture_output=True,
                   timeout=120)  # fmt: skip


def page_cache_note():
    from django.conf import settings

    if not hasattr(settings, "PAGE_CACHE_SECONDS"):
        return (
            "PAGE_CACHE_SECONDS is not a setting yet (no page cache): cache cold and warm "
            "run the same server configuration."
        )
    return ""


def flush_cache():
    from django.core.cache import cache

    cache.clear()


def run_setup(setup, processes, url, targets, sql, args, script_path, out):
    """Every way (cold, warm, 304) on one setup; {mode: rows}."""
    replica_url, started_replica = None, False
    if setup == "replica":
        replica_url, started_replica = start_replica(out)
        if replica_url is None:
            out(f"Skipping the replica setup: {started_replica}.")
            return None
    try:
        count = 2 if setup == "two" else 1
        tables = {}
        for mode in args.modes:
            extra = {"PAGE_CACHE_SECONDS": "0" if mode == "cold" else "300"}
            if replica_url:
                extra["DATABASE_REPLICA_URL"] = replica_url
            flush_cache()
            servers = [Server(processes, server_env(url, **extra), args.workers)
                       for _ in range(count)]  # fmt: skip
            try:
                for server in servers:
                    server.wait_ready()
                out(f"[{setup}] {MODE_TITLES[mode]}: {count} server(s) at "
                    f"{', '.join(s.url for s in servers)}")  # fmt: skip
                tables[mode] = measure_table(processes, script_path, servers, targets, args,
                                             mode, sql.get(mode, {}), out)  # fmt: skip
            finally:
                for server in servers:
                    processes.stop(server.process)
                    server.log.close()
                    os.unlink(server.log.name)
        return tables
    finally:
        if started_replica:
            stop_replica()


def interrupted(signum, frame):
    """SIGTERM as Ctrl-C: the same clean-up."""
    raise KeyboardInterrupt


def check_tools():
    if shutil.which("wrk") is None:
        sys.exit(
            "bench-site needs wrk. Install it with `apt-get install -y wrk` (Debian's package), "
            "or run `make bench-site`, which installs it when it runs as root."
        )
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        sys.exit("bench-site needs gunicorn: `make install` (it is in pyproject.toml).")


def main(argv=None):
    args = parse_args(argv)
    out = print
    check_tools()
    url, parts = bench_database_url(DB_NAME)
    ensure_database(parts, DB_NAME, "bench-site")
    setup_django(url)

    from django.core.management import call_command

    sizes = scaled_sizes(args.scale)
    wanted = {"version": ARCHIVE_VERSION, "sizes": sizes}
    out(f"== bench-site on PostgreSQL ({DB_NAME}), Redis database 8")
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():  # `make static` makes it
        out("Collecting the static files (collectstatic)...")
        call_command("collectstatic", interactive=False, verbosity=0)
    recorded = recorded_archive()
    fresh = (
        args.rebuild
        or recorded.get("version") != ARCHIVE_VERSION
        or (recorded.get("sizes") != sizes)
    )
    if fresh:
        if recorded:
            out(f"The kept archive is {recorded}; building the one asked for.")
        build_archive(sizes, out)
    if fresh or args.reindex or not recorded.get("indexed"):
        build_index(out)
        record_archive({**wanted, "indexed": True})
    else:
        out(f"Reusing the archive in {DB_NAME}: {json.dumps(sizes)}")
    out(f"Archive ready in {time.monotonic() - started:.0f} s.")
    if args.build_only:
        return

    targets = addresses()
    if args.only:
        names = {name.strip() for name in args.only.split(",")}
        targets = [a for a in targets if a.kind == "probe" or a.name in names]
    for address in targets:
        out(f"  {address.name:<16} {address.path}")
    sql = count_queries(targets, args.modes, out)
    note = page_cache_note()
    if note:
        out(note)
    gunicorn_conf = (ROOT / "gunicorn.conf.py").exists()
    out(
        "gunicorn: "
        + ("gunicorn.conf.py" if gunicorn_conf else "gunicorn.conf.py is not there yet; flags: ")
        + ("" if gunicorn_conf else " ".join(gunicorn_command(0, args.workers)[6:]))
    )
    out(f"wrk: 1 thread, {args.connections} connections, {args.duration} s per address "
        f"(at most {args.max_requests:,} requests), after {args.warmup} s untimed.")  # fmt: skip

    processes = Processes()
    previous = signal.signal(signal.SIGTERM, interrupted)
    results, failed = {}, False
    run_started = time.monotonic()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="bench-site-") as script:
        script.write(wrk_script(args.max_requests))
        script.flush()
        try:
            for setup in args.setups:
                try:
                    tables = run_setup(setup, processes, url, targets, sql, args, script.name,
                                       out)  # fmt: skip
                except RuntimeError as error:  # a server that never became ready
                    out(f"The {setup} setup failed: {error}")
                    failed = True
                    continue
                if tables is None:
                    continue
                results[setup] = tables
                for mode, rows in tables.items():
                    title = f"\n[{setup}] {MODE_TITLES[mode]}; target: {target_text(mode)}"
                    out(format_table(title, rows))
                    failed |= any(r.verdict == "FAIL" for r in rows)
        except KeyboardInterrupt:
            processes.stop_all()
            out("\nInterrupted: everything this run started is stopped.")
            sys.exit(130)
        finally:
            processes.stop_all()
            signal.signal(signal.SIGTERM, previous)
    out(f"\nMeasured in {time.monotonic() - run_started:.0f} s.")
    summary = {
        setup: {mode: throughput(rows) for mode, rows in tables.items()}
        for setup, tables in results.items()
    }
    out(format_throughput(summary))
    out("Summary: " + json.dumps({"sizes": sizes, "throughput": summary}))
    if failed:
        out("Some targets were missed (FAIL above).")
        sys.exit(1)
    out("Every target met.")


if __name__ == "__main__":
    main()
