"""The statistics indexes, declared on the tables so Alembic's model check knows them.

Migration 0006 creates them; `hotline/schema.py` imports this module with the tables.
Each covers every column the KPI queries read, so a period's aggregate reads the index only.
"""

from __future__ import annotations

from sqlalchemy import Index

from agent_desk.orders.models import WorkOrder
from ivr.call_records import CallRecord
from voicemail.models import Voicemail

C, W, V = CallRecord, WorkOrder, Voicemail
CALL_STATS = Index(
    "ix_call_records_stats",
    C.started_at, C.site, C.hotline_number, C.department_code, C.outcome, C.queue_wait_s,
    C.talk_s, C.transfer_attempted, C.transfer_bridged, C.answered_at,
)  # fmt: skip
ORDER_STATS = Index(
    "ix_work_orders_stats",
    W.accepted_at, W.department_code, W.hotline_number, W.status, W.due_date, W.replied_at,
    W.closed_at, W.redo_count, W.satisfaction, W.merged_into_id,
)  # fmt: skip
VOICEMAIL_OVERDUE = Index("ix_voicemails_stats", V.reply_due, V.handled_at, V.mailbox)
ORDER_OVERDUE = Index("ix_work_orders_overdue", W.status, W.due_date)
