"""The supervisor KPIs, each with its written definition, and the dimensions they group by.

Every KPI is a count, a rate (numerator ÷ denominator) or an average (sum ÷ count) of
*counters*, and every counter is a plain SQL sum, so the database does the aggregation and
coarser groups are exact sums of finer ones. `docs/kpis.md` repeats these definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

SHORT_ABANDON_S = 5.0  # a caller who hangs up within this many seconds of queueing is not counted
SERVICE_LEVEL_S = 15.0  # the "15-second answer rate" threshold
NO_VALUE = "—"  # shown for a rate or average with nothing to divide by


class Dimension(StrEnum):
    """What KPIs can be grouped by."""

    DEPARTMENT = "department"
    SITE = "site"  # the city (its site id)
    PLATFORM = "platform"  # the platform a call, voicemail or order belongs to (a county too)
    HOTLINE = "hotline"  # the number dialled: 12345, 114, 96128
    HOUR = "hour"  # hour of day, China time, 0–23
    DAY = "day"  # calendar day, China time, YYYY-MM-DD
    SLOT = "slot"  # one hour of one day, China time, "YYYY-MM-DD HH" (one cheap key for both)


class KpiKind(StrEnum):
    COUNT = "count"
    RATE = "rate"  # 0..1
    SECONDS = "seconds"  # an average duration


@dataclass(frozen=True, slots=True)
class Kpi:
    """One KPI: its key, labels, how it is computed from counters, and what it means."""

    key: str
    label: str  # Chinese, as supervisors read it
    label_en: str
    kind: KpiKind
    numerator: str
    denominator: str | None
    definition: str
    higher_is_better: bool = True
    source: str = ""  # where the KPI comes from: GB/T 33358, the seed documents, or ours


GBT = "GB/T 33358"
SEEDS = "seed documents"


def _count(key: str, label: str, en: str, counter: str, definition: str,
           *, source: str = "") -> Kpi:  # fmt: skip
    return Kpi(key, label, en, KpiKind.COUNT, counter, None, definition, source=source)


def _rate(key: str, label: str, en: str, num: str, den: str, definition: str,
          *, higher_is_better: bool = True, source: str = "") -> Kpi:  # fmt: skip
    return Kpi(key, label, en, KpiKind.RATE, num, den, definition, higher_is_better, source)


def _avg(key: str, label: str, en: str, total: str, n: str, definition: str,
         *, source: str = "") -> Kpi:  # fmt: skip
    return Kpi(key, label, en, KpiKind.SECONDS, total, n, definition, False, source)


KPIS: tuple[Kpi, ...] = (
    _count("calls_offered", "呼入量", "Calls offered", "offered",
           "Call records started in the period, whatever became of them."),
    _count("calls_answered", "接听量", "Calls answered", "answered",
           "Calls the platform picked up (answered_at set): IVR, operator or transfer."),
    _count("operator_offered", "人工呼入量", "Operator calls offered", "op_offered",
           "Calls that entered the operator queue (queue_outcome set), less short abandons "
           "(hung up within the short-abandon threshold of queueing)."),
    _count("operator_answered", "人工接听量", "Operator calls answered", "op_answered",
           "Queued calls a seat answered (queue_outcome = answered), also those the operator "
           "then transferred."),
    _rate("operator_answer_rate", "人工接通率", "Operator answer rate",
          "op_answered", "op_offered", "Operator calls answered ÷ operator calls offered.",
          source=SEEDS),
    _rate("answered_15s_rate", "15秒接通率", "15-second answer rate (from queueing)",
          "op_answered_fast", "op_offered", "Operator calls a seat answered at most 15 s after "
          "they entered the queue (queue_wait_s) ÷ operator calls offered.", source=GBT),
    _rate("answered_15s_entry_rate", "15秒接通率（自呼入）", "15-second answer rate (from call "
          "start)", "op_answered_fast_entry", "op_offered", "Operator calls a seat answered at "
          "most 15 s after the call started (call_wait_s: greeting and menu included) ÷ "
          "operator calls offered.", source=GBT),
    _avg("average_speed_of_answer", "平均应答时长", "Average speed of answer (s)", "op_wait_sum",
         "op_wait_n", "Mean queue wait (queue_wait_s) of operator calls answered.",
         source=SEEDS),
    _rate("abandonment_rate", "呼损率", "Abandonment rate", "op_abandoned", "op_offered",
          "Callers who hung up in the operator queue (or while a seat rang) after the "
          "short-abandon threshold ÷ operator calls offered.", higher_is_better=False),
    _avg("average_abandon_wait", "平均放弃等待时长", "Average wait before abandoning (s)",
         "op_abandon_wait_sum", "op_abandon_wait_n", "Mean queue wait (queue_wait_s) of the "
         "callers counted in the abandonment rate."),
    _rate("overflow_rate", "溢出率", "Overflow rate", "op_overflowed", "op_offered",
          "Operator calls offered to a seat of another city (overflowed) ÷ operator calls "
          "offered.", higher_is_better=False, source=SEEDS),
    _count("queue_timeouts", "排队超时转留言量", "Queue timeouts to voicemail",
           "op_timeout_voicemail", "Callers sent to voicemail after the longest queue wait."),
    _count("queue_callback_requests", "排队回电登记量", "Callbacks asked for in the queue",
           "op_callback_requested", "Callers who pressed 2 in the queue to be called back."),
    _avg("average_handling_time", "平均处理时长", "Average handling time (s)", "talk_sum",
         "talk_n", "Mean talk time (talk_s) of operator calls answered."),
    _rate("transfer_success_rate", "转接成功率", "Transfer success rate", "transfer_bridged",
          "transfer_attempted", "Liaison transfers bridged ÷ liaison transfers attempted.",
          source=SEEDS),
    _rate("voicemail_rate", "留言率", "Voicemail rate", "voicemail_calls", "offered",
          "Calls that left a voicemail with a message in it ÷ calls offered (empty voicemails "
          "— 0 s or silence — left out).", higher_is_better=False),
    _count("empty_voicemail_calls", "空留言量", "Empty voicemails", "empty_voicemail_calls",
           "Calls whose voicemail held no message (0 s or silence), flagged on the record."),
    _count("voicemails", "留言量", "Voicemails", "vm_total",
           "Non-empty voicemails recorded in the period."),
    _rate("voicemail_on_time_rate", "留言按时回复率", "Voicemails replied on time",
          "vm_on_time", "vm_due", "Voicemails replied by the end of their reply-due day ÷ "
          "voicemails replied or past their reply-due day (still open within their deadline: "
          "not yet counted).", source=SEEDS),
    _count("orders_accepted", "受理工单量", "Orders accepted", "orders_handled",
           "Work orders accepted in the period, less those not accepted (不予受理) or merged."),
    _rate("orders_on_time_rate", "按时办结率", "Orders completed on time", "orders_on_time",
          "orders_due", "Orders whose reply came by the end of their due date ÷ orders "
          "replied or past their due date.", source=SEEDS),
    _rate("resolution_rate", "办结率", "Resolution rate", "orders_closed", "orders_handled",
          "Orders closed (已办结 / archived after closing) ÷ orders accepted.", source=SEEDS),
    _rate("redo_rate", "发回重办率", "Sent back for redo", "orders_redone", "orders_replied",
          "Orders sent back for redo at least once ÷ orders replied.", higher_is_better=False,
          source=SEEDS),
    _rate("callback_rate", "回访率", "Callback rate", "orders_rated", "orders_replied",
          "Orders with a callback review (satisfaction recorded) ÷ orders replied.",
          source=SEEDS),
    _rate("satisfaction_rate", "满意率", "Satisfaction rate", "orders_satisfied",
          "orders_rated", "Orders rated 4 or 5 ÷ orders rated (1–5).", source=SEEDS),
    _rate("missed_call_callback_rate", "未接来电回拨率", "Missed calls called back",
          "callbacks_done", "callbacks", "Missed-call callback entries done ÷ entries (one per "
          "caller per day)."),
)  # fmt: skip

KPI_BY_KEY = {kpi.key: kpi for kpi in KPIS}
# The rates a department is ranked by (higher is better after turning "lower is better" round).
RANKING_KPIS = (
    "transfer_success_rate",
    "voicemail_on_time_rate",
    "orders_on_time_rate",
    "satisfaction_rate",
    "redo_rate",
)


def kpi_value(kpi: Kpi, counters: dict[str, float]) -> float | None:
    """The KPI from counters; None when its denominator is zero (no calls: no rate)."""
    numerator = counters.get(kpi.numerator)
    if kpi.denominator is None:
        return numerator if numerator is not None else None
    denominator = counters.get(kpi.denominator)
    if not denominator or numerator is None:
        return None
    return numerator / denominator


def format_value(kpi: Kpi, value: float | None) -> str:
    """How a value is printed in tables, CSV and PDF."""
    if value is None:
        return NO_VALUE
    if kpi.kind is KpiKind.RATE:
        return f"{value * 100:.1f}%"
    if kpi.kind is KpiKind.SECONDS:
        return f"{value:.1f}"
    return f"{value:.0f}"


def markdown_table() -> str:
    """The KPI table of docs/kpis.md (a test keeps the two the same)."""
    lines = [
        "| key | 指标 | KPI | kind | computed as | definition | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for kpi in KPIS:
        computed = f"`{kpi.numerator}`"
        if kpi.denominator is not None:
            computed = f"`{kpi.numerator} ÷ {kpi.denominator}`"
        lines.append(
            f"| `{kpi.key}` | {kpi.label} | {kpi.label_en} | {kpi.kind.value} | {computed} "
            f"| {kpi.definition} | {kpi.source or '—'} |"
        )
    return "\n".join(lines) + "\n"
