"""The pure parts of scripts/bench_site.py: reading wrk's output, the ratios to /healthz, the
pass/fail verdicts and the tables. Nothing here is timed; the speed targets live in the
script itself."""

import importlib.util
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parent.parent / "scripts" / "bench_site.py"
spec = importlib.util.spec_from_file_location("bench_site", PATH)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

WRK_OUTPUT = """\
Running 5s test @ http://127.0.0.1:41615/episodes/
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    42.53ms   13.06ms 120.74ms   72.00%
    Req/Sec   190.00     10.00   200.00    100.00%
  950 requests in 5.00s, 31.83MB read
Requests/sec:    189.99
Transfer/sec:      6.37MB
BENCH {"requests": 950, "duration_us": 5000000, "p50_us": 40125, "p95_us": 70444, \
"p99_us": 110736, "max_us": 120736, "ok": 949, "not_modified": 0, "other": 1, \
"socket_errors": 0, "stopped_early": false}
"""


def measure(rps, p95_ms=10.0, *, ok=None, not_modified=0, other=0, socket_errors=0):
    requests = round(rps * 10)
    if ok is None:
        ok = requests - not_modified - other
    return bench.Measure(
        requests=requests,
        seconds=10.0,
        p50_ms=p95_ms / 2,
        p95_ms=p95_ms,
        p99_ms=p95_ms * 1.5,
        ok=ok,
        not_modified=not_modified,
        other=other,
        socket_errors=socket_errors,
    )


def rows(page, *, healthz=1000.0, kind="html"):
    return [
        bench.Row("/healthz", "probe", measure(healthz, 2.0)),
        bench.Row("page", kind, page, queries=7),
    ]


def test_it_reads_wrks_output_through_its_script():
    found = bench.parse_wrk(WRK_OUTPUT)

    assert found.requests == 950
    assert found.rps == pytest.approx(190.0)
    assert (found.p50_ms, found.p95_ms, found.p99_ms) == (40.125, 70.444, 110.736)
    assert (found.ok, found.not_modified, found.other, found.failed) == (949, 0, 1, 1)
    assert not found.stopped_early


def test_it_says_when_wrk_printed_no_result():
    with pytest.raises(ValueError, match=r"no BENCH line.*unable to connect"):
        bench.parse_wrk(
            "Running 5s test @ http://127.0.0.1:1/\nunable to connect to 127.0.0.1:1\n"
        )


def test_its_wrk_script_bounds_each_thread_by_requests():
    script = bench.wrk_script(1000, threads=3)

    assert "responses >= 334 " in script  # 1000 over 3 threads, rounded up
    assert "%" not in script.replace("%d", "").replace("%s", "")  # every placeholder filled


def test_it_adds_up_servers_and_keeps_the_worst_latency():
    first, second = measure(100, 20.0), measure(300, 50.0, other=2)

    both = bench.combine([first, second])

    assert both.rps == pytest.approx(400)
    assert both.p95_ms == 50.0
    assert both.other == 2


def test_a_cold_page_passes_at_a_tenth_of_healthz_under_150_ms():
    [probe, page] = bench.judge(rows(measure(100, 149.0)), "cold")

    assert probe.ratio == 1.0 and probe.verdict == ""
    assert page.ratio == pytest.approx(0.10)
    assert page.verdict == "pass"


def test_a_cold_page_fails_on_ratio_or_p95():
    [_, slow] = bench.judge(rows(measure(200, 150.0)), "cold")
    [_, rare] = bench.judge(rows(measure(99, 20.0)), "cold")

    assert slow.verdict == "FAIL" and slow.reasons == ["p95 >= 150 ms"]
    assert rare.verdict == "FAIL" and rare.reasons == ["ratio < 0.10"]


def test_warm_and_304_have_their_own_ratios():
    [_, warm] = bench.judge(rows(measure(590, 500.0)), "warm")
    [_, fresh] = bench.judge(rows(measure(800, not_modified=8000, ok=0)), "304")

    assert warm.reasons == ["ratio < 0.60"]  # no latency target when warm
    assert fresh.verdict == "pass"


def test_a_304_run_that_got_full_pages_fails():
    [_, page] = bench.judge(rows(measure(900)), "304")

    assert page.verdict == "FAIL"
    assert page.reasons == ["not 304"]


def test_failed_requests_fail_a_page_however_fast():
    [_, page] = bench.judge(rows(measure(900, other=100)), "warm")

    assert page.reasons == ["100 failed"]


def test_feeds_and_the_api_are_measured_without_a_target():
    [_, feed] = bench.judge(rows(measure(10, 900.0), kind="feed"), "cold")

    assert feed.ratio == pytest.approx(0.01)
    assert feed.verdict == ""


def test_a_page_that_never_answered_fails():
    silent = measure(0)
    [_, page] = bench.judge(rows(silent), "cold")
    [missing] = bench.judge([bench.Row("page", "html", None, note="no ETag")], "304")

    assert page.measure is None and page.verdict == "FAIL"
    assert missing.reasons == ["no ETag"]


def test_the_table_shows_each_figure_and_verdict():
    judged = bench.judge(rows(measure(50, 300.0)), "cold")

    table = bench.format_table("[one] cache cold", judged)

    lines = table.splitlines()
    assert lines[0] == "[one] cache cold"
    assert lines[1].split() == [
        "address", "req/s", "p50", "ms", "p95", "ms", "p99", "ms", "SQL", "/healthz", "verdict"
    ]  # fmt: skip
    assert lines[3].split()[:3] == ["/healthz", "1000", "1.0"]
    assert lines[4].split() == [
        "page", "50", "150.0", "300.0", "450.0", "7", "0.05", "FAIL", "(ratio", "<", "0.10;",
        "p95", ">=", "150", "ms)",
    ]  # fmt: skip


def test_the_throughput_of_a_setup_sums_up_its_table():
    judged = bench.judge(
        [*rows(measure(150)), bench.Row("other", "html", measure(50, 10.0))], "cold"
    )

    summary = bench.throughput(judged)

    assert summary == {
        "healthz_rps": 1000.0,
        "pages_mean_rps": 100.0,
        "pages_passed": 1,
        "pages": 2,
    }
    assert "one        cold" in bench.format_throughput({"one": {"cold": summary}})


def test_its_options_refuse_unknown_setups_and_keep_the_usual_order():
    args = bench.parse_args(["--setups", "replica,one", "--modes", "304"])

    assert args.setups == ["one", "replica"]
    assert args.modes == ["304"]
    with pytest.raises(SystemExit):
        bench.parse_args(["--setups", "three"])


def test_a_smaller_archive_keeps_its_shape():
    sizes = bench.scaled_sizes(0.01)

    assert sizes["episodes"] == 50
    assert sizes["papers"] == 1000
    assert sizes["chapters_per_episode"] == bench.SIZES["chapters_per_episode"]
