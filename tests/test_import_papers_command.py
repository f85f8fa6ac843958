"""`manage.py import_papers`: BibTeX files, arXiv ids and DOIs, progress and a summary."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from papers.models import Paper
from people.models import Person
from tests.factories import PersonFactory
from tests.faults import InterruptedOutput
from tests.recorded_papers import FIXTURES, use_recordings

REFS = FIXTURES / "refs.bib"
BROKEN = (
    "not valid BibTeX (Unexpected block start: `@article`. Was still looking for field-value "
    "closing `}`); fix the entry."
)


def run(*args, **options):
    """(stdout, stderr, the CommandError or None) of the command."""
    out, err = io.StringIO(), io.StringIO()
    error = None
    try:
        call_command("import_papers", *args, stdout=out, stderr=err, **options)
    except CommandError as raised:
        error = raised
    return out.getvalue(), err.getvalue(), error


@pytest.fixture
def recorded(monkeypatch):
    """arXiv and doi.org answer from the recordings; the requests made are listed here."""
    requests = []
    use_recordings(monkeypatch, requests)
    return requests


@pytest.fixture
def no_network(monkeypatch):
    """For imports that must not look anything up."""

    def refuse(**kwargs):
        raise AssertionError("the command opened the network clients")

    monkeypatch.setattr("papers.sources.open_sources", refuse)


# BibTeX files


@pytest.mark.django_db
def test_a_bibtex_file_imports_every_readable_entry_and_reports_the_others(no_network):
    out, err, error = run(str(REFS))
    assert out.splitlines() == [
        "[1/7] refs.bib: huh2024platonic (line 3): created \u201cThe Platonic Representation "
        "Hypothesis\u201d (4 authors, 4 new people)",
        "[2/7] refs.bib: tishby2000 (line 12): created \u201cThe information bottleneck "
        "method\u201d (3 authors, 3 new people)",
        f"[3/7] refs.bib: broken (line 19): skipped: {BROKEN}",
        "[4/7] refs.bib: lecun2015deep (line 23): created \u201cDeep learning\u201d (3 authors, "
        "3 new people)",
        "[5/7] refs.bib: notitle (line 33): skipped: it has no title.",
        "[6/7] refs.bib: maaten2008 (line 37): created \u201cVisualizing Data using t-SNE\u201d "
        "(2 authors, 1 new person)",
        "[7/7] refs.bib: lecun2015deep (line 45): skipped: a second entry with the key "
        "'lecun2015deep'; give each entry its own key.",
        "Done: 4 created, 0 updated, 0 unchanged, 3 skipped; 11 new people.",
        "Skipped:",
        f"  refs.bib: broken (line 19): {BROKEN}",
        "  refs.bib: notitle (line 33): it has no title.",
        "  refs.bib: lecun2015deep (line 45): a second entry with the key 'lecun2015deep'; "
        "give each entry its own key.",
    ]
    assert str(error) == (
        "3 of 7 skipped (listed above). Fix them and run the command again: what was imported "
        "stays, and importing it again changes nothing."
    )
    assert err == ""
    assert sorted(Paper.objects.values_list("title", flat=True)) == [
        "Deep learning",
        "The Platonic Representation Hypothesis",
        "The information bottleneck method",
        "Visualizing Data using t-SNE",
    ]
    maaten = Paper.objects.get(title="Visualizing Data using t-SNE")
    assert [a.name for a in maaten.ordered_authors()] == [
        "Laurens van der Maaten",
        "Geoffrey Hinton",  # the same person as on "Deep learning"
    ]
    assert Person.objects.count() == 11


@pytest.mark.django_db
def test_importing_a_file_again_changes_nothing(no_network):
    run(str(REFS))
    out, _, _ = run(str(REFS), verbosity=1)
    assert "Done: 0 created, 0 updated, 4 unchanged, 3 skipped; 0 new people." in out
    assert Paper.objects.count() == 4


@pytest.mark.django_db
def test_a_dry_run_says_what_would_happen_and_saves_nothing(no_network):
    out, _, _ = run(str(REFS), dry_run=True)
    lines = out.splitlines()
    assert lines[0] == "Dry run: nothing will be saved."
    assert lines[1].startswith(
        "[1/7] refs.bib: huh2024platonic (line 3): would create \u201cThe Platonic"
    )
    assert "Dry run, nothing saved: 4 created, 0 updated, 0 unchanged, 3 skipped;" in out
    assert not Paper.objects.exists()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_an_import_interrupted_half_way_leaves_the_database_as_it_was(no_network):
    """One transaction: the two papers (and their authors) imported before Ctrl-C go too."""
    with pytest.raises(KeyboardInterrupt):
        call_command(
            "import_papers", str(REFS), stdout=InterruptedOutput("[3/7]"), stderr=io.StringIO()
        )
    assert not Paper.objects.exists()
    assert not Person.objects.exists()
    run(str(REFS))  # run again, it does it all
    assert Paper.objects.count() == 4


@pytest.mark.django_db
def test_as_many_papers_as_the_limit_are_imported(no_network, settings):
    settings.PAPERS_IMPORT_MAX_ITEMS = 7  # refs.bib has 7 entries
    run(str(REFS))
    assert Paper.objects.count() == 4


@pytest.mark.django_db
def test_more_papers_than_the_limit_are_refused_before_anything_is_looked_up(no_network, settings):
    settings.PAPERS_IMPORT_MAX_ITEMS = 7
    out, _, error = run(str(REFS), "--arxiv", "2405.07987")  # the network is never opened
    assert str(error) == (
        "8 papers are more than the 7 one import takes (the PAPERS_IMPORT_MAX_ITEMS setting): "
        "import them in smaller files, or raise the setting. Nothing was imported."
    )
    assert out == ""
    assert not Paper.objects.exists()
    assert not Person.objects.exists()


def test_the_limit_is_two_thousand_papers_by_default():
    from ibsite import settings as project_settings

    assert project_settings.PAPERS_IMPORT_MAX_ITEMS == 2_000


@pytest.mark.django_db
def test_a_file_that_is_not_bibtex_writes_nothing(tmp_path, no_network):
    notes = tmp_path / "notes.txt"
    notes.write_text("Papers to read: the platonic one, and t-SNE.\n")
    _, _, error = run(str(REFS), str(notes))
    assert str(error).startswith(
        "notes.txt has no BibTeX entry we can read. Is it the right file?"
    )
    assert str(error).endswith("Nothing was imported.")
    assert not Paper.objects.exists()  # refs.bib was read, but nothing is written


@pytest.mark.django_db
def test_a_file_that_is_not_text_writes_nothing(tmp_path, no_network):
    binary = tmp_path / "paper.pdf"
    binary.write_bytes(b"%PDF-1.7\n\xff\xfe\x00\x01binary")
    _, _, error = run(str(binary))
    assert "paper.pdf is not UTF-8 text" in str(error)
    assert "iconv" in str(error)
    assert not Paper.objects.exists()


@pytest.mark.django_db
def test_a_file_at_the_size_limit_is_read(tmp_path, no_network, settings):
    bib = tmp_path / "refs.bib"
    bib.write_bytes(REFS.read_bytes())
    settings.BIBTEX_MAX_BYTES = bib.stat().st_size
    _, _, error = run(str(bib))
    assert "larger than" not in str(error)
    assert Paper.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, no_network, settings):
    bib = tmp_path / "refs.bib"
    bib.write_bytes(REFS.read_bytes())
    settings.BIBTEX_MAX_BYTES = bib.stat().st_size - 1
    _, _, error = run(str(bib))
    assert str(error) == (
        f"{bib} is larger than {bib.stat().st_size - 1:,} bytes, the most import_papers reads "
        "(BIBTEX_MAX_BYTES): split it into smaller files. Nothing was imported."
    )
    assert not Paper.objects.exists()


def test_the_default_size_limit_is_ten_megabytes():
    from ibsite import settings as site_settings

    assert site_settings.BIBTEX_MAX_BYTES == 10 * 1024 * 1024


@pytest.mark.django_db
def test_a_missing_file_is_named(tmp_path, no_network):
    _, _, error = run(str(tmp_path / "nope.bib"))
    assert str(error) == f"There is no file {tmp_path / 'nope.bib'}. Check the path."


@pytest.mark.django_db
def test_a_file_with_a_byte_order_mark_is_read(tmp_path, no_network):
    bom = tmp_path / "bom.bib"
    bom.write_bytes(b"\xef\xbb\xbf" + REFS.read_bytes())
    _, _, error = run(str(bom))
    assert str(error).startswith("3 of 7 skipped")
    assert Paper.objects.count() == 4


# arXiv ids and DOIs


@pytest.mark.django_db
def test_arxiv_ids_and_dois_are_looked_up_and_imported(recorded):
    PersonFactory(name="Yann LeCun")
    out, err, error = run(
        "--arxiv", "2405.07987", "physics/0004057", "--doi", "10.1038/nature14539"
    )
    assert error is None
    assert out.splitlines() == [
        "[1/3] arXiv 2405.07987: created \u201cThe Platonic Representation Hypothesis\u201d "
        "(4 authors, 4 new people)",
        "[2/3] arXiv physics/0004057: created \u201cThe information bottleneck method\u201d "
        "(3 authors, 3 new people)",
        "[3/3] DOI 10.1038/nature14539: created \u201cDeep learning\u201d (3 authors, 2 new "
        "people)",
        "Done: 3 created, 0 updated, 0 unchanged, 0 skipped; 9 new people.",
    ]
    assert err == ""
    prh = Paper.objects.get(arxiv_id="2405.07987")
    assert [a.name for a in prh.ordered_authors()] == [
        "Minyoung Huh",
        "Brian Cheung",
        "Tongzhou Wang",
        "Phillip Isola",
    ]
    assert Paper.objects.get(doi="10.1038/nature14539").venue == "Nature"
    assert [r.url.host for r in recorded] == [
        "export.arxiv.org",
        "export.arxiv.org",
        "doi.org",
        "api.crossref.org",
    ]


@pytest.mark.django_db
def test_a_doi_fills_in_what_the_arxiv_import_left_empty(recorded):
    run("--arxiv", "2405.07987")
    out, _, error = run("--doi", "10.48550/arXiv.2405.07987")
    assert error is None
    assert out.splitlines()[0] == (
        "[1/1] DOI 10.48550/arXiv.2405.07987: filled in DOI on \u201cThe Platonic "
        "Representation Hypothesis\u201d"
    )
    assert Paper.objects.get().doi == "10.48550/arXiv.2405.07987"


@pytest.mark.django_db
def test_papers_the_services_do_not_have_are_skipped_and_the_others_imported(recorded):
    out, _, error = run("--arxiv", "2405.99999", "2405.07987", "--doi", "10.1234/not-a-real-doi")
    assert "[1/3] arXiv 2405.99999: skipped: arXiv has no paper 2405.99999." in out
    assert "[3/3] DOI 10.1234/not-a-real-doi: skipped: doi.org does not know the DOI" in out
    assert "Done: 1 created, 0 updated, 0 unchanged, 2 skipped; 4 new people." in out
    assert str(error).startswith("2 of 3 skipped")
    assert Paper.objects.get().arxiv_id == "2405.07987"


@pytest.mark.django_db
def test_a_malformed_answer_is_skipped_with_what_to_do(recorded):
    out, _, error = run("--arxiv", "2405.00001")
    assert "[1/1] arXiv 2405.00001: skipped: arXiv sent a broken answer" in out
    assert "try again in a minute" in out
    assert error is not None
    assert not Paper.objects.exists()


@pytest.mark.django_db
def test_malformed_ids_stop_the_command_before_anything_is_looked_up(recorded):
    _, _, error = run("--arxiv", "2405.07987", "not-an-id", "--doi", "nature14539")
    assert str(error) == (
        "Nothing was imported; fix these and run the command again:\n"
        "  'not-an-id' is not an id we know: an arXiv id looks like 2405.07987 (or cs/0112017 "
        "for old papers).\n"
        "  'nature14539' is not an id we know: a DOI looks like 10.48550/arXiv.2405.07987."
    )
    assert recorded == []


@pytest.mark.django_db
def test_the_same_id_twice_is_looked_up_once(recorded):
    out, _, _ = run("--arxiv", "2405.07987", "https://arxiv.org/abs/2405.07987")
    assert len(recorded) == 1
    assert "Done: 1 created" in out


@pytest.mark.django_db
def test_a_file_and_ids_in_one_run(recorded, tmp_path):
    one = tmp_path / "one.bib"
    one.write_text("@article{x, title = {The Platonic Representation Hypothesis}, year = 2024}")
    out, _, error = run(str(one), "--arxiv", "2405.07987")
    assert error is None
    assert "[1/2] one.bib: x (line 1): created" in out
    assert "[2/2] arXiv 2405.07987: filled in date, abstract, arXiv id, 4 authors on" in out
    assert Paper.objects.count() == 1


@pytest.mark.django_db
def test_nothing_to_import_says_how_to_give_something():
    _, _, error = run()
    assert str(error) == (
        "Nothing to import: give BibTeX files, --arxiv ids or --doi DOIs "
        "(see import_papers --help)."
    )


@pytest.mark.django_db
def test_verbosity_0_prints_nothing_but_still_imports(no_network):
    out, _, _ = run(str(REFS), verbosity=0)
    assert out == ""
    assert Paper.objects.count() == 4


def test_the_help_explains_the_command(capsys):
    with pytest.raises(SystemExit):
        call_command("import_papers", "--help")
    text = " ".join(capsys.readouterr().out.split())
    for words in [
        "from BibTeX files and from arXiv ids or DOIs",
        "The whole import is one transaction",
        "--dry-run",
        "--arxiv ID [ID ...]",
        "--timeout SECONDS",
        "exits with status 1 if anything was skipped",
    ]:
        assert words in text, words
