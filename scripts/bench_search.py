"""Search at scale: latency of /search/ and /api/v1/search/ on a large generated corpus.

`make bench-search` runs it. In a PostgreSQL database of its own (ibsite_bench, on the
server DATABASE_URL names, or postgres://postgres@127.0.0.1:5432/ by default) it builds
100,000 papers (3 authors each), 20,000 people and 5,000 episodes of 20 chapters, with text
drawn from the words of the real show notes plus made-up words, at Zipf frequencies (a few
words everywhere, most words rare, as in real text). The corpus is built once and kept for
the next run (--fresh builds it again); the search index is built through the site's own
indexer (search.index.rebuild), timed.

Then 50 varied queries (common and rare words, two words, phrases, names, misspelled names,
exclusions, OR, no match) each go through the page and the API in-process, with Django's
test client and production settings (DEBUG off): the figures are the server's time for a
request, database included, without the network. One untimed round warms the caches, then
three timed rounds; it prints p50, p95 and the slowest queries, and fails (exit 1) when the
API's p95 is over the target (--target-ms, 50).
"""

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.benchdb import bench_database_url, ensure_database  # noqa: E402

DB_NAME = "ibsite_bench"
SEED = 20261122


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--papers", type=int, default=100_000, help="papers (100,000)")
    parser.add_argument("--people", type=int, default=20_000, help="people (20,000)")
    parser.add_argument("--episodes", type=int, default=5_000, help="episodes (5,000)")
    parser.add_argument("--chapters", type=int, default=20, help="chapters an episode (20)")
    parser.add_argument("--queries", type=int, default=50, help="queries timed (50)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds over them (3)")
    parser.add_argument(
        "--target-ms", type=float, default=50.0, help="the API's p95 must be under it (50)"
    )
    parser.add_argument("--fresh", action="store_true", help="build the corpus again")
    parser.add_argument("--reindex", action="store_true", help="rebuild the search index")
    return parser.parse_args()


def setup_django(url):
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="ibsite.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-not-a-secret",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        API_ANON_RATE="1000000/hour",
        LOG_LEVEL="ERROR",
    )
    import django

    django.setup()


# Text with realistic word frequencies.


class Words:
    """Words at Zipf frequencies: the show's own vocabulary first, then made-up words."""

    def __init__(self, rng, size=30_000):
        content = (ROOT / "ibsite" / "demo" / "content.json").read_text()
        counts = {}
        for word in re.findall(r"[a-z]{3,}", content.lower()):
            counts[word] = counts.get(word, 0) + 1
        real = sorted(counts, key=lambda w: -counts[w])
        syllables = [
            "ka",
            "lo",
            "ri",
            "tan",
            "mer",
            "vo",
            "sul",
            "ex",
            "qui",
            "dra",
            "pen",
            "zor",
            "li",
            "mu",
            "tra",
            "gen",
            "bel",
            "ostr",
            "ni",
            "fa",
        ]
        made_up = set()
        while len(real) + len(made_up) < size:
            made_up.add("".join(rng.choices(syllables, k=rng.randint(2, 4))))
        self.vocabulary = real + sorted(made_up)
        weights = [1 / (rank**1.07) for rank in range(1, len(self.vocabulary) + 1)]
        self.cumulative = []
        total = 0.0
        for weight in weights:
            total += weight
            self.cumulative.append(total)
        self.rng = rng

    def text(self, low, high):
        n = self.rng.randint(low, high)
        return " ".join(self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=n))

    def title(self, low=4, high=10):
        return self.text(low, high).capitalize()


FIRST = ["Ada", "Alan", "Yoshua", "Fei", "Geoffrey", "Daphne", "Judea", "Cynthia", "Andrew",
         "Chelsea", "Ilya", "Percy", "Sergey", "Jia", "Noam", "Mira", "Rao", "Julia", "Ravi",
         "Lena", "Omar", "Priya", "Tomas", "Yuki", "Kemal", "Ines", "Dmitri", "Amara"]  # fmt: skip


def person_names(rng, words, n):
    """n different names: a first name and a made-up family name (some real ones too)."""
    families = [w.capitalize() for w in words.vocabulary[-20_000:]]
    names, seen = [], set()
    while len(names) < n:
        name = f"{rng.choice(FIRST)} {rng.choice(families)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    names[:2] = ["Subbarao Kambhampati", "Julia Kempe"]  # for the misspelled-name queries
    return names


def build_corpus(args, out):
    from django.db import connection, transaction
    from taggit.models import Tag

    from core.text import name_key
    from episodes.models import Appearance, Chapter, Episode, Show
    from papers.models import Authorship, Paper
    from people.models import Person
    from posts.models import Post
    from search.models import Entry

    rng = random.Random(SEED)
    words = Words(rng)
    started = time.monotonic()
    out("Building the corpus (once; --fresh builds it again)...")
    with connection.cursor() as cursor:
        tables = [m._meta.db_table for m in (Entry, Chapter, Appearance, Authorship, Episode,
                                             Show, Paper, Person, Post, Tag)]  # fmt: skip
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")

    batch = 5_000
    with transaction.atomic():
        names = person_names(rng, words, args.people)
        for start in range(0, args.people, batch):
            Person.objects.bulk_create(
                Person(
                    name=name,
                    slug=f"person-{start + i}",
                    name_key=name_key(name),
                    bio=words.text(15, 40),
                )
                for i, name in enumerate(names[start : start + batch])
            )
            out(f"  people: {min(start + batch, args.people):,} of {args.people:,}")
        person_ids = list(Person.objects.values_list("pk", flat=True))

        for start in range(0, args.papers, batch):
            count = min(batch, args.papers - start)
            Paper.objects.bulk_create(
                Paper(
                    title=words.title(5, 12),
                    slug=f"paper-{start + i}",
                    year=rng.randint(1990, 2026),
                    venue=rng.choice(["NeurIPS", "ICML", "ICLR", "ACL", "CVPR", "arXiv"]),
                    abstract=words.text(100, 180),
                )
                for i in range(count)
            )
            out(f"  papers: {start + count:,} of {args.papers:,}")
        paper_ids = list(Paper.objects.values_list("pk", flat=True))
        for start in range(0, len(paper_ids), batch):
            Authorship.objects.bulk_create(
                Authorship(paper_id=paper_id, person_id=person_id, order=order)
                for paper_id in paper_ids[start : start + batch]
                for order, person_id in enumerate(rng.sample(person_ids, 3), start=1)
            )
        out(f"  authorships: {3 * len(paper_ids):,}")

        show = Show.objects.create(title="Bench show", slug="bench", description="Benchmark.")
        now = datetime.now(UTC)
        for start in range(0, args.episodes, 1_000):
            count = min(1_000, args.episodes - start)
            Episode.objects.bulk_create(
                Episode(
                    show=show,
                    title=words.title(5, 12),
                    slug=f"episode-{start + i}",
                    is_draft=False,
                    published_at=now - timedelta(days=start + i),
                    duration=3_600,
                    summary=words.text(15, 30),
                    description=words.text(80, 150),
                )
                for i in range(count)
            )
            out(f"  episodes: {start + count:,} of {args.episodes:,}")
        episode_ids = list(Episode.objects.values_list("pk", flat=True))
        for start in range(0, len(episode_ids), 500):
            chunk = episode_ids[start : start + 500]
            Chapter.objects.bulk_create(
                Chapter(episode_id=eid, start=n * 170, title=words.title(3, 9))
                for eid in chunk
                for n in range(args.chapters)
            )
            Appearance.objects.bulk_create(
                Appearance(episode_id=eid, person_id=rng.choice(person_ids), role="guest")
                for eid in chunk
            )
        out(f"  chapters: {len(episode_ids) * args.chapters:,}")
    out(f"Corpus built in {time.monotonic() - started:.0f} s.")


def corpus_matches(args):
    from episodes.models import Chapter, Episode
    from papers.models import Paper
    from people.models import Person

    return (
        Paper.objects.count() == args.papers
        and Person.objects.count() == args.people
        and Episode.objects.count() == args.episodes
        and Chapter.objects.count() == args.episodes * args.chapters
    )


def queries(n):
    """n varied queries, the same each run."""
    from papers.models import Paper

    rng = random.Random(SEED + 1)
    words = Words(random.Random(SEED))
    common, rare = words.vocabulary[20:300], words.vocabulary[3_000:25_000]
    titles = list(Paper.objects.order_by("pk").values_list("title", flat=True)[:200])
    shapes = [
        lambda: rng.choice(common),
        lambda: rng.choice(rare),
        lambda: f"{rng.choice(common)} {rng.choice(common)}",
        lambda: f"{rng.choice(common)} {rng.choice(rare)}",
        lambda: '"' + " ".join(rng.choice(titles).split()[:3]) + '"',
        lambda: " ".join(rng.choice(titles).split()[:4]),
        lambda: f"{rng.choice(common)} -{rng.choice(common)}",
        lambda: f"{rng.choice(rare)} OR {rng.choice(rare)}",
        lambda: rng.choice(["Kambhampati", "Kambhampaty", "Subarao Kambampati", "Julia Kempe"]),
        lambda: rng.choice(["zzqxv", "transformer", "reasoning", "Lean Mathlib"]),
    ]
    return [shapes[i % len(shapes)]() for i in range(n)]


def percentile(values, p):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def measure(client, path, terms, rounds):
    timings = {q: [] for q in terms}
    for q in terms:  # warm-up, untimed
        response = client.get(path, {"q": q})
        assert response.status_code == 200, (path, q, response.status_code)
    for _ in range(rounds):
        for q in terms:
            started = time.perf_counter()
            response = client.get(path, {"q": q})
            timings[q].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    return timings


def report(label, timings, out):
    samples = [t for values in timings.values() for t in values]
    p50, p95 = percentile(samples, 50), percentile(samples, 95)
    slowest = sorted(timings.items(), key=lambda kv: -statistics.median(kv[1]))[:3]
    out(
        f"{label:<22} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   max {max(samples):6.1f} ms   "
        f"({len(samples)} requests)"
    )
    for q, values in slowest:
        out(f"{'':<22} slow: {q!r} {statistics.median(values):.1f} ms")
    return p50, p95


def main():
    args = parse_args()
    out = print
    url, parts = bench_database_url(DB_NAME)
    ensure_database(parts, DB_NAME, "bench-search")
    setup_django(url)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from search import index
    from search.models import Entry

    out(f"== bench-search on PostgreSQL ({DB_NAME})")
    call_command("migrate", verbosity=0)
    fresh = args.fresh or not corpus_matches(args)
    if fresh:
        build_corpus(args, out)
    if fresh or args.reindex or not Entry.objects.exists():
        out("Indexing for search (search.index.rebuild)...")
        started = time.monotonic()
        last = [0.0]

        def progress(kind, done, total):
            if time.monotonic() - last[0] > 5 or done == total:
                last[0] = time.monotonic()
                out(f"  {kind}: {done:,} of {total:,}")

        from django.db import transaction

        with transaction.atomic():
            counts = index.rebuild(progress=progress)
        seconds = time.monotonic() - started
        total = sum(counts.values())
        out(f"Indexed {total:,} entries in {seconds:.0f} s ({total / seconds:,.0f} a second).")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # fresh statistics for the query planner
    else:
        out(f"Reusing the corpus and index in {DB_NAME} ({Entry.objects.count():,} entries).")

    terms = queries(args.queries)
    client = Client()
    out(f"{len(terms)} queries, 1 warm-up round, {args.rounds} timed rounds each:")
    results = {}
    for label, path in [("API /api/v1/search/", "/api/v1/search/"), ("page /search/", "/search/")]:
        results[label] = report(label, measure(client, path, terms, args.rounds), out)
    api_p95 = results["API /api/v1/search/"][1]
    summary = {
        "corpus": {
            "papers": args.papers,
            "people": args.people,
            "episodes": args.episodes,
            "chapters": args.episodes * args.chapters,
        },
        "p50_p95_ms": {label: [round(v, 1) for v in values] for label, values in results.items()},
    }
    out("Summary: " + json.dumps(summary))
    if api_p95 > args.target_ms:
        out(f"API p95 {api_p95:.1f} ms is over the target of {args.target_ms:.0f} ms.")
        sys.exit(1)
    out(f"API p95 {api_p95:.1f} ms: within the target of {args.target_ms:.0f} ms.")


if __name__ == "__main__":
    main()
