"""The report PDF in Chinese: cover, contents, KPI table, two charts a page, ranking; drawn
in the CJK font, rendered to PNG by poppler (one page is kept in docs/ to look at); and the
quarterly public summary as a page and a PDF."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.agent_desk.stats.conftest import StatsHarness
from tests.conftest import REPO_ROOT

KEPT_PAGE = REPO_ROOT / "docs" / "stats-report-page.png"
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed"
)


def _sqlite_only(harness: StatsHarness) -> None:
    if harness.month.sessions.kw["bind"].dialect.name != "sqlite":
        pytest.skip("the PDF does not depend on the database: drawn once, on SQLite")


def _poppler(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


@needs_poppler
async def test_report_pdf_is_chinese_with_cover_contents_and_two_charts_a_page(
    stats_harness: StatsHarness, tmp_path: Path
) -> None:
    _sqlite_only(stats_harness)
    response = await stats_harness.get("/api/stats/report?period=2026-09&format=pdf")
    assert response.status == 200
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(await response.read())
    info = _poppler("pdfinfo", str(pdf))
    assert [line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")] == ["6"]
    assert "NotoSansCJKsc" in _poppler("pdffonts", str(pdf))  # Chinese drawn in the CJK font
    text = _poppler("pdftotext", "-layout", str(pdf), "-")
    expected = ("统计分析报告", "目录", "主要指标", "15秒接通率", "每日呼入量",
                "各单位按时办结率", "单位排名", "公安局")  # fmt: skip
    for words in expected:
        assert words in text, words
    assert "linjiang.gongan" not in text  # departments by name, not code
    _poppler("pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page"))
    pages = sorted(tmp_path.glob("page-*.png"))  # noqa: ASYNC240 - a test's own tmp dir
    assert len(pages) == 6
    assert all(page.stat().st_size > 5_000 for page in pages)  # drawn, not blank
    if os.environ.get("HOTLINE_SCREENSHOTS"):  # `make screenshots` refreshes the docs copy
        KEPT_PAGE.write_bytes(pages[4].read_bytes())  # the service-quality charts


@needs_poppler
async def test_quarterly_public_summary_is_a_page_and_a_pdf(
    stats_harness: StatsHarness, tmp_path: Path
) -> None:
    _sqlite_only(stats_harness)
    page = await stats_harness.get("/desk/reports/public?period=2026-Q3")
    assert page.status == 200
    assert page.content_type == "text/html"
    html = await page.text()
    assert "季度公示" in html
    assert '<tr data-kpi="satisfaction_rate"><th>满意率</th><td>50.0%</td></tr>' in html
    reports = await (await stats_harness.get("/desk/reports")).text()
    assert 'href="/desk/reports/public?period=2026-Q3"' in reports  # no raw JSON link
    pdf = await stats_harness.get("/desk/reports/public?period=2026-Q3&format=pdf")
    assert pdf.content_type == "application/pdf"
    path = tmp_path / "public.pdf"
    path.write_bytes(await pdf.read())
    assert "季度公示" in _poppler("pdftotext", str(path), "-")
