"""The body of a report table, rendered in Python.

A province's tables hold a few thousand cells; through template tags each cell cost about
50 µs (a dozen nodes, each resolving and escaping), which made the rendering several times
the cost of the page's queries. Here every text and URL is still escaped, once, by the
standard library's `html.escape` (what Django's `escape` calls, without its lazy-text wrapper).
"""
from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _linked(text, url, attributes=""):
    if url is None:
        return escape(str(text))
    return f'<a href="{escape(url)}"{attributes}>{escape(str(text))}</a>'


@register.simple_tag
def report_body(table):
    """The <tbody> rows of a `report_tables.Table`, as `link_tables` left them."""
    if not table.rows:
        return mark_safe(
            f'<tr><td colspan="{len(table.columns) + 1}" class="text-muted">{escape(_("Chưa có số liệu."))}</td></tr>'
        )
    opening = '<td class="text-end">' if table.numeric else "<td>"
    rows = []
    for row in table.rows:
        label = _linked(row.label, row.label_url, f' data-drill="{escape(str(row.label))}"')
        cells = "".join(f"{opening}{_linked(cell.text, cell.url)}</td>" for cell in row.cells)
        rows.append(f'<tr><th scope="row" class="fw-normal">{label}</th>{cells}</tr>')
    return mark_safe("\n".join(rows))
