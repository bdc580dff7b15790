"""The statistics API, report downloads and the live wallboard over HTTP."""

from __future__ import annotations

import csv
import io
import re

from tests.agent_desk.stats.conftest import DEPT_A, StatsHarness


async def test_kpis_grouped_by_department_as_json(stats_harness: StatsHarness) -> None:
    response = await stats_harness.get(
        "/api/stats/kpis?from=2026-09-01&to=2026-09-30&group=department"
    )
    assert response.status == 200
    body = await response.json()
    assert body["total"]["kpis"]["calls_offered"] == 9
    rows = {row["group"]["department"]: row["kpis"] for row in body["rows"]}
    assert rows[DEPT_A]["transfer_success_rate"] == 1.0


async def test_bad_group_and_period_are_json_errors(stats_harness: StatsHarness) -> None:
    response = await stats_harness.get("/api/stats/kpis?period=2026-09&group=weather")
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "period-invalid"
    response = await stats_harness.get("/api/stats/report?period=2026-13")
    assert response.status == 400


async def test_only_supervisors_and_admins_read_statistics(stats_harness: StatsHarness) -> None:
    assert (await stats_harness.get("/api/stats/kpis", as_user="op1")).status == 403
    assert (await stats_harness.get("/api/stats/kpis", as_user="admin1")).status == 200
    stats_harness.client.session.cookie_jar.clear()
    assert (await stats_harness.client.get("/api/stats/live")).status == 401


async def test_report_csv_parses_and_holds_the_figures(stats_harness: StatsHarness) -> None:
    response = await stats_harness.get("/api/stats/report?period=2026-Q3&format=csv")
    assert response.status == 200
    assert response.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    total = next(row for row in rows if row["section"] == "total")
    assert total["group"] == "2026-Q3"
    assert total["calls_offered"] == "9"
    assert float(total["operator_answer_rate"]) == round(2 / 3, 4)
    assert any(row["section"] == "department" and row["group"] == DEPT_A for row in rows)


async def test_report_pdf_is_a_pdf(stats_harness: StatsHarness) -> None:
    response = await stats_harness.get("/api/stats/report?period=2026-09&format=pdf")
    assert response.status == 200
    body = await response.read()
    assert body.startswith(b"%PDF")
    assert len(body) > 10_000  # the KPI table and five charts, not an empty page


async def test_quarterly_public_summary(stats_harness: StatsHarness) -> None:
    response = await stats_harness.get("/api/stats/report?period=2026-Q3&format=public")
    figures = {f["key"]: f["text"] for f in (await response.json())["figures"]}
    assert figures["satisfaction_rate"] == "50.0%"
    monthly = await stats_harness.get("/api/stats/report?period=2026-09&format=public")
    assert monthly.status == 400


async def test_report_json_has_supervision_views(stats_harness: StatsHarness) -> None:
    body = await (await stats_harness.get("/api/stats/report?period=2026-09")).json()
    supervision = body["supervision"]
    lines = {line["endpoint"]: line["unanswered"] for line in supervision["liaisons"]}
    assert lines == {"PJSIP/b-1": 1, "PJSIP/b-2": 1}
    assert supervision["repeat_transfers"] == [
        {"caller_number": "13911112222", "day": "2026-09-10",
         "departments": ["linjiang.gongan", "linjiang.shebao"]}
    ]  # fmt: skip
    overdue = {o["department_code"]: (o["orders"], o["voicemails"]) for o in supervision["overdue"]}
    assert overdue == {DEPT_A: (1, 0), "linjiang.shebao": (0, 1)}
    assert [o["number"] for o in supervision["overdue_orders"]] == ["T0003"]
    assert supervision["ranking"][0]["department_code"] == DEPT_A


async def test_live_wallboard_json(stats_harness: StatsHarness) -> None:
    body = await (await stats_harness.get("/api/stats/live")).json()
    live = body["live"]
    assert live["calls_in_ivr_total"] == 4
    assert live["waiting"] == 1
    assert live["longest_wait_s"] == 42
    linjiang = next(site for site in live["sites"] if site["site"] == "linjiang")
    assert linjiang["overflowed_out"] == 3
    assert live["seats"]["linjiang"]["available"] == 1
    assert body["today"]["calls_offered"] == 0  # the clock's day has no calls


async def test_live_stream_pushes_the_wallboard(stats_harness: StatsHarness) -> None:
    response = await stats_harness.get("/api/stats/live/stream")
    assert response.headers["Content-Type"] == "text/event-stream"
    seen = b""
    while b"event: wallboard" not in seen or not seen.endswith(b"\n\n"):
        seen += await response.content.readany()
    assert b'"waiting": 1' in seen
    response.close()


async def test_pages_render_for_a_supervisor(stats_harness: StatsHarness) -> None:
    for path in ("/desk/stats?period=2026-09", "/desk/reports", "/desk/wallboard"):
        response = await stats_harness.get(path)
        assert response.status == 200, path
        assert "Content-Security-Policy" in response.headers
    page = await (await stats_harness.get("/desk/stats?period=2026-09")).text()
    assert page.count('src="data:image/svg+xml;base64,') == 4
    operator = await stats_harness.get("/desk/stats", as_user="op1")
    assert operator.url.path == "/desk/console"


async def test_the_stats_page_names_departments_not_codes(stats_harness: StatsHarness) -> None:
    page = await (await stats_harness.get("/desk/stats?period=2026-09")).text()
    ranking = page[page.index('id="ranking"') : page.index("</table>", page.index('id="ranking"'))]
    cells = re.findall(r"<tr><td>\d+</td><td>([^<]*)</td>", ranking)
    assert cells, "the ranking has rows"
    # a code the directory knows is shown by its name; one it lost stays a code
    assert "临江市公安局" in cells
    assert "linjiang.gongan" not in ranking
