"""The episode player in a real browser: chapter links, ?t= and #t= links, keyboard, no JS.

Headless Chromium (Debian's `chromium` package, never a browser downloaded by Playwright)
plays a silent three-minute MP3 served by the live server. `make test` installs Chromium
when it can (scripts/install-browser.sh); without it these tests are skipped, saying why.
Deselect them with `pytest -m "not browser"`.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.factories import ChapterFactory, EpisodeFactory

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SILENCE = ROOT / "static" / "demo" / "silence.mp3"  # 180 s of silence
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
# Loading and seeking media can be slow on a busy CI machine: wait generously.
TIMEOUT_MS = 15_000


def find_chromium():
    found = shutil.which("chromium")
    if found:
        return found
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return None


def serve_static_with_whitenoise(application):
    """The live server's static handler: none, so WhiteNoise serves /static/ as in production.

    pytest-django's live server puts Django's StaticFilesHandler in front of the site. It
    looks files up with the finders, so the hashed names `{% static %}` writes
    (js/player.<hash>.js) are 404s and the player's script never runs; and it answers
    a Range request with the whole file (200, no Accept-Ranges), so the browser cannot seek
    in the audio. WhiteNoise, already in MIDDLEWARE, serves the collected files with their
    hashed names and answers Range requests with 206.
    """
    return application


@pytest.fixture(scope="module")
def live_server(request):
    """pytest-django's live server (same address rules), static files served by WhiteNoise."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        pytest.fail(f"{manifest} is missing: run `make static` (`make test` does it).")
    stale = [
        path.relative_to(ROOT)
        for path in (ROOT / "static").rglob("*")
        if path.is_file()
        and not path.name.startswith(".")  # What collectstatic leaves out: .*, *~
        and not path.name.endswith("~")
        and path.stat().st_mtime > manifest.stat().st_mtime
    ]
    if stale:
        pytest.fail(f"Changed since the last collectstatic: {stale}. Run `make static`.")
    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = serve_static_with_whitenoise
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if executable is None:
        pytest.skip(
            "Chromium is not installed, so the browser tests cannot run. Install it with "
            "`apt-get install chromium` (as root; `make browser` does it when it can)."
        )
    # Playwright's synchronous API keeps an asyncio event loop marked as running in this
    # thread, so Django takes every ORM call made meanwhile (factories, the database flush
    # between tests) for one from async code and refuses it. The loop is idle while the test
    # runs, so the calls are safe: let them through while the browser is open, and only then.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            # Playwright gives the browser a fresh temporary profile and removes it after.
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


def open_page(browser, problems, **context_options):
    context = browser.new_context(**context_options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))

    def on_response(response):
        if response.status >= 400:
            problems.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    return page


@pytest.fixture
def pages(browser):
    """Opens pages in fresh browser contexts; fails the test on a JS error or a 4xx/5xx."""
    problems = []
    opened = []

    def open_one(**context_options):
        page = open_page(browser, problems, **context_options)
        opened.append(page)
        return page

    yield open_one
    for page in opened:
        page.context.close()
    assert not problems, "The browser ran into problems:\n" + "\n".join(problems)


@pytest.fixture
def page(pages):
    return pages()


@pytest.fixture
def episode(live_server):
    episode = EpisodeFactory(
        slug="silence",
        duration=180,
        audio_url=live_server.url + "/static/demo/silence.mp3",
        audio_size=SILENCE.stat().st_size,
    )
    for start, title in [(0, "Welcome"), (60, "The bottleneck"), (120, "Goodbye")]:
        ChapterFactory(episode=episode, start=start, title=title)
    return episode


@pytest.fixture
def episode_url(live_server, episode):
    return live_server.url + episode.get_absolute_url()


def wait_for_time(page, at_least):
    page.wait_for_function(
        f"() => document.getElementById('player').currentTime >= {at_least}",
        timeout=TIMEOUT_MS,
        polling=100,
    )


def player(page, expression):
    return page.evaluate(f"() => document.getElementById('player').{expression}")


def chapter_link(page, start):
    return page.locator(f'.chapters .chapter-link[data-start="{start}"]')


def expect_current_chapter(page, start):
    expect(chapter_link(page, start)).to_have_attribute("aria-current", "true")
    expect(page.locator(".chapters li.current")).to_have_count(1)
    expect(page.locator(".chapters [aria-current]")).to_have_count(1)
    expect(page.locator(f"#chapter-{start}")).to_have_class("current")


def test_a_chapter_link_seeks_the_audio_and_plays_from_there(page, episode_url):
    page.goto(episode_url)
    assert player(page, "currentTime") == 0

    chapter_link(page, 60).click()

    wait_for_time(page, 59)
    assert page.url.endswith("#t=60")
    assert player(page, "currentTime") < 119  # From the chapter, not further on.
    page.wait_for_function("() => !document.getElementById('player').paused")
    expect_current_chapter(page, 60)


def test_a_chapter_link_plays_even_when_nothing_was_preloaded(page, episode_url):
    # Phones often load nothing before the listener presses play, as with preload="none".
    def preload_nothing(route):
        response = route.fetch()
        html = response.text().replace('preload="metadata"', 'preload="none"')
        route.fulfill(response=response, body=html)

    page.route(episode_url, preload_nothing)
    page.goto(episode_url)
    assert player(page, "readyState") == 0

    chapter_link(page, 60).click()

    wait_for_time(page, 59)
    assert player(page, "currentTime") < 119
    expect_current_chapter(page, 60)


def test_a_link_with_a_time_in_the_query_opens_the_page_there(page, episode_url):
    page.goto(episode_url + "?t=2:00")

    wait_for_time(page, 119)
    assert player(page, "currentTime") < 121
    assert player(page, "paused"), "Opening the page must not start playing."
    expect_current_chapter(page, 120)


def test_a_link_with_a_time_in_the_fragment_opens_the_page_there(page, episode_url):
    page.goto(episode_url + "#t=60")

    wait_for_time(page, 59)
    assert player(page, "currentTime") < 61
    assert player(page, "paused"), "Opening the page must not start playing."
    expect_current_chapter(page, 60)

    # A #t= link followed within the page (from the show notes, say) seeks too.
    page.evaluate("() => { location.hash = '#t=2:00'; }")
    wait_for_time(page, 119)
    expect_current_chapter(page, 120)


def test_chapter_links_work_from_the_keyboard(page, episode_url):
    page.goto(episode_url)
    chapter_link(page, 0).focus()

    page.keyboard.press("Tab")
    expect(chapter_link(page, 60)).to_be_focused()
    page.keyboard.press("Enter")

    wait_for_time(page, 59)
    assert page.url.endswith("#t=60")
    expect_current_chapter(page, 60)


def test_the_page_works_without_javascript(pages, episode_url):
    page = pages(java_script_enabled=False)
    page.goto(episode_url + "?t=2:00")

    assert chapter_link(page, 60).get_attribute("href") == "#t=60"
    src = page.locator("#player").get_attribute("src")
    assert src.endswith("/static/demo/silence.mp3#t=120")
    # The server marks the chapter; the browser starts the audio at the media fragment.
    expect(chapter_link(page, 120)).to_have_attribute("aria-current", "true")
    wait_for_time(page, 119)

    # A chapter link is a plain link to #t=...: it changes the address, nothing else breaks.
    chapter_link(page, 60).click()
    assert page.url.endswith("?t=2:00#t=60")


# The "/" key and the header's search box (static/js/search-key.js).


def focused_id(page):
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def test_slash_focuses_the_search_box_and_enter_searches(page, live_server, episode_url):
    page.goto(episode_url)
    assert focused_id(page) != "site-search"

    page.keyboard.press("/")

    expect(page.locator("#site-search")).to_be_focused()
    assert focused_id(page) == "site-search"
    assert page.locator("#site-search").input_value() == ""  # the key is not typed in it
    page.keyboard.type("goodbye")
    page.keyboard.press("Enter")

    page.wait_for_url(f"{live_server.url}/search/?q=goodbye")
    moment = page.locator('a.result-title[href="/episodes/silence/?t=02:00"]')
    expect(moment).to_be_visible()
    expect(moment).to_contain_text("Goodbye")
    expect(page.locator("#site-search")).to_have_value("goodbye")

    # Escape gives the focus back to the page, and "/" takes it to the box again.
    page.locator("#site-search").focus()
    page.keyboard.press("Escape")
    assert focused_id(page) != "site-search"
    page.keyboard.press("/")
    expect(page.locator("#site-search")).to_be_focused()


def test_slash_in_a_text_field_is_typed_not_taken(page, live_server, episode):
    page.goto(f"{live_server.url}/search/?q=goodbye")
    field = page.locator("#search-page-q")
    field.click()
    field.press("End")

    page.keyboard.type(" lean/mathlib")

    expect(field).to_have_value("goodbye lean/mathlib")
    expect(field).to_be_focused()
    expect(page.locator("#site-search")).to_have_value("goodbye")

    # In the header's box too, a second "/" is a character.
    page.locator("#site-search").click()
    page.keyboard.press("End")
    page.keyboard.type("/x")
    expect(page.locator("#site-search")).to_have_value("goodbye/x")
    assert focused_id(page) == "site-search"


# The Content-Security-Policy: nothing the pages need is refused.

WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def watch_csp(page):
    """Collects CSP violations, from the page's events and from the console."""
    refused = []
    page.add_init_script(WATCH_CSP)
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return lambda: [*page.evaluate("() => window.cspViolations"), *refused]


def test_the_episode_page_reports_no_csp_violation(page, episode_url):
    violations = watch_csp(page)
    response = page.goto(episode_url)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    # The JSON-LD data block is in the page (CSP does not apply to data, only to scripts).
    assert page.locator('script[type="application/ld+json"]').count() >= 1
    chapter_link(page, 60).click()
    wait_for_time(page, 60)
    page.keyboard.press("/")
    assert violations() == []


@pytest.mark.parametrize(
    ("path", "rendered"),
    [
        ("/api/v1/docs/", ".swagger-ui .info"),
        ("/api/v1/redoc/", ".api-content"),
        ("/admin/login/", "#login-form"),
    ],
)
def test_the_api_docs_and_the_admin_work_under_the_csp(page, live_server, path, rendered):
    violations = watch_csp(page)
    page.goto(live_server.url + path)
    expect(page.locator(rendered).first).to_be_visible()
    # Redoc's bundle shows its maker's logo from their CDN: the policy keeps it out, as it
    # should (the site loads nothing from elsewhere), and the documentation works without it.
    assert [v for v in violations() if "cdn.redoc.ly" not in v] == []
