"""Every table of every package, gathered on one MetaData for Alembic and tests."""

from __future__ import annotations

import agent_desk.audit
import agent_desk.auth.models
import agent_desk.departments
import agent_desk.intake.rate_limit
import agent_desk.integrations.models
import agent_desk.kb
import agent_desk.orders.models
import agent_desk.seat_occupants
import agent_desk.shared_keys
import agent_desk.stats.indexes
import agent_desk.stats.rollups
import agent_desk.supervision_items
import base.calendar_store
import directory.models
import ivr.call_records
import ivr.quality_models
import routing.models
import routing.seat_journal
import voicemail.models
import voicemail.notify.models
from base.database import Base

metadata = Base.metadata
REGISTERED = (
    directory.models,
    voicemail.models,
    voicemail.notify.models,
    ivr.call_records,
    ivr.quality_models,
    routing.models,
    routing.seat_journal,
    agent_desk.audit,
    agent_desk.departments,
    agent_desk.integrations.models,
    agent_desk.auth.models,
    agent_desk.intake.rate_limit,
    agent_desk.kb,
    agent_desk.orders.models,
    agent_desk.seat_occupants,
    agent_desk.shared_keys,
    agent_desk.supervision_items,
    agent_desk.stats.indexes,
    agent_desk.stats.rollups,
    base.calendar_store,
)
