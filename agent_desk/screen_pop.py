"""The screen pop: what the console shows the moment a call rings the operator's seat.

Everything comes from routing's live store, which every controller writes (in memory for
one process, Redis for several): the seat's record names the call, the call's checkpoint
holds its log so far (caller, number dialled, IVR steps, department found), and the queue
entry stands in while no checkpoint exists yet. The caller's earlier orders and calls
come from the database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from agent_desk.calls import CallHistory, call_to_json
from agent_desk.orders import OrderService, Visibility
from agent_desk.orders.views import order_to_json
from ivr.checkpoints import CALL_PREFIX
from routing import LiveStore

Translate = Callable[[str], str]
# A transfer that found nobody: the dial status in words (keys of the catalogue).
MISSED_TRANSFER = ("busy", "noanswer", "after_hours", "unavailable", "congestion")


@dataclass(frozen=True, slots=True)
class CallFacts:
    """What the live store knows of one call."""

    call_id: str
    caller_number: str = ""
    hotline_number: str = ""
    department_code: str | None = None
    steps: list[dict[str, Any]] = field(default_factory=list)


async def call_facts(store: LiveStore, call_id: str) -> CallFacts:
    checkpoints = await store.load_checkpoints()
    log = (checkpoints.get(CALL_PREFIX + call_id) or {}).get("log") or {}
    entry = await store.queue_entry(call_id)
    return CallFacts(
        call_id=call_id,
        caller_number=str(log.get("caller_number") or (entry.caller if entry else "")),
        hotline_number=str(log.get("hotline_number") or (entry.hotline_number if entry else "")),
        department_code=log.get("department_code") or None,
        steps=list(log.get("steps") or []),
    )


def path_in_words(steps: list[dict[str, Any]], t: Translate, names: Mapping[str, str]) -> list[str]:
    """The IVR path so far as a person says it: 按键 425 → 公安局 → 忙 → 转人工."""
    words: list[str] = []
    for step in steps:
        name = str(step.get("step", ""))
        if name == "lookup":
            if step.get("keys"):
                words.append(f"{t('pop.keys')} {step['keys']}")
            elif step.get("said"):
                words.append(f"{t('pop.said')}“{step['said']}”")
            results = step.get("results") or []
            if results:
                words.append(names.get(str(results[0]), str(results[0])))
        elif name == "speech" and step.get("text"):
            words.append(f"{t('pop.said')}“{step['text']}”")
        elif name == "transfer" and step.get("why") in MISSED_TRANSFER:
            words.append(t(f"vm.reason.{step['why']}"))
        elif name == "queued":
            words.append(t("pop.queued"))
        if step.get("to") == "operator":
            words.append(t("pop.operator"))
    return words


async def screen_pop(
    facts: CallFacts,
    *,
    t: Translate,
    names: Mapping[str, str],
    orders: OrderService,
    calls: CallHistory,
    visibility: Visibility = None,
) -> dict[str, Any]:
    """The pop as JSON: the call, its path in words, and the caller's history."""
    earlier_orders: list[dict[str, object]] = []
    earlier_calls: list[dict[str, object]] = []
    if facts.caller_number:
        found = await orders.search(
            visibility=visibility, caller_number=facts.caller_number, limit=5
        )
        earlier_orders = [order_to_json(o, orders.deadline_of(o)) for o in found]
        recent = await calls.recent(facts.caller_number, limit=6, visibility=visibility)
        earlier_calls = [call_to_json(c) for c in recent if c.call_id != facts.call_id][:5]
    department = facts.department_code
    return {
        "call_id": facts.call_id,
        "caller_number": facts.caller_number,
        "hotline_number": facts.hotline_number,
        "department_code": department,
        "department_name": names.get(department, "") if department else "",
        "path": path_in_words(facts.steps, t, names),
        "orders": earlier_orders,
        "calls": earlier_calls,
    }
