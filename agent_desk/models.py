"""Every table of the agent desk, imported together so Alembic and tests see them all."""

from __future__ import annotations

import agent_desk.audit
import agent_desk.auth.models
import agent_desk.kb
import agent_desk.orders.models

REGISTERED = (
    agent_desk.orders.models,
    agent_desk.auth.models,
    agent_desk.audit,
    agent_desk.kb,
)
