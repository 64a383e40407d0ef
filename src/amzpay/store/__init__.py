"""Persistence: tables, repository, unit of work, migrations.

Empty until its issue lands; it exists now so the layer contracts in pyproject.toml hold
from the first commit.
"""
