"""The report page printed on A4: charts beside or above their tables, never over them; no navigation."""
import io

import pytest
from pypdf import PdfReader

from models_registry.models import Status
from tests.conftest import ARTIFACTS
from tests.factories import make_leader, make_registration, make_report_fixture
from tests.test_browser_reports import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# A4 less the print stylesheet's side margins (10 mm each), in CSS pixels.
A4_CONTENT_WIDTH = round((210 - 20) / 25.4 * 96)
MAX_PAGES = 6

OVERLAPS = """() => {
  const boxes = sel => [...document.querySelectorAll(sel)].map(e => e.getBoundingClientRect())
    .filter(r => r.width > 0 && r.height > 0);
  const charts = boxes('canvas[data-chart]'), tables = boxes('table');
  const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const found = [];
  charts.forEach((c, i) => tables.forEach((t, j) => { if (hit(c, t)) found.push([i, j]); }));
  return {charts: charts.length, tables: tables.length, overlaps: found,
          overflowing: tables.filter(t => t.right > document.documentElement.clientWidth + 1).length};
}"""


@pytest.fixture
def report_page(page, live_server):
    data = make_report_fixture()
    for year in range(2020, 2026):
        for n in range(3):
            make_registration(data.u1 if n % 2 else data.u3, year, f"Mô hình {year}-{n}", Status.COMPLETED,
                              field=["economy", "culture_society", "defence_security"][n], participants=40 * n)
    log_in(page, live_server, make_leader(data.p, username="lanhdao"))
    page.goto("/bao-cao/?nam=2026")
    page.wait_for_function("[...document.querySelectorAll('canvas[data-chart]')].every(c => Chart.getChart(c))")
    return page


# A printer lays the page out again without giving Chart.js a chance to redraw: the charts keep
# the size they were drawn at for the screen. Freeze them so the measured layout is the printed one.
FREEZE_CHARTS = """() => document.querySelectorAll('canvas[data-chart]').forEach(canvas => {
  const chart = Chart.getChart(canvas); chart.options.responsive = false; chart.update();
})"""


def test_printed_report_has_no_chart_over_a_table(report_page):
    # Charts drawn for the screen, then the page laid out for print: first at the screen's width,
    # then at the width of an A4 sheet.
    report_page.evaluate(FREEZE_CHARTS)
    report_page.emulate_media(media="print")
    for width in (1280, A4_CONTENT_WIDTH):
        report_page.set_viewport_size({"width": width, "height": 1100})
        measured = report_page.evaluate(OVERLAPS)
        assert measured["charts"] >= 4 and measured["tables"] >= 8
        assert measured["overlaps"] == [], f"charts over tables at {width}px: {measured['overlaps']}"
        assert measured["overflowing"] == 0
    assert report_page.locator("nav.navbar").is_hidden()
    assert report_page.locator("[data-export=xlsx]").is_hidden()


def test_report_prints_on_a_few_a4_pages(report_page):
    pdf = report_page.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "report-printed.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= MAX_PAGES
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595) < 2 and abs(float(box.height) - 842) < 2
    text = reader.pages[0].extract_text()
    assert "Báo cáo phong trào" in text
    assert "Đăng nhập" not in text and "Đăng xuất" not in text
