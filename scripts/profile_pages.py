"""Time the public pages and API lists in process, and profile where a miss spends its time.

    .venv/bin/python scripts/profile_pages.py                 # timings: miss, hit, 304
    .venv/bin/python scripts/profile_pages.py --profile /     # cProfile of misses of one URL
    .venv/bin/python scripts/profile_pages.py --archive --sql # the benchmark's archive, SQL

It builds a throwaway SQLite database (the demo content, in a temporary directory), with
local-memory caching, and requests each URL through Django's test client as an anonymous
visitor: "miss" renders (PAGE_CACHE_SECONDS=0), "hit" is answered from the page cache, "304"
sends the ETag back. Medians of --repeat requests, in milliseconds.

--archive uses instead the large archive `make bench-site` builds in PostgreSQL
(ibsite_bench_site; build it first with `scripts/bench_site.py --build-only`) and the
addresses it measures. --sql lists, for each URL, its queries on a miss with their time, the
slowest first: where a page's time goes at scale.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

URLS = [
    "/",
    "/episodes/",
    "/episodes/platonic-representations-and-artificial-life-phillip-isola/",
    "/people/phillip-isola/",
    "/papers/the-platonic-representation-hypothesis/",
    "/api/v1/episodes/",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", metavar="URL", help="cProfile misses of this URL")
    parser.add_argument(
        "--archive", action="store_true", help="the benchmark's archive (PostgreSQL), not the demo"
    )
    parser.add_argument("--sql", action="store_true", help="each URL's queries, slowest first")
    args = parser.parse_args()

    if args.archive:
        sys.path.insert(0, str(ROOT / "scripts"))
        from benchdb import bench_database_url

        url, _ = bench_database_url("ibsite_bench_site")
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='ibsite-profile-')}/db.sqlite3"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="ibsite.settings",
        DEBUG="0",
        SECRET_KEY="profile-only",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=url,
        REDIS_URL="",
        LOG_LEVEL="ERROR",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    if args.archive:
        from bench_site import addresses

        urls = [a.path for a in addresses() if a.kind != "probe"]
    else:
        call_command("migrate", verbosity=0)
        call_command("load_demo", verbosity=0)
        urls = URLS
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()

    def timed(url, **headers):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code in (200, 304), (url, response.status_code)
        return elapsed, response

    if args.profile:
        with override_settings(PAGE_CACHE_SECONDS=0):
            timed(args.profile)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.repeat):
                timed(args.profile)
            profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        return

    if args.sql:
        with override_settings(PAGE_CACHE_SECONDS=0):
            for url in urls:
                timed(url)
                with CaptureQueriesContext(connection) as captured:
                    elapsed, _ = timed(url)
                queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
                sql_ms = sum(float(q["time"]) for q in queries) * 1000
                print(f"\n{url}: {elapsed:.0f} ms, {len(queries)} queries, SQL {sql_ms:.0f} ms")
                for query in queries[:8]:
                    print(f"  {float(query['time']) * 1000:8.1f} ms  {query['sql'][:300]}")
        return

    print(f"{'URL':<80} {'miss':>7} {'hit':>7} {'304':>7}  (ms, median of {args.repeat})")
    for url in urls:
        with override_settings(PAGE_CACHE_SECONDS=0):
            timed(url)
            miss = statistics.median(timed(url)[0] for _ in range(args.repeat))
        _, first = timed(url)
        hit = statistics.median(timed(url)[0] for _ in range(args.repeat))
        etag = first["ETag"]
        not_modified = statistics.median(
            timed(url, if_none_match=etag)[0] for _ in range(args.repeat)
        )
        print(f"{url:<80} {miss:7.1f} {hit:7.1f} {not_modified:7.1f}")


if __name__ == "__main__":
    main()
