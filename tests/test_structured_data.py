"""schema.org JSON-LD on the pages (ibsite/structured_data.py, the `jsonld` filter)."""

import datetime
import json

import pytest
from django.templatetags.static import static

from core.templatetags.site import jsonld
from pages import structured_data
from posts.models import Verdict
from tests.factories import (
    AffiliationFactory,
    AppearanceFactory,
    AuthorshipFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
    PostFactory,
    ShowFactory,
)
from tests.pages import (
    DEMO_AUDIO,
    ISOLA_EPISODE,
    POST,
    PRH,
    SITE_URL,
    DemoTestCase,
    Page,
    fast_client,  # noqa: F401 (the `client` fixture, faster)
)

BREAKOUT = "</script><script>alert(1)</script>"


def person(slug, name):
    return {"@type": "Person", "name": name, "url": f"{SITE_URL}/people/{slug}/"}


class TestStructuredDataWithTheDemo(DemoTestCase):
    def data(self, url):
        (data,) = self.page(url).json_ld()
        assert data["@context"] == "https://schema.org"
        return data

    def test_the_home_and_about_pages_describe_the_podcast_series(self):
        for url in ["/", "/about/"]:
            data = self.data(url)
            assert data["@type"] == "PodcastSeries"
            assert data["name"] == "The Information Bottleneck"
            assert data["url"] == f"{SITE_URL}/"
            assert data["inLanguage"] == "en"
            assert data["description"].startswith("Two AI Researchers")
            assert data["author"] == [
                person("allen-roush", "Allen Roush"),
                person("ravid-shwartz-ziv", "Ravid Shwartz-Ziv"),
            ]
            # No artwork uploaded: the cover shipped with the site.
            assert data["image"] == "https://informationbottleneck.test" + static("img/cover.png")

    def test_an_episode_page_describes_the_podcast_episode(self):
        data = self.data(f"/episodes/{ISOLA_EPISODE}/")
        assert data["@type"] == "PodcastEpisode"
        assert data["name"].startswith("Platonic Representations, Neural Thickets")
        assert data["url"] == f"{SITE_URL}/episodes/{ISOLA_EPISODE}/"
        assert data["datePublished"] == "2026-06-04"
        assert data["timeRequired"] == "PT1H12M"
        assert data["description"].startswith("Phillip Isola, professor at MIT, joins us")
        assert data["partOfSeries"] == {
            "@type": "PodcastSeries",
            "name": "The Information Bottleneck",
            "url": f"{SITE_URL}/",
        }
        assert data["associatedMedia"] == {
            "@type": "MediaObject",
            "contentUrl": DEMO_AUDIO,
            "encodingFormat": "audio/mpeg",
            "duration": "PT1H12M",
        }
        assert data["actor"] == [
            person("phillip-isola", "Phillip Isola"),
            person("ravid-shwartz-ziv", "Ravid Shwartz-Ziv"),
            person("allen-roush", "Allen Roush"),
        ]
        assert data["keywords"] == "representation-learning, artificial-life, world-models"
        assert "episodeNumber" not in data  # the demo episodes have no numbers

    def test_an_episode_page_with_a_time_describes_the_same_episode(self):
        assert self.data(f"/episodes/{ISOLA_EPISODE}/?t=19:27") == self.data(
            f"/episodes/{ISOLA_EPISODE}/"
        )

    def test_a_person_page_describes_the_person(self):
        data = self.data("/people/phillip-isola/")
        assert data["@type"] == "Person"
        assert data["name"] == "Phillip Isola"
        assert data["url"] == f"{SITE_URL}/people/phillip-isola/"
        assert data["description"].startswith("Professor at MIT")
        assert data["affiliation"] == [{"@type": "Organization", "name": "MIT"}]
        assert "sameAs" not in data

    def test_a_person_page_lists_current_affiliations_only(self):
        data = self.data("/people/christian-szegedy/")
        assert data["affiliation"] == [{"@type": "Organization", "name": "Math Inc"}]

    def test_a_paper_page_describes_the_scholarly_article_with_its_authors_in_order(self):
        data = self.data(f"/papers/{PRH}/")
        assert data["@type"] == "ScholarlyArticle"
        assert data["headline"] == data["name"] == "The Platonic Representation Hypothesis"
        assert data["url"] == f"{SITE_URL}/papers/{PRH}/"
        assert data["author"] == [
            person("minyoung-huh", "Minyoung Huh"),
            person("brian-cheung", "Brian Cheung"),
            person("tongzhou-wang", "Tongzhou Wang"),
            person("phillip-isola", "Phillip Isola"),
        ]
        assert data["datePublished"] == "2024"
        assert data["sameAs"] == ["https://arxiv.org/abs/2405.07987"]
        assert data["abstract"].startswith("Neural networks trained on different data")
        assert data["keywords"] == "representation-learning, multimodal-learning"

    def test_a_paper_without_authors_or_year_leaves_them_out(self):
        data = self.data("/papers/model-alignment-search/")
        assert data["@type"] == "ScholarlyArticle"
        assert "author" not in data
        assert "datePublished" not in data

    def test_a_post_page_describes_the_blog_posting(self):
        data = self.data(f"/posts/{POST}/")
        assert data["@type"] == "BlogPosting"
        assert data["headline"] == "Everything Is Converging to the Same Thing"
        assert data["url"] == data["mainEntityOfPage"] == f"{SITE_URL}/posts/{POST}/"
        assert data["datePublished"] == "2024-05-20T10:00:00+00:00"
        datetime.datetime.fromisoformat(data["dateModified"])
        assert data["wordCount"] == 521
        assert data["description"].startswith("The Platonic Representation Hypothesis says")
        # The demo post is unsigned: it is the show's, as publisher and author.
        assert data["author"]["@type"] == "Organization"
        assert data["author"]["name"] == "The Information Bottleneck"
        assert data["publisher"] == data["author"]

    def test_list_pages_have_no_structured_data(self):
        for url in ["/episodes/", "/people/", "/papers/", "/posts/", "/tags/", "/tags/lean/"]:
            with self.subTest(url):
                assert self.page(url).json_ld() == []


# Details the demo does not have.


def test_an_episode_number_and_a_post_author_are_included(client, db):
    EpisodeFactory(slug="ep", number=7, duration=4500)
    PostFactory(slug="p", author=PersonFactory(name="Allen Roush", slug="allen"))
    (episode,) = Page(client.get("/episodes/ep/")).json_ld()
    assert episode["episodeNumber"] == 7
    assert episode["timeRequired"] == "PT1H15M"
    (post,) = Page(client.get("/posts/p/")).json_ld()
    assert post["author"] == person("allen", "Allen Roush")


def test_an_episode_without_audio_or_duration_leaves_them_out(client, db):
    EpisodeFactory(slug="ep", audio_url="", audio_size=None, duration=None)
    (data,) = Page(client.get("/episodes/ep/")).json_ld()
    assert "associatedMedia" not in data
    assert "timeRequired" not in data


def test_a_person_with_profiles_lists_them_as_same_as(client, db):
    someone = PersonFactory(slug="p", homepage="https://example.com", orcid="0000-0002-1825-0097")
    AffiliationFactory(person=someone, organization__name="NYU")
    (data,) = Page(client.get("/people/p/")).json_ld()
    assert data["sameAs"] == ["https://example.com", "https://orcid.org/0000-0002-1825-0097"]
    assert data["affiliation"] == [{"@type": "Organization", "name": "NYU"}]


def test_a_paper_with_an_exact_date_gives_it(client, db):
    PaperFactory(slug="p", published_on=datetime.date(2024, 5, 13), doi="10.1000/xyz")
    (data,) = Page(client.get("/papers/p/")).json_ld()
    assert data["datePublished"] == "2024-05-13"
    assert data["sameAs"] == ["https://doi.org/10.1000/xyz"]


def test_a_long_title_is_cut_to_110_characters_for_the_headline(client, db):
    PaperFactory(slug="p", title="A" * 200)
    (data,) = Page(client.get("/papers/p/")).json_ld()
    assert data["headline"] == "A" * 110
    assert data["name"] == "A" * 200


# Nothing in the data can end the script element.


@pytest.fixture
def hostile(db):
    """Everything that reaches JSON-LD, named to end the <script> element early."""
    show = ShowFactory(title=f"Show {BREAKOUT}", description=f"<!-- {BREAKOUT}")
    guest = PersonFactory(slug="eve", name=f"Eve {BREAKOUT}", bio=f"Bio {BREAKOUT} & more")
    show.hosts.add(guest)
    episode = EpisodeFactory(slug="ep", show=show, title=BREAKOUT, summary=BREAKOUT, tags=["x"])
    AppearanceFactory(episode=episode, person=guest)
    paper = PaperFactory(slug="paper", title=BREAKOUT, abstract=BREAKOUT)
    AuthorshipFactory(paper=paper, person=guest, order=1)
    PostFactory(
        slug="post",
        title=BREAKOUT,
        dek=BREAKOUT,
        body=BREAKOUT,
        author=guest,
        hindsight_verdict=Verdict.WRONG,
        hindsight_date=datetime.date(2026, 1, 1),
    )


@pytest.mark.parametrize(
    "url", ["/", "/about/", "/episodes/ep/", "/people/eve/", "/papers/paper/", "/posts/post/"]
)
def test_a_title_cannot_break_out_of_the_json_ld(client, hostile, url):
    page = Page(client.get(url))
    assert page.executable_content() == []
    scripts = [attrs for attrs, _ in page.scripts]
    assert [s.get("type") for s in scripts].count("application/ld+json") == 1
    assert all(s.get("type") == "application/ld+json" or s.get("src") for s in scripts)
    (data,) = page.json_ld()
    assert BREAKOUT in json.dumps(data, ensure_ascii=False)


def test_the_jsonld_filter_escapes_what_could_end_the_script():
    html = jsonld({"name": "</script><!-- & \u2028 é"})
    assert html.startswith('<script type="application/ld+json">')
    payload = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in payload
    assert ">" not in payload
    assert "&" not in payload
    assert json.loads(payload) == {"name": "</script><!-- & \u2028 é"}


def test_the_jsonld_filter_writes_nothing_for_no_data():
    assert jsonld(None) == ""
    assert jsonld({}) == ""


# ISO 8601 durations.


@pytest.mark.parametrize(
    ("seconds", "iso"),
    [
        (4500, "PT1H15M"),
        (4320, "PT1H12M"),
        (3600, "PT1H"),
        (3661, "PT1H1M1S"),
        (59, "PT59S"),
        (60, "PT1M"),
        (0, "PT0S"),
        (90061, "PT25H1M1S"),
        ("75", "PT1M15S"),
    ],
)
def test_iso_duration(seconds, iso):
    assert structured_data.iso_duration(seconds) == iso
