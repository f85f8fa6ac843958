"""Real faults for tests to meet, through public hooks rather than mocks of our code.

    refuse_inserts("search_entry")                       # the database refuses every new row
    refuse_inserts("papers_paper", "NEW.title = 'Bad'")  # or only some
    call_command(..., stdout=InterruptedOutput("[3/7]"))  # Ctrl-C at the third item

A trigger lives in the test's transaction, so it goes when the test ends.
"""

import io

from django.db import connection

MESSAGE = "refused by a test trigger"


def refuse_inserts(table, condition="TRUE"):
    """Make the database refuse new rows of `table` for which the SQL `condition` holds."""
    name = f"test_refuse_{table}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN IF {condition} THEN "
                f"RAISE EXCEPTION '{MESSAGE}'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW "
                f"EXECUTE FUNCTION {name}()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER {name} BEFORE INSERT ON {table} WHEN {condition} BEGIN "
                f"SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


class InterruptedOutput(io.StringIO):
    """Standard output on which Ctrl-C is pressed when `text` is about to be written."""

    def __init__(self, text):
        super().__init__()
        self.text = text

    def write(self, s):
        if self.text in s:
            raise KeyboardInterrupt
        return super().write(s)
