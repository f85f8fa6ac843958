"""The episode list and episode pages (episodes/views.py, episodes/filters.py)."""

import datetime
import re

import pytest
from django.test import override_settings
from django.utils import timezone
from django.utils.dateformat import format as format_date

from episodes.models import Appearance, Chapter, Discussion, Episode
from papers.models import Authorship
from tests.factories import (
    AppearanceFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
    ShowFactory,
)
from tests.pages import (
    DEMO_AUDIO,
    ISOLA_EPISODE,
    KEMPE_EPISODE,
    PRH,
    XSS,
    XSS_ESCAPED,
    DemoTestCase,
    Page,
    assert_queries_do_not_grow,
    fast_client,  # noqa: F401 (the `client` fixture, faster)
    saved,
    tagged,
)

ISOLA_URL = f"/episodes/{ISOLA_EPISODE}/"
KEMPE_URL = f"/episodes/{KEMPE_EPISODE}/"
DEMO_SLUGS_NEWEST_FIRST = [
    ISOLA_EPISODE,
    KEMPE_EPISODE,
    "intelligence-in-an-open-world-mengye-ren",
    "language-cognition-and-the-limits-of-llms-tal-linzen",
    "the-principles-of-diffusion-models-jesse-lai",
    "inside-xai-and-the-bet-on-ai-math-christian-szegedy",
    "reasoning-models-and-planning-rao-kambhampati",
    "what-actually-matters-in-ai-zhuang-liu",
    "the-future-of-coding-agents-sasha-rush",
]


def listed(page):
    """Slugs of the episodes linked from a list page, in order."""
    return [
        attrs["href"].split("/")[2]
        for attrs in page.all("a")
        if re.fullmatch(r"/episodes/[\w-]+/", attrs.get("href", ""))
    ]


class TestEpisodeListWithTheDemo(DemoTestCase):
    def test_it_lists_the_nine_episodes_newest_first(self):
        page = self.page("/episodes/")
        assert page.text_of("p", role="status") == ["9 episodes"]
        assert listed(page) == DEMO_SLUGS_NEWEST_FIRST
        assert page.text_of("h1") == ["Episodes"]

    def test_each_row_shows_guests_with_affiliation_date_duration_and_tags(self):
        page = self.page("/episodes/")
        assert '<a href="/people/julia-kempe/">Julia Kempe</a>' in page
        assert '<span class="affiliation">(NYU/Meta)</span>' in page
        assert '<time datetime="2026-05-28T10:00:00+00:00">May 28, 2026</time>' in page
        kempe = next(text for text in page.text_of("li") if "Julia Kempe" in text)
        assert "May 28, 2026 · 1h 15m" in kempe
        assert "With Julia Kempe (NYU/Meta)" in kempe
        for tag in ["ai-for-math", "formal-verification", "reasoning", "ai-safety"]:
            assert f"#{tag}" in kempe
            assert f'<a href="/tags/{tag}/">#{tag}</a>' in page

    def test_short_episodes_show_minutes_only(self):
        page = self.page("/episodes/")
        mengye = next(text for text in page.text_of("li") if "Mengye Ren" in text)
        assert "May 24, 2026 · 59 min" in mengye

    def test_it_does_not_list_the_hosts_as_guests(self):
        page = self.page("/episodes/")
        assert page.links("/people/ravid-shwartz-ziv/") == []

    def test_filtering_by_topic_narrows_the_list(self):
        page = self.page("/episodes/?tag=world-models")
        assert listed(page) == [
            ISOLA_EPISODE,
            "intelligence-in-an-open-world-mengye-ren",
            "the-principles-of-diffusion-models-jesse-lai",
        ]
        assert page.text_of("p", role="status") == ["3 episodes"]
        assert '<option value="world-models" selected>world-models</option>' in page

    def test_filtering_by_guest_narrows_the_list(self):
        page = self.page("/episodes/?guest=julia-kempe")
        assert listed(page) == [KEMPE_EPISODE]
        assert page.text_of("p", role="status") == ["1 episode"]
        assert '<option value="julia-kempe" selected>Julia Kempe</option>' in page

    def test_filtering_by_year_narrows_the_list(self):
        page = self.page("/episodes/?year=2026")
        assert listed(page) == DEMO_SLUGS_NEWEST_FIRST
        assert '<option value="2026" selected>2026</option>' in page

    def test_filters_combine(self):
        assert listed(self.page("/episodes/?tag=ai-for-math&year=2026")) == [
            KEMPE_EPISODE,
            "inside-xai-and-the-bet-on-ai-math-christian-szegedy",
        ]
        assert listed(self.page("/episodes/?tag=ai-for-math&guest=julia-kempe&year=2026")) == [
            KEMPE_EPISODE
        ]

    def test_filters_that_match_nothing_together_give_an_empty_list_without_an_error(self):
        page = self.page("/episodes/?tag=world-models&guest=julia-kempe")
        assert listed(page) == []
        assert page.text_of("p", role="status") == ["0 episodes"]
        assert "No episode matches these filters." in page.html
        assert page.all("p", class_="error") == []

    def test_an_empty_filter_value_means_any(self):
        assert listed(self.page("/episodes/?tag=&guest=&year=")) == DEMO_SLUGS_NEWEST_FIRST

    def test_an_unknown_guest_gives_an_empty_list_and_says_why(self):
        page = self.page("/episodes/?guest=nobody-we-know")
        assert listed(page) == []
        assert page.text_of("p", role="status") == ["0 episodes"]
        assert page.text_of("p", class_="error") == [
            "Select a valid choice. That choice is not one of the available choices."
        ]

    def test_an_unknown_year_or_topic_gives_an_empty_list_and_says_why(self):
        for query in ["year=1999", "year=abc", "tag=no-such-topic", "year=2026&tag=nope"]:
            page = self.page(f"/episodes/?{query}")
            assert listed(page) == [], query
            assert len(page.all("p", class_="error")) == 1, query

    def test_the_error_is_tied_to_its_field_for_screen_readers(self):
        page = self.page("/episodes/?guest=nobody-we-know")
        (select,) = page.all("select", name="guest")
        assert select["aria-invalid"] == "true"
        (error,) = page.all("p", class_="error")
        assert error["id"] in select["aria-describedby"].split()

    def test_the_filter_form_offers_published_topics_guests_and_years(self):
        page = self.page("/episodes/")
        values = [attrs["value"] for attrs in page.all("option")]
        assert "julia-kempe" in values
        assert "ravid-shwartz-ziv" not in values  # hosts are not guests
        assert "world-models" in values
        assert [value for value in values if value.isdigit()] == ["2026"]
        assert "Clear" not in page.text_of("a")
        assert "Clear" in self.page("/episodes/?year=2026").text_of("a")


class TestEpisodePageWithTheDemo(DemoTestCase):
    def test_it_shows_the_title_date_duration_and_guest_with_affiliation(self):
        page = self.page(ISOLA_URL)
        assert page.text_of("h1") == [
            "Platonic Representations, Neural Thickets, and Artificial Life - with Phillip "
            "Isola (MIT)"
        ]
        assert '<time datetime="2026-06-04T10:00:00+00:00">June 4, 2026</time>' in page
        assert "June 4, 2026 · 1h 12m" in page.text_of("p", class_="meta")
        assert page.text_of("p", class_="guests") == ["With Phillip Isola (MIT)"]
        assert '<a href="/people/phillip-isola/">Phillip Isola</a>' in page

    def test_it_plays_the_demo_audio(self):
        page = self.page(ISOLA_URL)
        (audio,) = page.all("audio")
        assert audio["src"] == DEMO_AUDIO
        assert audio["data-start"] == ""
        assert "controls" in audio
        assert page.links(DEMO_AUDIO) == [
            "Download the episode (audio/mpeg)",
            "Download the audio",
        ]
        assert any(a.get("src", "").startswith("/static/js/player.") for a in page.all("script"))

    def test_every_chapter_links_to_its_moment(self):
        page = self.page(ISOLA_URL)
        episode = Episode.objects.get(slug=ISOLA_EPISODE)
        chapters = list(episode.chapters.all())
        links = page.all("a", class_="chapter-link")
        assert len(chapters) == 24
        in_list = [link for link in links if link["href"].startswith("#")]
        assert [(a["href"], a["data-start"]) for a in in_list] == [
            (f"#t={c.start}", str(c.start)) for c in chapters
        ]
        for chapter in chapters:
            assert f'<time datetime="PT{chapter.start}S">{chapter.timestamp()}</time>' in page, (
                chapter
            )
        titles = page.text_of("span", class_="chapter-title")
        assert titles[0] == "Intro song"
        assert titles[-1] == "Why stay in academia, and doing science in the age of Opus"
        assert "1:08:36" in page.text_of("a", href="#t=4116")
        assert page.all("li", class_="current") == []

    def test_the_discussed_paper_is_linked_at_its_chapter(self):
        page = self.page(ISOLA_URL)
        (chapter,) = page.text_of("li", id="chapter-1167")
        assert chapter.startswith(
            "19:27 The platonic representation hypothesis and what actually converges"
        )
        assert (
            f'<a class="chapter-ref" href="/papers/{PRH}/">The Platonic Representation '
            "Hypothesis</a>" in page
        )
        papers = page.text_of("section", aria_labelledby="papers-title")
        assert len(papers) == 1
        assert "Minyoung Huh, Brian Cheung, Tongzhou Wang, Phillip Isola · 2024" in papers[0]
        assert "comes up at 19:27" in papers[0]
        assert page.all("a", href="?t=19:27#t=1167", data_start="1167")

    def test_the_show_notes_are_rendered_from_markdown(self):
        page = self.page(ISOLA_URL)
        (notes,) = page.text_of("section", aria_labelledby="notes-title")
        assert notes.startswith("Show notes Phillip Isola, professor at MIT, joins us")
        assert "Phillip\u2019s new neural thickets paper" in notes  # typographic apostrophe
        assert "Timeline" not in notes

    def test_it_credits_the_music_one_line_each(self):
        page = self.page(KEMPE_URL)
        html = page.html.split('<p class="credits">', 1)[1].split("</p>", 1)[0]
        assert html.split("<br>") == [
            "&quot;Kid Kodi&quot; - Blue Dot Sessions - via Free Music Archive - CC BY-NC 4.0.",
            "&quot;Palms Down&quot; - Blue Dot Sessions - via Free Music Archive - CC BY-NC 4.0.",
            "Changes: trimmed",
        ]

    def test_it_lists_the_topics_and_the_people(self):
        page = self.page(KEMPE_URL)
        for tag in ["ai-for-math", "formal-verification", "reasoning", "ai-safety"]:
            assert page.links(f"/tags/{tag}/") == [f"#{tag}"]
        assert page.text_of("ul", class_="people") == [
            "Julia Kempe (NYU/Meta), guest Ravid Shwartz-Ziv, host Allen Roush, host"
        ]

    def test_it_links_the_previous_and_next_episodes(self):
        page = self.page(KEMPE_URL)
        (previous,) = page.all("a", rel="prev")
        (following,) = page.all("a", rel="next")
        assert previous["href"] == "/episodes/intelligence-in-an-open-world-mengye-ren/"
        assert following["href"] == ISOLA_URL

    def test_the_newest_and_oldest_episodes_have_one_neighbour(self):
        assert len(self.page(ISOLA_URL).all("a", rel="next")) == 0
        assert len(self.page(ISOLA_URL).all("a", rel="prev")) == 1
        oldest = self.page("/episodes/the-future-of-coding-agents-sasha-rush/")
        assert (len(oldest.all("a", rel="prev")), len(oldest.all("a", rel="next"))) == (0, 1)

    def test_related_episodes_share_guests_papers_or_topics_closest_first(self):
        # Kempe shares two topics with Szegedy, one with Kambhampati.
        (related,) = self.page(KEMPE_URL).text_of("ul", class_="related")
        assert related.index("Christian Szegedy") < related.index("Rao Kambhampati")
        assert related.count(" - with ") == 2
        (related,) = self.page(ISOLA_URL).text_of("ul", class_="related")
        assert "Mengye Ren" in related
        assert "Jesse Lai" in related
        assert "Phillip Isola" not in related

    def test_a_time_in_the_address_starts_the_audio_there_and_marks_its_chapter(self):
        page = self.page(f"{ISOLA_URL}?t=19:27")
        (audio,) = page.all("audio")
        assert audio["src"] == f"{DEMO_AUDIO}#t=1167"
        assert audio["data-start"] == "1167"
        (current,) = page.all("li", class_="current")
        assert current["id"] == "chapter-1167"
        (link,) = page.all("a", aria_current="true")
        assert link["href"] == "#t=1167"

    def test_a_time_inside_a_chapter_starts_there_and_marks_that_chapter(self):
        page = self.page(f"{ISOLA_URL}?t=1170")
        assert page.all("audio")[0]["src"] == f"{DEMO_AUDIO}#t=1170"
        assert [li["id"] for li in page.all("li", class_="current")] == ["chapter-1167"]

    def test_the_start_of_the_episode_marks_the_first_chapter(self):
        page = self.page(f"{ISOLA_URL}?t=0:00")
        assert page.all("audio")[0]["src"] == DEMO_AUDIO
        assert page.all("audio")[0]["data-start"] == "0"
        assert page.all("li", class_="current")[0]["id"] == "chapter-0"

    # 4,301 digits: past Python's limit for turning text into a number. The address is
    # refused before that (QUERY_VALUE_MAX_LENGTH), unless an operator raises the limit.
    @override_settings(QUERY_VALUE_MAX_LENGTH=5000)
    def test_a_bad_or_too_late_time_is_ignored(self):
        for t in ["abc", "1:12:00", "99:99", "-5", "1:2:3:4", "%3Cscript%3E", "9" * 4301]:
            page = self.page(f"{ISOLA_URL}?t={t}")
            assert page.all("audio")[0]["src"] == DEMO_AUDIO, t
            assert page.all("audio")[0]["data-start"] == "", t
            assert page.all("li", class_="current") == [], t


# Pagination.


@pytest.fixture
def many_episodes(db):
    """25 published episodes, one a day, all on one topic: more than a page (20)."""
    now, show = timezone.now(), ShowFactory()
    episodes = Episode.objects.bulk_create(
        EpisodeFactory.build(
            show=show, title=f"Numbered {n:02d}", published_at=now - datetime.timedelta(days=n + 1)
        )
        for n in range(25)
    )
    return tagged(episodes, "paged")


def titles(page):
    return [text for text in page.text_of("a") if text.startswith("Numbered ")]


def test_the_first_page_shows_twenty_episodes_and_links_to_the_next(client, many_episodes):
    page = Page(client.get("/episodes/"))
    assert titles(page) == [f"Numbered {n:02d}" for n in range(20)]
    assert page.text_of("span", aria_current="page") == ["Page 1 of 2"]
    assert page.all("a", rel="next")[0]["href"] == "?page=2"
    assert page.all("a", rel="prev") == []
    assert page.text_of("p", role="status") == ["25 episodes"]


def test_the_second_page_shows_the_rest(client, many_episodes):
    page = Page(client.get("/episodes/?page=2"))
    assert titles(page) == [f"Numbered {n:02d}" for n in range(20, 25)]
    assert page.text_of("span", aria_current="page") == ["Page 2 of 2"]
    assert page.all("a", rel="prev")[0]["href"] == "?page=1"


def test_a_page_past_the_end_shows_the_last_page(client, many_episodes):
    response = client.get("/episodes/?page=999")
    assert response.status_code == 200
    assert titles(Page(response)) == [f"Numbered {n:02d}" for n in range(20, 25)]


def test_a_page_that_is_not_a_page_number_shows_the_first_page(client, many_episodes):
    for value in ["abc", "", "1.5", "%20"]:
        response = client.get(f"/episodes/?page={value}")
        assert response.status_code == 200, value
        assert titles(Page(response))[0] == "Numbered 00", value


def test_a_page_number_below_one_shows_the_last_page(client, many_episodes):
    for value in ["0", "-1"]:
        response = client.get(f"/episodes/?page={value}")
        assert response.status_code == 200, value
        assert titles(Page(response))[0] == "Numbered 20", value


def test_the_page_links_keep_the_filters(client, many_episodes):
    page = Page(client.get("/episodes/?tag=paged"))
    assert page.all("a", rel="next")[0]["href"] == "?tag=paged&page=2"


def test_one_page_of_episodes_has_no_pagination(client, db):
    EpisodeFactory()
    assert Page(client.get("/episodes/")).all("nav", class_="pagination") == []


def test_no_episodes_says_so(client, db):
    page = Page(client.get("/episodes/"))
    assert page.text_of("p", role="status") == ["0 episodes"]
    assert "No episode matches these filters." in page.html


# Drafts and scheduled episodes.


@pytest.fixture
def unpublished(db):
    """A published episode, and a draft and a scheduled one sharing its topic and guest."""
    guest = PersonFactory(name="Secret Guest", slug="secret-guest")
    published = EpisodeFactory(title="Out Now", slug="out-now", tags=["shared"])
    draft = EpisodeFactory(title="Draft Episode", slug="draft", draft=True, tags=["shared"])
    scheduled = EpisodeFactory(
        title="Coming Soon", slug="coming-soon", scheduled=True, tags=["shared", "unreleased"]
    )
    for episode in (draft, scheduled):
        AppearanceFactory(episode=episode, person=guest, affiliation="Stealth Lab")
    return {"published": published, "draft": draft, "scheduled": scheduled}


@pytest.mark.parametrize("slug", ["draft", "coming-soon"])
def test_unpublished_episodes_are_not_found_by_anonymous_visitors(client, unpublished, slug):
    assert client.get(f"/episodes/{slug}/").status_code == 404


@pytest.mark.parametrize("slug", ["draft", "coming-soon"])
def test_unpublished_episodes_are_not_found_by_signed_in_listeners(
    client, listener, unpublished, slug
):
    client.force_login(listener)
    assert client.get(f"/episodes/{slug}/").status_code == 404


def test_an_editor_previews_a_draft_with_a_banner(editor_client, unpublished):
    page = Page(editor_client.get("/episodes/draft/"))
    assert page.response.status_code == 200
    assert page.text_of("p", class_="draft-banner") == ["Draft: only editors can see this page."]
    assert page.text_of("h1") == ["Draft Episode"]


def test_an_editor_previews_a_scheduled_episode_with_its_date(editor_client, unpublished):
    page = Page(editor_client.get("/episodes/coming-soon/"))
    assert page.response.status_code == 200
    (banner,) = page.text_of("p", class_="draft-banner")
    when = format_date(timezone.localtime(unpublished["scheduled"].published_at), "N j, Y, H:i")
    assert banner == f"Scheduled for {when}: only editors can see this page."


def test_published_episodes_have_no_banner_even_for_editors(editor_client, unpublished):
    assert Page(editor_client.get("/episodes/out-now/")).all("p", class_="draft-banner") == []


def test_unpublished_episodes_are_not_listed(client, unpublished):
    page = Page(client.get("/episodes/"))
    assert page.text_of("p", role="status") == ["1 episode"]
    assert "Draft Episode" not in page.html
    assert "Coming Soon" not in page.html


def test_unpublished_episodes_are_not_listed_for_editors_either(editor_client, unpublished):
    page = Page(editor_client.get("/episodes/"))
    assert page.text_of("p", role="status") == ["1 episode"]


def test_the_filters_do_not_reveal_unpublished_guests_or_topics(client, unpublished):
    page = Page(client.get("/episodes/"))
    values = [attrs["value"] for attrs in page.all("option")]
    assert "secret-guest" not in values
    assert "Secret Guest" not in page.html
    assert "unreleased" not in values
    assert "shared" in values
    page = Page(client.get("/episodes/?guest=secret-guest"))
    assert page.text_of("p", role="status") == ["0 episodes"]
    assert len(page.all("p", class_="error")) == 1


def test_unpublished_episodes_are_not_related_or_neighbours(client, unpublished):
    page = Page(client.get("/episodes/out-now/"))
    assert "Draft Episode" not in page.html
    assert "Coming Soon" not in page.html
    assert page.all("nav", class_="prev-next") == []


def test_a_scheduled_episode_appears_once_its_time_has_come(client, unpublished):
    Episode.objects.filter(slug="coming-soon").update(
        published_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert client.get("/episodes/coming-soon/").status_code == 200
    assert "Coming Soon" in client.get("/episodes/").text


@pytest.mark.parametrize("url", ["/episodes/no-such-episode/", "/episodes/out-now/x/"])
def test_unknown_episodes_are_not_found(client, unpublished, url):
    assert client.get(url).status_code == 404


# Markdown from editors is sanitized.


def test_show_notes_cannot_run_script(client, db):
    EpisodeFactory(slug="evil", description=XSS, summary="")
    page = Page(client.get("/episodes/evil/"))
    assert page.executable_content() == []
    assert "<script>alert(1)</script>" not in page.html
    assert "onerror=alert(1)>" not in page.html
    for escaped in XSS_ESCAPED:
        assert escaped in page.html
    assert not [href for href in page.hrefs() if "javascript" in href.lower()]


def test_titles_summaries_and_credits_are_escaped(client, db):
    episode = EpisodeFactory(
        slug="evil",
        title="<b>Bold</b> <script>alert(1)</script>",
        summary="<img src=x onerror=alert(1)>",
        music_credits="<script>alert(2)</script>",
        transcript="<script>alert(3)</script>",
        tags=["<script>"],
    )
    AppearanceFactory(
        episode=episode, person=PersonFactory(name="<i>Eve</i>"), affiliation="<u>Lab</u>"
    )
    for url in ["/episodes/evil/", "/episodes/", "/"]:
        page = Page(client.get(url))
        assert page.executable_content() == [], url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.html, url
        assert "<i>Eve</i>" not in page.html, url


# Query budgets: the number of queries does not grow with the rows shown.


@pytest.fixture
def show(db):
    return ShowFactory()


def episodes_with(n, show, guests, chapters=2, topics=("a", "b")):
    """n published episodes, each with the guests, `chapters` chapters and the topics."""
    episodes = saved(EpisodeFactory, n, show=show)
    Appearance.objects.bulk_create(
        Appearance(episode=episode, person=guest, affiliation="Lab", order=order)
        for episode in episodes
        for order, guest in enumerate(guests)
    )
    Chapter.objects.bulk_create(
        Chapter(episode=episode, start=i * 60, title=f"Chapter {i}")
        for episode in episodes
        for i in range(chapters)
    )
    return tagged(episodes, *topics)


def test_the_episode_list_makes_the_same_queries_for_1_and_50_episodes(
    client, show, django_assert_max_num_queries
):
    guests = saved(PersonFactory, 2)

    def build(n):
        episodes_with(n, show, guests)
        return "/episodes/"

    assert_queries_do_not_grow(client, django_assert_max_num_queries, build)


def test_a_filtered_episode_list_makes_the_same_queries_for_1_and_50_episodes(
    client, show, django_assert_max_num_queries
):
    guest = PersonFactory(slug="regular")
    year = (timezone.now() - datetime.timedelta(days=1)).year

    def build(n):
        episodes_with(n, show, [guest, PersonFactory()], topics=["topic", "other"])
        return f"/episodes/?tag=topic&guest=regular&year={year}&page=2"

    response = assert_queries_do_not_grow(client, django_assert_max_num_queries, build)
    assert Page(response).text_of("p", role="status") == ["51 episodes"]


def test_the_episode_page_makes_the_same_queries_for_1_and_50_of_everything(
    client, show, django_assert_max_num_queries
):
    def build(n):
        """An episode with n guests, n chapters each on a paper and a person, n + n/2 papers
        discussed (a second one at every other chapter), two authors a paper, and topics."""
        (episode,) = saved(EpisodeFactory, 1, show=show, duration=n * 60 + 60)
        guests, hosts = saved(PersonFactory, n), saved(PersonFactory, 2, is_host=True)
        Appearance.objects.bulk_create(
            [Appearance(episode=episode, person=guest, order=i) for i, guest in enumerate(guests)]
            + [
                Appearance(episode=episode, person=host, role=Appearance.Role.HOST, order=i)
                for i, host in enumerate(hosts)
            ]
        )
        papers, people = saved(PaperFactory, n + n // 2), saved(PersonFactory, n)
        authors = saved(PersonFactory, 2)
        Authorship.objects.bulk_create(
            Authorship(paper=paper, person=author, order=order)
            for paper in papers
            for order, author in enumerate(authors, start=1)
        )
        chapters = Chapter.objects.bulk_create(
            Chapter(episode=episode, start=i * 60, title=f"Ch {i}", paper=papers[i], person=who)
            for i, who in enumerate(people)
        )
        Discussion.objects.bulk_create(
            [
                Discussion(episode=episode, paper=papers[i], chapter=c)
                for i, c in enumerate(chapters)
            ]
            + [
                Discussion(episode=episode, paper=papers[n + i], chapter=chapters[2 * i + 1])
                for i in range(n // 2)
            ]
        )
        tagged([episode], *[f"topic-{i}" for i in range(min(n, 5))])
        tagged(saved(EpisodeFactory, 3, show=show), "topic-0")  # related episodes
        return f"{episode.get_absolute_url()}?t=1:00"

    page = Page(assert_queries_do_not_grow(client, django_assert_max_num_queries, build))
    assert len([a for a in page.all("a", class_="chapter-link") if a["href"][0] == "#"]) == 50
    assert len(page.all("a", class_="chapter-ref")) == 125
    assert page.text_of("h2", id="papers-title") == ["Papers discussed"]
    assert len(page.all("li", class_="card")) == 75
    assert len(page.text_of("ul", class_="related")) == 1
