"""Every table of every package, gathered on one MetaData for Alembic and tests."""

from __future__ import annotations

import directory.models  # noqa: F401  (registers the tables)
from hotline.database import Base

metadata = Base.metadata
