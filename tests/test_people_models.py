"""People, organizations and affiliations (people/models.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from episodes.models import Appearance
from people.models import Person
from tests.factories import (
    AffiliationFactory,
    AppearanceFactory,
    AuthorshipFactory,
    ChapterFactory,
    CitationFactory,
    DiscussionFactory,
    EpisodeFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    PostFactory,
)

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


def author(person, *papers):
    for paper in papers:
        AuthorshipFactory(person=person, paper=paper)


# Person: identity


def test_a_person_reads_as_their_name():
    assert str(PersonFactory(name="Phillip Isola")) == "Phillip Isola"


def test_a_person_lives_at_their_slug():
    person = PersonFactory(name="Phillip Isola")
    assert person.get_absolute_url() == "/people/phillip-isola/"


def test_a_person_gets_a_slug_from_their_name():
    assert PersonFactory(name="Jürgen Schmidhuber").slug == "jurgen-schmidhuber"


def test_namesakes_get_numbered_slugs():
    slugs = [PersonFactory(name="Sam Smith").slug for _ in range(3)]
    assert slugs == ["sam-smith", "sam-smith-2", "sam-smith-3"]


def test_a_given_slug_is_kept():
    assert PersonFactory(name="Yann LeCun", slug="ylc").slug == "ylc"


def test_renaming_a_person_keeps_their_slug():
    person = PersonFactory(name="Ravid Shwartz-Ziv")
    person.name = "Ravid Shwartz Ziv"
    person.save()
    person.refresh_from_db()
    assert person.slug == "ravid-shwartz-ziv"


def test_the_name_key_follows_the_name():
    person = PersonFactory(name="Rão Kambhampati")
    assert person.name_key == "rao kambhampati"

    person.name = "Subbarao Kambhampati"
    person.save()
    assert Person.objects.get(pk=person.pk).name_key == "subbarao kambhampati"


@pytest.mark.parametrize(
    "written", ["Rao Kambhampati", "rao  KAMBHAMPATI", "Rão Kambhampati", " RAO kambhampati "]
)
def test_it_matches_a_name_however_it_is_written(written):
    rao = PersonFactory(name="Rao Kambhampati")
    PersonFactory(name="Rao Kambhampat")

    assert list(Person.objects.matching_name(written)) == [rao]


def test_it_matches_no_one_for_an_unknown_name():
    PersonFactory(name="Rao Kambhampati")
    assert not Person.objects.matching_name("Allen Roush").exists()


# Person: external profiles


def test_a_person_without_ids_has_no_external_links():
    assert PersonFactory().external_links() == []


def test_a_person_has_a_link_for_every_id_in_a_stable_order():
    person = PersonFactory(
        homepage="https://web.mit.edu/phillipi/",
        openalex_id="A5012345678",
        semantic_scholar_id="2094770",
        orcid="0000-0002-1825-0097",
        google_scholar_id="ROILf3EAAAAJ",
    )

    assert person.external_links() == [
        ("Homepage", "https://web.mit.edu/phillipi/"),
        ("OpenAlex", "https://openalex.org/A5012345678"),
        ("Semantic Scholar", "https://www.semanticscholar.org/author/2094770"),
        ("ORCID", "https://orcid.org/0000-0002-1825-0097"),
        ("Google Scholar", "https://scholar.google.com/citations?user=ROILf3EAAAAJ"),
    ]


def test_a_person_links_only_the_profiles_they_have():
    person = PersonFactory(orcid="0000-0002-1825-0097")
    assert person.external_links() == [("ORCID", "https://orcid.org/0000-0002-1825-0097")]
    assert person.openalex_url() == ""
    assert person.google_scholar_url() == ""


def test_a_homepage_must_be_a_web_address():
    person = PersonFactory.build(homepage="ftp://files.example.com/me")
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert error.value.message_dict["homepage"] == ["Enter an http:// or https:// URL."]


# Person: roles


def test_hosts_guests_and_authors_are_told_apart():
    host = PersonFactory(is_host=True)
    guest = PersonFactory()
    writer = PersonFactory()
    AppearanceFactory(person=host, role=Appearance.Role.HOST)
    AppearanceFactory(person=guest)
    AppearanceFactory(person=guest)  # twice a guest, once in the list
    author(writer, PaperFactory(), PaperFactory())

    assert list(Person.objects.hosts()) == [host]
    assert list(Person.objects.guests()) == [guest]
    assert list(Person.objects.authors()) == [writer]


def test_the_database_refuses_two_people_with_one_slug():
    PersonFactory(slug="isola")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(slug="isola")


# Person: derived facts


@pytest.fixture
def phillip():
    return PersonFactory(name="Phillip Isola")


@pytest.fixture
def his_papers(phillip):
    """Three papers, newest first."""
    papers = [
        PaperFactory(title="Neural Thickets", year=2025),
        PaperFactory(title="The Platonic Representation Hypothesis", year=2024),
        PaperFactory(title="Image-to-Image Translation", year=2017),
    ]
    author(phillip, *papers)
    return papers


def test_a_person_has_their_papers_newest_first(phillip, his_papers):
    author(PersonFactory(), PaperFactory(year=2026))
    assert list(phillip.papers()) == his_papers


def test_coauthors_are_counted_by_shared_papers(phillip, his_papers):
    thickets, platonic, pix2pix = his_papers
    minyoung = PersonFactory(name="Minyoung Huh")
    alyosha = PersonFactory(name="Alexei Efros")
    stranger = PersonFactory(name="Someone Else")
    author(minyoung, thickets, platonic)
    author(alyosha, pix2pix)
    # A paper Phillip did not write counts for no one, even with his co-author on it.
    author(stranger, PaperFactory())
    author(minyoung, PaperFactory())

    coauthors = phillip.coauthors()

    assert [(p.name, p.shared_papers) for p in coauthors] == [
        ("Minyoung Huh", 2),
        ("Alexei Efros", 1),
    ]


def test_a_person_is_not_their_own_coauthor(phillip, his_papers):
    assert phillip not in phillip.coauthors()


def test_coauthors_with_as_many_shared_papers_come_by_name(phillip, his_papers):
    author(PersonFactory(name="Zed"), his_papers[0])
    author(PersonFactory(name="Abe"), his_papers[1])
    assert [p.name for p in phillip.coauthors()] == ["Abe", "Zed"]


def test_a_person_without_papers_has_no_coauthors():
    assert not PersonFactory().coauthors().exists()


def test_papers_citing_more_of_a_persons_work_come_first(phillip, his_papers):
    thickets, platonic, pix2pix = his_papers
    unrelated = PaperFactory()
    survey = PaperFactory(title="A Survey", year=2020)
    follow_up = PaperFactory(title="A Follow-up", year=2026)
    CitationFactory(citing=survey, cited=thickets)
    CitationFactory(citing=survey, cited=platonic)
    CitationFactory(citing=survey, cited=unrelated)
    CitationFactory(citing=follow_up, cited=pix2pix)
    CitationFactory(citing=follow_up, cited=unrelated)
    CitationFactory(citing=PaperFactory(), cited=unrelated)

    cited_by = phillip.cited_by()

    assert [(p.title, p.refs) for p in cited_by] == [("A Survey", 2), ("A Follow-up", 1)]


def test_his_own_papers_citing_each_other_count(phillip, his_papers):
    thickets, platonic, _ = his_papers
    CitationFactory(citing=thickets, cited=platonic)
    assert [(p, p.refs) for p in phillip.cited_by()] == [(thickets, 1)]


def test_a_persons_episodes_are_the_published_ones_they_appear_in(phillip):
    older = EpisodeFactory(published_at=days_ago(30))
    newer = EpisodeFactory(published_at=days_ago(2))
    draft = EpisodeFactory(draft=True)
    scheduled = EpisodeFactory(scheduled=True)
    for episode in [older, newer, draft, scheduled]:
        AppearanceFactory(person=phillip, episode=episode)
    AppearanceFactory(person=phillip, episode=newer, role=Appearance.Role.HOST)
    AppearanceFactory()  # someone else's

    assert list(phillip.episodes()) == [newer, older]


@pytest.fixture
def mentions(phillip, his_papers):
    """Episodes and posts mentioning Phillip in every way, and some that don't."""
    thickets, platonic, _ = his_papers
    by_chapter = EpisodeFactory(title="Chapter about him", published_at=days_ago(3))
    ChapterFactory(episode=by_chapter, person=phillip)

    by_discussion = EpisodeFactory(title="Discusses his paper", published_at=days_ago(1))
    DiscussionFactory(episode=by_discussion, paper=thickets)

    by_chapter_paper = EpisodeFactory(title="Chapter on his paper", published_at=days_ago(5))
    ChapterFactory(episode=by_chapter_paper, paper=platonic)

    every_way = EpisodeFactory(title="Every way", published_at=days_ago(2))
    ChapterFactory(episode=every_way, person=phillip)
    ChapterFactory(episode=every_way, person=phillip, paper=thickets)
    DiscussionFactory(episode=every_way, paper=thickets)
    DiscussionFactory(episode=every_way, paper=platonic)

    post = PostFactory(
        title="Post on his papers", published_at=days_ago(4), papers=[thickets, platonic]
    )
    by_him = PostFactory(title="Post by him", published_at=days_ago(6), author=phillip)

    draft = EpisodeFactory(draft=True)
    ChapterFactory(episode=draft, person=phillip)
    scheduled = EpisodeFactory(scheduled=True)
    DiscussionFactory(episode=scheduled, paper=thickets)
    PostFactory(draft=True, papers=[thickets])
    EpisodeFactory(title="Not about him", published_at=days_ago(1))
    PostFactory(title="Not about him either", published_at=days_ago(1))
    ChapterFactory(person=PersonFactory())

    return [by_discussion, every_way, by_chapter, post, by_chapter_paper, by_him]


def test_recent_mentions_are_published_episodes_and_posts_newest_first(phillip, mentions):
    assert [item for _, item in phillip.recent_mentions()] == mentions


def test_recent_mentions_come_with_their_date(phillip, mentions):
    for date, item in phillip.recent_mentions():
        assert date == item.published_at


def test_recent_mentions_stop_at_the_limit(phillip, mentions):
    assert [item for _, item in phillip.recent_mentions(limit=2)] == mentions[:2]


def test_recent_mentions_cost_two_queries(phillip, mentions, django_assert_num_queries):
    with django_assert_num_queries(2):
        phillip.recent_mentions()


def test_a_person_never_mentioned_has_no_mentions():
    assert PersonFactory().recent_mentions() == []


# Organizations and affiliations


def test_an_organization_reads_as_its_name_and_gets_a_slug():
    org = OrganizationFactory(name="Massachusetts Institute of Technology")
    assert str(org) == "Massachusetts Institute of Technology"
    assert org.slug == "massachusetts-institute-of-technology"


def test_organizations_with_slugified_alike_names_get_numbered_slugs():
    assert OrganizationFactory(name="AI Lab").slug == "ai-lab"
    assert OrganizationFactory(name="AI-Lab").slug == "ai-lab-2"


def test_the_database_refuses_two_organizations_with_one_slug():
    OrganizationFactory(name="MIT", slug="mit")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationFactory(name="M.I.T.", slug="mit")


def test_the_database_refuses_two_organizations_with_one_name():
    OrganizationFactory(name="MIT")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationFactory(name="MIT", slug="mit-2")


def test_an_affiliation_reads_as_person_position_and_place():
    yann = PersonFactory(name="Yann LeCun")
    nyu = AffiliationFactory(person=yann, organization=OrganizationFactory(name="NYU"))
    meta = AffiliationFactory(person=yann, organization=OrganizationFactory(name="Meta"), title="")

    assert str(nyu) == "Yann LeCun: Professor, NYU"
    assert str(meta) == "Yann LeCun: Meta"


def test_current_affiliations_leave_out_past_ones(phillip):
    mit = AffiliationFactory(person=phillip, organization=OrganizationFactory(name="MIT"))
    AffiliationFactory(person=phillip, is_current=False)
    AffiliationFactory(is_current=True)

    assert list(phillip.current_affiliations()) == [mit]


def test_the_database_refuses_an_affiliation_ending_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        AffiliationFactory(start_year=2020, end_year=2019)


@pytest.mark.parametrize(
    ("start", "end"), [(2020, 2020), (2018, 2023), (None, 2019), (2020, None)]
)
def test_the_database_accepts_an_affiliation_with_sensible_years(start, end):
    assert AffiliationFactory(start_year=start, end_year=end).pk


def test_the_database_refuses_the_same_position_twice():
    first = AffiliationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AffiliationFactory(person=first.person, organization=first.organization)


def test_a_person_may_hold_two_positions_at_one_place():
    first = AffiliationFactory(title="Professor")
    second = AffiliationFactory(
        person=first.person, organization=first.organization, title="Chief AI Scientist"
    )
    assert second.pk
