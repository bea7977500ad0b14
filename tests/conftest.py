"""Shared fixtures: the real feed server on 127.0.0.1, and SQLite/PostgreSQL databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dbfixtures import db_url, pg_url  # noqa: F401  (fixtures shared by every test module)
from feedserver import FeedServer


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A started FeedServer, stopped after the test."""
    with FeedServer() as server:
        yield server
