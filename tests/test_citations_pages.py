"""Citation downloads and where the pages offer them: reading lists, citing an episode, a
person's papers (episodes/views.py, people/views.py)."""

import json

import bibtexparser
import pytest

from episodes.models import Appearance, Discussion
from papers.models import Authorship
from tests.factories import (
    AppearanceFactory,
    AuthorshipFactory,
    DiscussionFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
    ShowFactory,
)
from tests.pages import (
    ISOLA_EPISODE,
    DemoTestCase,
    Page,
    fast_client,  # noqa: F401 (the `client` fixture, faster)
    queries_for,
    saved,
)

BIBTEX = "application/x-bibtex; charset=utf-8"
CSL_JSON = "application/vnd.citationstyles.csl+json"
ISOLA_URL = f"/episodes/{ISOLA_EPISODE}/"


def entries(response):
    library = bibtexparser.parse_string(response.content.decode())
    assert library.failed_blocks == []
    return library.entries


class TestWithTheDemo(DemoTestCase):
    def test_the_episode_page_offers_the_reading_list_in_both_formats(self):
        page = self.page(ISOLA_URL)
        (section,) = page.text_of("section", aria_labelledby="reading-list-title")
        assert section.startswith("Reading list Every paper discussed in this episode")
        assert page.links(f"{ISOLA_URL}reading-list.bib") == ["BibTeX"]
        assert page.links(f"{ISOLA_URL}reading-list.json") == ["CSL-JSON"]

    def test_the_episode_page_says_how_to_cite_it(self):
        page = self.page(ISOLA_URL)
        assert page.text_of("p", class_="citation") == [
            "Shwartz-Ziv, R., & Roush, A. (2026, June 4). Platonic Representations, Neural "
            "Thickets, and Artificial Life - with Phillip Isola (MIT) [Audio podcast episode]. "
            "In The Information Bottleneck. https://informationbottleneck.test"
            f"{ISOLA_URL}"
        ]
        assert page.links(f"{ISOLA_URL}cite.bib") == ["Download BibTeX"]
        assert page.all("a", href=f"{ISOLA_URL}cite.bib")[0]["download"] == ""

    def test_the_episode_page_shows_the_same_bibtex_as_the_download(self):
        page = self.page(ISOLA_URL)
        shown = page.html.split('aria-labelledby="cite-title"', 1)[1]
        shown = shown.split("<code>", 1)[1].split("</code>", 1)[0]
        download = self.client.get(f"{ISOLA_URL}cite.bib").content.decode()
        assert shown == download

    def test_the_reading_list_bibtex_has_every_paper_discussed(self):
        response = self.client.get(f"{ISOLA_URL}reading-list.bib")
        assert response.status_code == 200
        assert response["Content-Type"] == BIBTEX
        assert response["Content-Disposition"] == (
            f'attachment; filename="{ISOLA_EPISODE}-reading-list.bib"'
        )
        assert response.content.decode().startswith(
            "% Papers discussed in \u201cPlatonic Representations, Neural Thickets, and "
            "Artificial Life - with Phillip Isola (MIT)\u201d, The Information Bottleneck: "
            f"https://informationbottleneck.test{ISOLA_URL}\n"
        )
        assert [(e.entry_type, e.key) for e in entries(response)] == [
            ("inproceedings", "huh2024platonic")
        ]

    def test_the_reading_list_csl_json_has_every_paper_discussed(self):
        response = self.client.get(f"{ISOLA_URL}reading-list.json")
        assert response.status_code == 200
        assert response["Content-Type"] == CSL_JSON
        assert response["Content-Disposition"] == (
            f'attachment; filename="{ISOLA_EPISODE}-reading-list.json"'
        )
        (item,) = json.loads(response.content)
        assert item["id"] == "huh2024platonic"
        assert item["type"] == "paper-conference"
        assert item["container-title"] == "ICML 2024"
        assert item["author"][3] == {"family": "Isola", "given": "Phillip"}

    def test_the_episode_citation_download_is_a_bibtex_file(self):
        response = self.client.get(f"{ISOLA_URL}cite.bib")
        assert response["Content-Type"] == BIBTEX
        assert response["Content-Disposition"] == f'attachment; filename="{ISOLA_EPISODE}.bib"'
        (entry,) = entries(response)
        assert (entry.entry_type, entry.key) == ("misc", "shwartzziv2026platonic")
        assert entry["author"] == "Shwartz-Ziv, Ravid and Roush, Allen"

    def test_the_person_page_offers_their_papers_as_bibtex(self):
        page = self.page("/people/phillip-isola/")
        assert page.links("/people/phillip-isola/papers.bib") == [
            "Download their papers as BibTeX"
        ]

    def test_a_persons_papers_download(self):
        response = self.client.get("/people/phillip-isola/papers.bib")
        assert response["Content-Type"] == BIBTEX
        assert response["Content-Disposition"] == (
            'attachment; filename="phillip-isola-papers.bib"'
        )
        assert [e.key for e in entries(response)] == ["huh2024platonic"]

    def test_downloads_may_be_cached_like_pages(self):
        response = self.client.get(f"{ISOLA_URL}reading-list.json")
        assert response["Cache-Control"] == "public, max-age=300"


# What is offered, and when


def test_an_episode_without_papers_offers_no_reading_list_but_a_citation(client, db):
    EpisodeFactory(slug="quiet")
    page = Page(client.get("/episodes/quiet/"))
    assert page.all("section", aria_labelledby="reading-list-title") == []
    assert page.text_of("h2", id="cite-title") == ["Cite this episode"]
    response = client.get("/episodes/quiet/reading-list.json")
    assert json.loads(response.content) == []
    assert entries(client.get("/episodes/quiet/reading-list.bib")) == []


def test_someone_without_papers_has_no_bibtex_link(client, db):
    PersonFactory(slug="nopapers")
    page = Page(client.get("/people/nopapers/"))
    assert page.links("/people/nopapers/papers.bib") == []
    assert entries(client.get("/people/nopapers/papers.bib")) == []


def test_the_reading_list_follows_the_episode_and_keys_stay_unique(client, db):
    episode = EpisodeFactory(slug="ep")
    vaswani = PersonFactory(name="Ashish Vaswani")
    for title in ["Attention Is All You Need", "Attention Is Not Explanation"]:
        paper = PaperFactory(title=title, year=2017)
        AuthorshipFactory(paper=paper, person=vaswani, order=1)
        DiscussionFactory(episode=episode, paper=paper)
    DiscussionFactory(paper=PaperFactory(title="Another Episode's Paper"))
    keys = [e.key for e in entries(client.get("/episodes/ep/reading-list.bib"))]
    assert keys == ["vaswani2017attentiona", "vaswani2017attentionb"]
    ids = [item["id"] for item in json.loads(client.get("/episodes/ep/reading-list.json").content)]
    assert ids == keys


def test_a_persons_download_has_all_their_papers_with_coauthors_in_order(client, db):
    person = PersonFactory(name="Phillip Isola", slug="isola")
    for title in ["One", "Two"]:
        paper = PaperFactory(title=title)
        AuthorshipFactory(paper=paper, person__name="First Author", order=1)
        AuthorshipFactory(paper=paper, person=person, order=2)
    PaperFactory(title="Not Theirs")
    found = entries(client.get("/people/isola/papers.bib"))
    assert sorted(e["title"] for e in found) == ["{One}", "{Two}"]
    assert {e["author"] for e in found} == {"Author, First and Isola, Phillip"}


# Drafts and unknowns


DOWNLOADS = ["reading-list.bib", "reading-list.json", "cite.bib"]


@pytest.mark.parametrize("download", DOWNLOADS)
@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_unpublished_episodes_downloads_are_not_found_for_the_public(client, db, download, state):
    DiscussionFactory(episode=EpisodeFactory(slug="secret", **{state: True}))
    assert client.get(f"/episodes/secret/{download}").status_code == 404


@pytest.mark.parametrize("download", DOWNLOADS)
def test_editors_can_download_from_a_draft(editor_client, download):
    DiscussionFactory(episode=EpisodeFactory(slug="secret", draft=True))
    response = editor_client.get(f"/episodes/secret/{download}")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_a_draft_is_cited_without_a_date_in_the_editors_preview(editor_client):
    EpisodeFactory(slug="secret", title="Coming Soon", draft=True)
    page = Page(editor_client.get("/episodes/secret/"))
    (citation,) = page.text_of("p", class_="citation")
    assert citation.startswith("Coming Soon [Audio podcast episode]. (n.d.).")


@pytest.mark.parametrize(
    "url",
    [
        "/episodes/nope/reading-list.bib",
        "/episodes/nope/reading-list.json",
        "/episodes/nope/cite.bib",
        "/people/nope/papers.bib",
        "/episodes/ep/reading-list.csv",
    ],
)
def test_unknown_downloads_are_not_found(client, db, url):
    EpisodeFactory(slug="ep")
    assert client.get(url).status_code == 404


def test_titles_are_data_not_markup(client, db):
    episode = EpisodeFactory(slug="evil", title="<script>alert(1)</script> & {Braces}")
    AppearanceFactory(episode=episode, role=Appearance.Role.HOST, person__name="<b>Host</b>")
    page = Page(client.get("/episodes/evil/"))
    assert page.executable_content() == []
    (citation,) = page.text_of("p", class_="citation")
    assert citation.startswith("<b>Host</b>. (")  # shown as written, escaped in the HTML
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; {Braces}" in page.html
    (entry,) = entries(client.get("/episodes/evil/cite.bib"))
    assert entry["title"] == (
        r"{<script>alert(1)</script> \& \textbraceleft{}Braces\textbraceright{}}"
    )


# Query budgets: the same number of queries for 1 and 20 papers.


def episode_with_papers(n, show):
    """A published episode with n papers discussed, each by three authors, and two hosts."""
    (episode,) = saved(EpisodeFactory, 1, show=show)
    papers, authors = saved(PaperFactory, n), saved(PersonFactory, 3)
    Authorship.objects.bulk_create(
        Authorship(paper=paper, person=author, order=order)
        for paper in papers
        for order, author in enumerate(authors, start=1)
    )
    Discussion.objects.bulk_create(Discussion(episode=episode, paper=paper) for paper in papers)
    Appearance.objects.bulk_create(
        Appearance(episode=episode, person=host, role=Appearance.Role.HOST, order=order)
        for order, host in enumerate(saved(PersonFactory, 2))
    )
    return episode


@pytest.mark.parametrize("download", DOWNLOADS)
def test_episode_downloads_make_the_same_queries_for_1_and_20_papers(client, db, download):
    show = ShowFactory()
    one = queries_for(client, f"{episode_with_papers(1, show).get_absolute_url()}{download}")
    twenty = queries_for(client, f"{episode_with_papers(20, show).get_absolute_url()}{download}")
    assert twenty == one


def test_a_persons_download_makes_the_same_queries_for_1_and_20_papers(client, db):
    def person_with_papers(n):
        (person,) = saved(PersonFactory, 1)
        papers, coauthors = saved(PaperFactory, n), saved(PersonFactory, 2)
        Authorship.objects.bulk_create(
            Authorship(paper=paper, person=who, order=order)
            for paper in papers
            for order, who in enumerate([person, *coauthors], start=1)
        )
        return f"{person.get_absolute_url()}papers.bib"

    one = queries_for(client, person_with_papers(1))
    url = person_with_papers(20)
    assert queries_for(client, url) == one
    assert len(entries(client.get(url))) == 20
