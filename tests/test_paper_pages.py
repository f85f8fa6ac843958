"""The paper list, paper pages and BibTeX downloads (papers/views.py, papers/filters.py)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from episodes.models import Chapter, Discussion
from papers.models import Authorship, Citation
from tests.factories import (
    AuthorshipFactory,
    DiscussionFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
    ShowFactory,
)
from tests.pages import (
    ISOLA_EPISODE,
    PRH,
    DemoTestCase,
    Page,
    assert_queries_do_not_grow,
    fast_client,  # noqa: F401 (the `client` fixture, faster)
    parse_bibtex,
    saved,
    tagged,
)

PRH_URL = f"/papers/{PRH}/"
PRH_AUTHORS = ["minyoung-huh", "brian-cheung", "tongzhou-wang", "phillip-isola"]


def listed(page):
    """Slugs of the papers linked from a list page, in order."""
    return [
        attrs["href"].split("/")[2]
        for attrs in page.all("a")
        if re.fullmatch(r"/papers/[\w-]+/", attrs.get("href", ""))
    ]


def byline(page):
    """Slugs of the people linked from the page, in order."""
    return [
        attrs["href"].split("/")[2]
        for attrs in page.all("a")
        if re.fullmatch(r"/people/[\w-]+/", attrs.get("href", ""))
    ]


class TestPaperListWithTheDemo(DemoTestCase):
    def test_it_lists_both_papers_newest_first(self):
        page = self.page("/papers/")
        assert page.text_of("h1") == ["Papers"]
        assert page.text_of("p", role="status") == ["2 papers"]
        assert listed(page) == [PRH, "model-alignment-search"]

    def test_each_paper_shows_its_authors_in_order_year_venue_and_episodes(self):
        page = self.page("/papers/")
        assert page.item("The Platonic Representation Hypothesis") == (
            "The Platonic Representation Hypothesis Minyoung Huh, Brian Cheung, Tongzhou Wang, "
            "Phillip Isola · 2024 · ICML 2024 · discussed in 1 episode"
        )
        assert byline(page) == PRH_AUTHORS
        assert page.item("Model Alignment Search") == "Model Alignment Search"

    def test_filtering_by_topic(self):
        assert listed(self.page("/papers/?tag=multimodal-learning")) == [PRH]
        assert listed(self.page("/papers/?tag=representation-learning")) == [
            PRH,
            "model-alignment-search",
        ]

    def test_filtering_by_year(self):
        page = self.page("/papers/?year=2024")
        assert listed(page) == [PRH]
        assert '<option value="2024" selected>2024</option>' in page

    def test_filtering_by_author(self):
        page = self.page("/papers/?author=phillip-isola")
        assert listed(page) == [PRH]
        assert page.text_of("p", role="status") == ["1 paper"]

    def test_filters_combine(self):
        assert listed(self.page("/papers/?tag=representation-learning&year=2024")) == [PRH]
        url = "/papers/?tag=representation-learning&author=brian-cheung&year=2024"
        assert listed(self.page(url)) == [PRH]

    def test_unknown_filter_values_give_an_empty_list_and_say_why(self):
        for query in ["author=nobody", "year=1900", "year=abc", "tag=nope"]:
            page = self.page(f"/papers/?{query}")
            assert listed(page) == [], query
            assert page.text_of("p", role="status") == ["0 papers"], query
            assert "No paper matches these filters." in page.html, query
            assert len(page.all("p", class_="error")) == 1, query

    def test_the_author_filter_offers_authors_only(self):
        page = self.page("/papers/")
        assert len(page.all("select", name="author")) == 1
        authors = [attrs["value"] for attrs in page.all("option") if attrs["value"] in PRH_AUTHORS]
        assert sorted(authors) == sorted(PRH_AUTHORS)
        assert '<option value="julia-kempe">Julia Kempe</option>' not in page


class TestPaperPageWithTheDemo(DemoTestCase):
    def test_it_shows_the_title_authors_in_order_year_and_venue(self):
        page = self.page(PRH_URL)
        assert page.text_of("h1") == ["The Platonic Representation Hypothesis"]
        assert page.text_of("p", class_="byline") == [
            "Minyoung Huh, Brian Cheung, Tongzhou Wang, Phillip Isola"
        ]
        assert byline(page)[:4] == PRH_AUTHORS
        assert "2024 · ICML 2024" in page.text_of("p", class_="meta")

    def test_it_links_arxiv_and_the_topics(self):
        page = self.page(PRH_URL)
        assert page.links("https://arxiv.org/abs/2405.07987") == ["arXiv"]
        assert page.links("/tags/representation-learning/") == ["#representation-learning"]
        assert page.links("/tags/multimodal-learning/") == ["#multimodal-learning"]

    def test_it_shows_the_summary(self):
        page = self.page(PRH_URL)
        (summary,) = page.text_of("section", aria_labelledby="summary-title")
        assert summary.startswith(
            "Summary Neural networks trained on different data modalities, architectures"
        )
        assert page.all("section", aria_labelledby="abstract-title") == []

    def test_it_links_the_episode_at_the_moment_the_paper_comes_up(self):
        page = self.page(PRH_URL)
        (discussed,) = page.text_of("section", aria_labelledby="discussed-title")
        assert discussed == (
            "Discussed in Platonic Representations, Neural Thickets, and Artificial Life - with "
            "Phillip Isola (MIT) at 19:27, \u201cThe platonic representation hypothesis and what "
            "actually converges\u201d"
        )
        assert page.all("a", href=f"/episodes/{ISOLA_EPISODE}/?t=19:27")

    def test_it_lists_the_papers_citing_it(self):
        page = self.page(PRH_URL)
        assert page.text_of("h2", id="cited-by-title") == ["Cited by (1)"]
        assert page.links("/papers/model-alignment-search/") == ["Model Alignment Search"]
        assert page.all("h2", id="cites-title") == []

    def test_a_citing_paper_lists_what_it_cites(self):
        page = self.page("/papers/model-alignment-search/")
        assert page.text_of("h2", id="cites-title") == ["Cites (1)"]
        assert page.links(PRH_URL) == ["The Platonic Representation Hypothesis"]
        assert page.text_of("p", class_="byline") == [""]

    def test_it_shows_the_bibtex_and_a_download_link(self):
        page = self.page(PRH_URL)
        (bibtex,) = page.text_of("pre", class_="bibtex")
        assert bibtex.startswith("@inproceedings{huh2024platonic,")
        assert page.links(f"{PRH_URL}bibtex") == ["Download BibTeX"]
        assert page.all("a", href=f"{PRH_URL}bibtex")[0]["download"] == ""

    def test_the_bibtex_download_is_a_bibtex_file(self):
        response = self.client.get(f"{PRH_URL}bibtex")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
        assert response["Content-Disposition"] == (
            'attachment; filename="the-platonic-representation-hypothesis.bib"'
        )
        kind, key, fields = parse_bibtex(response.content.decode())
        assert (kind, key) == ("inproceedings", "huh2024platonic")
        assert fields == {
            "title": "{The Platonic Representation Hypothesis}",
            "author": "Huh, Minyoung and Cheung, Brian and Wang, Tongzhou and Isola, Phillip",
            "year": "2024",
            "booktitle": "ICML 2024",
            "eprint": "2405.07987",
            "archivePrefix": "arXiv",
            "url": "https://arxiv.org/abs/2405.07987",
        }

    def test_the_page_shows_the_same_bibtex_as_the_download(self):
        page = self.page(PRH_URL)
        download = self.client.get(f"{PRH_URL}bibtex").content.decode()
        shown = page.html.split("<code>", 1)[1].split("</code>", 1)[0]
        assert shown == download


# Not found, and what is not public.


@pytest.mark.parametrize("url", ["/papers/nope/", "/papers/nope/bibtex", "/papers/x/bibtex/"])
def test_unknown_papers_are_not_found(client, db, url):
    PaperFactory(slug="x")
    assert client.get(url).status_code == 404


def test_unpublished_episodes_are_not_shown_or_counted(client, db):
    paper = PaperFactory(slug="paper", title="Discussed Paper")
    DiscussionFactory(paper=paper, episode=EpisodeFactory(title="Public"))
    DiscussionFactory(paper=paper, episode=EpisodeFactory(title="Secret draft", draft=True))
    DiscussionFactory(paper=paper, episode=EpisodeFactory(title="Secret soon", scheduled=True))
    page = Page(client.get("/papers/paper/"))
    assert "Secret" not in page.html
    assert page.text_of("section", aria_labelledby="discussed-title") == ["Discussed in Public"]
    assert Page(client.get("/papers/")).item("Discussed Paper") == (
        "Discussed Paper · 2024 · discussed in 1 episode"
    )


def test_a_discussion_without_a_chapter_links_the_episode_itself(client, db):
    paper = PaperFactory(slug="paper")
    episode = EpisodeFactory(slug="ep")
    DiscussionFactory(paper=paper, episode=episode)
    assert Page(client.get("/papers/paper/")).all("a", href="/episodes/ep/")


def test_papers_without_a_year_come_last_on_every_database(client, db):
    PaperFactory(title="Undated", slug="undated", year=None)
    PaperFactory(title="Old", slug="old", year=2001)
    PaperFactory(title="New", slug="new", year=2025)
    assert listed(Page(client.get("/papers/"))) == ["new", "old", "undated"]


def test_a_paper_with_several_authors_is_listed_once_when_filtering_by_author(client, db):
    paper = PaperFactory(title="Shared")
    ada, bob = PersonFactory(slug="ada"), PersonFactory(slug="bob")
    AuthorshipFactory(paper=paper, person=ada, order=1)
    AuthorshipFactory(paper=paper, person=bob, order=2)
    paper.tags.add("one", "two")
    for query in ["author=ada", "author=bob", "tag=one", ""]:
        page = Page(client.get(f"/papers/?{query}"))
        assert page.text_of("p", role="status") == ["1 paper"], query


def test_titles_and_summaries_are_text_not_html(client, db):
    PaperFactory(
        slug="evil", title="<script>alert(1)</script>", summary="<img src=x onerror=alert(1)>"
    )
    for url in ["/papers/evil/", "/papers/"]:
        page = Page(client.get(url))
        assert page.executable_content() == [], url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.html, url


# Query budgets.


def bylines(papers, *authors):
    Authorship.objects.bulk_create(
        Authorship(paper=paper, person=author, order=order)
        for paper in papers
        for order, author in enumerate(authors, start=1)
    )
    return papers


def test_the_paper_list_makes_the_same_queries_for_1_and_50_papers(
    client, db, django_assert_max_num_queries
):
    authors, episode = saved(PersonFactory, 3), EpisodeFactory()

    def build(n):
        papers = tagged(bylines(saved(PaperFactory, n), *authors), "a", "b")
        Discussion.objects.bulk_create(Discussion(episode=episode, paper=p) for p in papers)
        return "/papers/"

    page = Page(assert_queries_do_not_grow(client, django_assert_max_num_queries, build))
    assert page.text_of("p", role="status") == ["51 papers"]
    assert page.text_of("li", class_="card paper-item")[0].endswith("discussed in 1 episode")


def test_a_filtered_paper_list_makes_the_same_queries_for_1_and_50_papers(
    client, db, django_assert_max_num_queries
):
    author, other = PersonFactory(slug="prolific"), PersonFactory()

    def build(n):
        tagged(bylines(saved(PaperFactory, n), author, other), "topic")
        return "/papers/?tag=topic&author=prolific&year=2024&page=2"

    page = Page(assert_queries_do_not_grow(client, django_assert_max_num_queries, build))
    assert page.text_of("p", role="status") == ["51 papers"]


def test_the_paper_page_makes_the_same_queries_for_1_and_50_of_everything(
    client, db, django_assert_max_num_queries
):
    someone, show = PersonFactory(), ShowFactory()

    def build(n):
        """A paper with n authors, topics, citing papers, cited papers and episodes."""
        (paper,) = tagged(saved(PaperFactory, 1), *[f"topic-{i}" for i in range(n)])
        bylines([paper], *saved(PersonFactory, n))
        citing = bylines(saved(PaperFactory, n), someone)
        cited = bylines(saved(PaperFactory, n), someone)
        Citation.objects.bulk_create(
            [Citation(citing=c, cited=paper) for c in citing]
            + [Citation(citing=paper, cited=c) for c in cited]
        )
        episodes = saved(EpisodeFactory, n, show=show)
        chapters = Chapter.objects.bulk_create(
            Chapter(episode=e, start=60, title="On the paper") for e in episodes
        )
        Discussion.objects.bulk_create(
            Discussion(episode=c.episode, paper=paper, chapter=c) for c in chapters
        )
        return paper.get_absolute_url()

    page = Page(assert_queries_do_not_grow(client, django_assert_max_num_queries, build))
    assert len(page.text_of("p", class_="byline")[0].split(", ")) == 50
    assert page.text_of("h2", id="cited-by-title") == ["Cited by (50)"]
    assert page.text_of("h2", id="cites-title") == ["Cites (50)"]
    assert len(page.text_of("section", aria_labelledby="discussed-title")[0].split(" at ")) == 51


def test_the_bibtex_download_makes_the_same_queries_for_1_and_50_authors(
    client, db, django_assert_max_num_queries
):
    def build(n):
        (paper,) = bylines(saved(PaperFactory, 1), *saved(PersonFactory, n))
        return f"{paper.get_absolute_url()}bibtex"

    response = assert_queries_do_not_grow(client, django_assert_max_num_queries, build)
    assert parse_bibtex(response.content.decode())[2]["author"].count(" and ") == 49


def test_a_paper_filtered_by_topic_and_author_is_listed_once(client, db, settings):
    # The list has no DISTINCT (it made the database annotate every paper before paging):
    # filters on a topic and an author join one row each.
    settings.PAGE_CACHE_SECONDS = 0
    author, coauthor = PersonFactory(), PersonFactory()
    (paper,) = bylines([PaperFactory()], author, coauthor)
    paper.tags.add("a", "b")
    DiscussionFactory(paper=paper)
    DiscussionFactory(paper=paper)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/papers/?tag=a&author={author.slug}")
    assert list(response.context["page"]) == [paper]
    assert response.context["page"].paginator.count == 1
    assert response.context["page"][0].episode_count == 2
    assert not [q for q in queries if 'SELECT DISTINCT "papers_paper"."id"' in q["sql"]]
