"""Paper imports as background jobs: arXiv ids and DOIs looked up over the network, or the
entries of a BibTeX file, imported with `papers.importers.import_paper` in one transaction.
"""

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.urls import reverse

from jobs.runner import JobError, Outcome, enqueue, register
from papers import sources
from papers.importers import (
    CREATED,
    SKIPPED,
    UNCHANGED,
    ImportProblem,
    NotBibtex,
    TooManyPapers,
    check_batch_size,
    import_item,
    import_paper,
    read_bibtex,
)
from papers.models import Paper
from papers.sources.base import SourceUnavailable

IMPORT_PAPERS = "papers.import"


def queue_paper_import(*, user=None, identifiers=(), file=None):
    """Queue the import of `identifiers` (papers.sources.Identifier) and/or a BibTeX file."""
    return enqueue(
        IMPORT_PAPERS,
        user=user,
        file=file,
        identifiers=[{"kind": i.kind, "value": i.value} for i in identifiers],
        file_name=file.name if file is not None else None,
    )


@register(
    IMPORT_PAPERS,
    label="Paper import",
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
    retry_on=(SourceUnavailable,),
    max_retries=3,
    retry_delay=30,
)
def import_papers_job(job, progress):
    identifiers = [sources.Identifier(**i) for i in job.params.get("identifiers", [])]
    entries = _bibtex_entries(job) if job.input_file else []
    total = len(identifiers) + len(entries)
    try:
        check_batch_size(total)
    except TooManyPapers as error:
        raise JobError(str(error)) from None
    if total == 1 and identifiers:
        return _import_one(job, identifiers[0], progress)
    results = []
    with sources.open_sources() as network:
        for done, identifier in enumerate(identifiers, start=1):
            # A service that does not answer fails the job, for Celery to retry (retry_on).
            result = import_item(
                str(identifier), identifier, network=network, reraise=(SourceUnavailable,)
            )
            results.append(result)
            progress(done, total, f"Imported {done} of {total} papers\u2026")
    for done, entry in enumerate(entries, start=len(identifiers) + 1):
        results.append(import_item(entry.label, entry.metadata or entry.problem))
        progress(done, total, f"Imported {done} of {total} papers\u2026")
    counts = {status: sum(r.status == status for r in results) for status in _STATUSES}
    summary = [", ".join(f"{n} {status}" for status, n in counts.items()) + "."]
    summary += [f"{r.source}: {r.describe()}." for r in results if r.status != SKIPPED]
    errors = [f"{r.source}: {r.describe()}" for r in results if r.status == SKIPPED]
    return Outcome(
        summary="\n".join(summary), errors=errors, link=reverse("admin:papers_paper_changelist")
    )


_STATUSES = [CREATED, "updated", UNCHANGED, SKIPPED]


def _bibtex_entries(job):
    with job.input_file.open("rb") as file:
        data = file.read()
    name = job.params.get("file_name") or "the BibTeX file"
    try:
        return read_bibtex(data.decode("utf-8-sig"), name)
    except UnicodeDecodeError as error:
        raise JobError(f"{name} is not UTF-8 text (byte {error.start}).") from None
    except NotBibtex as error:
        raise JobError(str(error)) from None


def _import_one(job, identifier, progress):
    """One arXiv id or DOI, as the admin's "Add paper by arXiv id or DOI" page asks."""
    progress(0, 1, f"Looking up {identifier}\u2026")
    try:
        with sources.open_sources() as network:
            metadata = network.fetch(identifier)
        result = import_paper(metadata)
    except SourceUnavailable:
        raise
    except sources.SourceError as error:
        raise JobError(str(error)) from None
    except ImportProblem as error:
        raise JobError(f"This paper cannot be added: {error}") from None
    progress(1, 1, "Done.")
    paper = result.paper
    people = f", {len(result.new_people)} of them new" if result.new_people else ""
    if result.status == CREATED:
        _log(job, paper, ADDITION, [{"added": {}}])
        summary = (
            f"Added \u201c{paper.title}\u201d from {identifier}, with {result.authors} "
            f"author{'s' if result.authors != 1 else ''}{people}. Check it, add a summary "
            "and topics."
        )
    elif result.status == UNCHANGED:
        summary = f"\u201c{paper.title}\u201d was already here; {identifier} adds nothing."
    else:
        filled = [str(Paper._meta.get_field(name).verbose_name) for name in result.filled]
        if result.authors:
            filled.append(f"{result.authors} authors{people}")
        _log(job, paper, CHANGE, [{"changed": {"fields": filled}}])
        summary = (
            f"\u201c{paper.title}\u201d was already here; filled in from {identifier}: "
            f"{', '.join(filled)}."
        )
    return Outcome(summary=summary, link=reverse("admin:papers_paper_change", args=[paper.pk]))


def _log(job, paper, flag, message):
    """The admin's history of the paper, in the name of whoever queued the job."""
    if job.created_by_id is None:
        return
    LogEntry.objects.log_actions(
        user_id=job.created_by_id,
        queryset=[paper],
        action_flag=flag,
        change_message=message,
        single_object=True,
    )
