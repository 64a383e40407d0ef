from fixtures_store import (  # noqa: F401 - fixtures
    database_url,
    postgres_server,
    postgres_template,
    postgres_url,
    sqlite_url,
)
