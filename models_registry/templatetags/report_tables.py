"""Report tables rendered in Python: the card, its chart's data and the table.

A province's tables hold a few thousand cells; through template tags each cell cost about
50 µs (a dozen nodes, each resolving and escaping), and each of the page's fourteen sections
two includes, which made the rendering several times the cost of the page's queries. Here
every text and URL is still escaped, once: cells by the standard library's `html.escape`
(what Django's `escape` calls, without its lazy-text wrapper), titles and headers by
`conditional_escape`, which leaves text already marked safe as it is.
"""
from html import escape

from django import template
from django.utils.html import conditional_escape, json_script
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _linked(text, url, attributes=""):
    if url is None:
        return escape(str(text))
    return f'<a href="{escape(url)}"{attributes}>{escape(str(text))}</a>'


def _body(table):
    """The <tbody> rows of a `report_tables.Table`, as `link_tables` left them."""
    if not table.rows:
        return f'<tr><td colspan="{len(table.columns) + 1}" class="text-muted">{escape(_("Chưa có số liệu."))}</td></tr>'
    opening = '<td class="text-end">' if table.numeric else "<td>"
    rows = []
    for row in table.rows:
        label = _linked(row.label, row.label_url, f' data-drill="{escape(str(row.label))}"')
        cells = "".join(f"{opening}{_linked(cell.text, cell.url)}</td>" for cell in row.cells)
        rows.append(f'<tr><th scope="row" class="fw-normal">{label}</th>{cells}</tr>')
    return "\n".join(rows)


def _table(table):
    numeric = ' class="text-end"' if table.numeric else ""
    headers = "".join(f'<th scope="col"{numeric}>{conditional_escape(column)}</th>' for column in table.columns)
    note = f'\n  <p class="small text-muted fst-italic">{conditional_escape(table.note)}</p>' if table.note else ""
    return (
        '<div class="table-responsive">\n'
        f'  <table class="table table-sm table-striped report-table mb-1" id="bang-{escape(table.key)}">\n'
        f'    <thead class="table-light">\n      <tr>\n        <th scope="col">{conditional_escape(table.label_header)}</th>'
        f"{headers}\n      </tr>\n    </thead>\n"
        f"    <tbody>\n{_body(table)}\n    </tbody>\n  </table>{note}\n</div>"
    )


@register.simple_tag
def report_table(table):
    """A `report_tables.Table` as a <table>, its header, body and note."""
    return mark_safe(_table(table))


@register.simple_tag
def report_section(table, stacked=False):
    """A report table in its card, under its title, beside its chart when it has one (a canvas and
    the chart's data as JSON, which static/js/reports-charts.js draws)."""
    key = escape(table.key)
    title = conditional_escape(table.title)
    content = _table(table)
    chart = table.chart_data
    if chart:
        chart_column, table_column = ("col-12", "col-12") if stacked else ("col-lg-5", "col-lg-7")
        wide = " chart-box-wide" if table.chart == "line" else ""
        label = conditional_escape(_("Biểu đồ: %(title)s") % {"title": table.title})
        content = (
            '<div class="row g-3 align-items-start">\n'
            f'  <div class="{chart_column}">\n'
            f'    <div class="chart-box{wide}">\n'
            f'      <canvas data-chart="{escape(chart["id"])}" role="img" aria-label="{label}"></canvas>\n'
            f"    </div>\n    {json_script(chart, chart['id'])}\n  </div>\n"
            f'  <div class="{table_column}">{content}</div>\n</div>'
        )
    return mark_safe(
        f'<section class="card report-section mb-4" aria-labelledby="tieu-de-{key}">\n'
        f'  <div class="card-body">\n    <h2 class="h5 card-title" id="tieu-de-{key}">{title}</h2>\n'
        f"    {content}\n  </div>\n</section>"
    )
