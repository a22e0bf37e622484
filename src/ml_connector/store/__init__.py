"""The durable store: SQLAlchemy Core tables, migrations, sealed secrets, repository functions."""

from __future__ import annotations
