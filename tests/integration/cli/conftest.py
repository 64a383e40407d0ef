from fixtures_store import postgres_server, sqlite_url  # noqa: F401 - fixtures
