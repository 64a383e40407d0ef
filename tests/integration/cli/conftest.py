from fixtures_store import sqlite_url  # noqa: F401 - fixture
