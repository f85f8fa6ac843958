"""The migration that bounds a paper's year: a year no date holds is cleared, not refused.

It runs on the test database itself, back to the migration before and forward again."""

import pytest
from django.db import connection

from papers.models import Paper
from tests.test_publishing_migrations import latest, migrate

BEFORE = [("papers", "0003_papers_without_a_year_last")]
AFTER = [("papers", "0004_paper_year_in_range")]


@pytest.mark.django_db(transaction=True)
def test_a_year_no_date_holds_is_cleared_and_the_others_kept():
    apps = migrate(BEFORE)
    try:
        OldPaper = apps.get_model("papers", "Paper")
        for slug, year in {"typo": 10051, "short": 24, "fine": 2024, "none": None}.items():
            OldPaper.objects.create(title=slug, slug=slug, year=year)
        migrate(AFTER)
        years = dict(Paper.objects.values_list("slug", "year"))
        assert years == {"typo": None, "short": None, "fine": 2024, "none": None}
    finally:
        migrate(latest())


@pytest.mark.django_db
def test_the_paper_list_has_an_index_in_its_order_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite can't index NULLS LAST: the migration creates it on PostgreSQL only.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'paper_list_order'")
        (definition,) = cursor.fetchone()
    assert "year DESC NULLS LAST, title" in definition


def indexes_of_papers():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "papers_paper")
    return {name for name, about in constraints.items() if about["index"]}


@pytest.mark.django_db(transaction=True)
def test_the_paper_list_index_comes_and_goes_with_its_migration():
    # On PostgreSQL it is made and removed; on SQLite (no index on NULLS LAST) the
    # migration applies and reverses with no index at all.
    try:
        migrate([("papers", "0005_profile_id_formats")])
        assert "paper_list_order" not in indexes_of_papers()
        migrate([("papers", "0006_paper_list_order")])
        made = "paper_list_order" in indexes_of_papers()
        assert made == (connection.vendor == "postgresql")
    finally:
        migrate(latest())
