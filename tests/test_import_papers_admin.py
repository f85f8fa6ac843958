"""The admin's "Add paper by arXiv id or DOI" page (papers/admin.py): it queues a job
(papers/jobs.py), whose page says what happened and links to the paper. The tests have no
broker, so the job runs in-process when the request's transaction commits."""

from pathlib import Path

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from jobs.models import Job
from papers import sources
from papers.models import Paper
from tests.factories import PaperFactory, PersonFactory, UserFactory
from tests.pages import Page, fast_client  # noqa: F401 (the `client` fixture, faster)
from tests.recorded_papers import use_recordings

URL = "/admin/papers/paper/add-by-id/"


@pytest.fixture
def recorded(monkeypatch):
    requests = []
    use_recordings(monkeypatch, requests)
    return requests


def add(client, identifier):
    """Post the form and run the queued job as the commit would; the Job, reloaded."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(URL, {"identifier": identifier})
    assert response.status_code == 302
    job = Job.objects.latest()
    assert response["Location"] == f"/admin/jobs/job/{job.pk}/change/"
    return job


def test_the_page_has_its_own_address(db):
    assert reverse("admin:papers_paper_add_by_id") == URL


def test_the_paper_list_links_to_the_page_for_editors(editor_client):
    page = Page(editor_client.get("/admin/papers/paper/"))
    assert page.links(URL) == ["Add paper by arXiv id or DOI"]


def test_the_page_is_a_form_with_csrf_protection(editor_client):
    page = Page(editor_client.get(URL))
    assert page.response.status_code == 200
    assert page.title().startswith("Add paper by arXiv id or DOI")
    assert page.all("input", name="csrfmiddlewaretoken")
    assert page.all("input", name="identifier")


def test_an_editor_adds_a_paper_by_arxiv_id(editor_client, recorded):
    isola = PersonFactory(name="Phillip Isola")
    job = add(editor_client, "https://arxiv.org/abs/2405.07987")
    paper = Paper.objects.get()
    assert job.state == Job.State.SUCCEEDED
    assert job.link == f"/admin/papers/paper/{paper.pk}/change/"
    assert paper.title == "The Platonic Representation Hypothesis"
    assert paper.arxiv_id == "2405.07987"
    assert [a.name for a in paper.ordered_authors()] == [
        "Minyoung Huh",
        "Brian Cheung",
        "Tongzhou Wang",
        "Phillip Isola",
    ]
    assert paper.ordered_authors()[3] == isola
    assert job.summary == (
        "Added \u201cThe Platonic Representation Hypothesis\u201d from arXiv 2405.07987, with 4 "
        "authors, 3 of them new. Check it, add a summary and topics."
    )
    page = Page(editor_client.get(job.get_absolute_url()))
    assert "Added \u201cThe Platonic Representation Hypothesis\u201d" in page.response.text
    assert page.links(job.link) == ["Open it"]
    (entry,) = LogEntry.objects.all()
    assert (entry.action_flag, entry.object_id) == (ADDITION, str(paper.pk))
    assert [r.url.host for r in recorded] == ["export.arxiv.org"]


def test_an_editor_adds_a_paper_by_doi(editor_client, recorded):
    add(editor_client, "10.1038/nature14539")
    assert Paper.objects.get().venue == "Nature"


def test_a_paper_already_here_is_completed_and_opened(editor_client, recorded):
    paper = PaperFactory(title="PRH", arxiv_id="2405.07987")
    job = add(editor_client, "2405.07987")
    assert job.link == f"/admin/papers/paper/{paper.pk}/change/"
    assert job.summary == (
        "\u201cPRH\u201d was already here; filled in from arXiv 2405.07987: published on, "
        "abstract, 4 authors, 4 of them new."
    )
    assert LogEntry.objects.get().action_flag == CHANGE
    job = add(editor_client, "2405.07987")
    assert job.summary == "\u201cPRH\u201d was already here; arXiv 2405.07987 adds nothing."


def form_errors(response):
    return Page(response).text_of("ul", class_="errorlist")


def test_a_failure_says_why_on_the_jobs_page(editor_client, recorded):
    job = add(editor_client, "2405.99999")
    assert job.state == Job.State.FAILED
    assert job.errors == (
        "arXiv has no paper 2405.99999. Check the id (like 2405.07987). Nothing was saved."
    )
    response = editor_client.get(job.get_absolute_url())
    assert "arXiv has no paper 2405.99999." in response.text
    assert not Paper.objects.exists()


def test_an_id_that_is_not_one_is_refused_before_any_lookup(editor_client, recorded):
    response = editor_client.post(URL, {"identifier": "the platonic paper"})
    assert form_errors(response) == [
        "'the platonic paper' is not an id we know: give an arXiv id (like 2405.07987) or a "
        "DOI (like 10.1038/nature14539)."
    ]
    assert Page(response).all("input", name="identifier")[0]["value"] == "the platonic paper"
    assert recorded == []


def test_a_service_that_does_not_answer_in_time_is_reported(editor_client, monkeypatch):
    class Slow:
        def fetch(self, identifier):
            raise sources.SourceUnavailable("arXiv did not answer within 10 s, try again.")

        def __enter__(self):
            return self

        def __exit__(self, *args):
            pass

    monkeypatch.setattr(sources, "open_sources", lambda **kwargs: Slow())
    job = add(editor_client, "2405.07987")
    assert job.state == Job.State.FAILED
    assert job.errors.startswith("arXiv did not answer within 10 s, try again. (tried once)")


def test_metadata_the_site_cannot_take_is_reported(editor_client, recorded):
    PaperFactory(title="One", arxiv_id="2405.07987")
    PaperFactory(title="Two", doi="10.48550/arXiv.2405.07987")
    job = add(editor_client, "10.48550/arXiv.2405.07987")
    assert job.errors.startswith("This paper cannot be added: its arXiv id 2405.07987 is on")
    assert Paper.objects.count() == 2


def test_a_signed_in_listener_cannot_use_the_page(client, listener, recorded):
    client.force_login(listener)
    response = client.post(URL, {"identifier": "2405.07987"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not Paper.objects.exists()
    assert recorded == []


def test_staff_without_the_add_permission_cannot_use_the_page(client, db, recorded):
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_paper"))
    client.force_login(clerk)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"identifier": "2405.07987"}).status_code == 403
    assert not Paper.objects.exists()
    page = Page(client.get("/admin/papers/paper/"))
    assert page.links(URL) == []


def test_the_form_needs_the_csrf_token(editor, recorded):
    from tests.pages import FastClient

    client = FastClient(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(URL, {"identifier": "2405.07987"})
    assert response.status_code == 403
    assert not Paper.objects.exists()


def test_an_editor_imports_a_bibtex_file(editor_client, recorded):
    from django.core.files.uploadedfile import SimpleUploadedFile

    refs = (Path(__file__).parent / "fixtures" / "papers" / "refs.bib").read_bytes()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = editor_client.post(URL, {"file": SimpleUploadedFile("refs.bib", refs)})
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert job.summary.splitlines()[0] == "4 created, 0 updated, 0 unchanged, 3 skipped."
    assert "refs.bib: notitle (line 33): skipped: it has no title." in job.errors
    assert Paper.objects.count() == 4
    assert (job.done, job.total) == (7, 7)
    assert recorded == []


def import_bibtex(client, name, content):
    """Post a BibTeX file and run the queued job as the commit would; the Job, reloaded."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(URL, {"file": SimpleUploadedFile(name, content)})
    return Job.objects.latest()


def test_a_file_at_the_paper_limit_is_imported_and_one_more_is_refused(
    editor_client, recorded, settings
):
    refs = (Path(__file__).parent / "fixtures" / "papers" / "refs.bib").read_bytes()  # 7
    settings.PAPERS_IMPORT_MAX_ITEMS = 7
    assert import_bibtex(editor_client, "refs.bib", refs).state == Job.State.SUCCEEDED
    assert Paper.objects.count() == 4
    Paper.objects.all().delete()

    settings.PAPERS_IMPORT_MAX_ITEMS = 6
    job = import_bibtex(editor_client, "refs.bib", refs)
    assert job.state == Job.State.FAILED
    assert job.errors == (
        "7 papers are more than the 6 one import takes (the PAPERS_IMPORT_MAX_ITEMS setting): "
        "import them in smaller files, or raise the setting. Nothing was saved."
    )
    assert not Paper.objects.exists()


def test_it_needs_an_id_or_a_file(editor_client, recorded):
    response = editor_client.post(URL, {"identifier": ""})
    assert response.status_code == 200
    assert "Give an arXiv id or DOI, or a BibTeX file (one of the two)." in response.text
    assert not Job.objects.exists()
