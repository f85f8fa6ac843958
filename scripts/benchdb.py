"""The benchmarks' own PostgreSQL database, beside the server DATABASE_URL names.

Each benchmark (bench_search.py, bench_site.py) keeps its generated data in a database of its
own between runs, on the server of DATABASE_URL when that is PostgreSQL, else the local one.
"""

import os
import sys
import urllib.parse

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"


def bench_database_url(name):
    """(URL of the database `name` on the benchmark's server, the server's URL parts)."""
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://", "pgsql://")):
        server = DEFAULT_SERVER
    parts = urllib.parse.urlsplit(server.replace("pgsql://", "postgres://", 1))
    return urllib.parse.urlunsplit(parts._replace(path="/" + name)), parts


def ensure_database(parts, name, benchmark):
    """Create the database `name` unless it exists; without PostgreSQL, exit saying what to do."""
    import psycopg

    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not exists.fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        sys.exit(
            f"{benchmark} needs PostgreSQL ({error}). Start it, or point DATABASE_URL at a "
            "PostgreSQL server; the benchmark uses a database of its own there."
        )
