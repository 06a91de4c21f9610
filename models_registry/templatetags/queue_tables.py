"""The staff queue's rows and the criteria badge, rendered in Python.

The queue shows up to 200 rows of a dozen cells and three links each; through template tags and
includes every row cost about 150 µs, most of the page's time when its copy is rebuilt after a
change. As in report_tables.py, every text and URL is still escaped, once, by `html.escape`.
"""
from html import escape

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

# A stand-in id: the queue's links differ only by the registration's id, so each is reversed once.
_SAMPLE_ID = 987654321


def _link_maker(name):
    before, _sample, after = reverse(name, args=[_SAMPLE_ID]).partition(str(_SAMPLE_ID))
    return lambda pk: f"{before}{pk}{after}"


@register.simple_tag
def criteria_badge(result):
    """How a registration stands against its criteria (workflow.CriteriaResult), as a badge."""
    label = escape(result.label)
    if not result.total:
        return mark_safe(f'<span class="text-muted small">{label}</span>')
    if result.unmet:
        colour, icon = "danger", "x-circle"
    elif result.unassessed:
        colour, icon = "warning", "question-circle"
    else:
        colour, icon = "success", "check-circle"
    return mark_safe(f'<span class="badge text-bg-{colour} criteria-badge"><i class="bi bi-{icon}" aria-hidden="true">'
                     f'</i> {label}</span>')


@register.simple_tag
def queue_body(rows, can_act, filtered):
    """The <tbody> rows of the queue (views.staff.with_results rows). The checkboxes belong to the
    bulk form by its id, so the form with the user's own token can stay outside this copy."""
    if not rows:
        message = _("Không có mô hình nào khớp bộ lọc.") if filtered else _("Không có mô hình nào đang chờ duyệt.")
        return mark_safe(f'<tr><td colspan="7" class="text-center text-muted py-4">{escape(message)}</td></tr>')
    page_of, accept_of, return_of = (_link_maker(name) for name in (
        "staff_registration", "staff_registration_accept", "staff_registration_return"))
    sent, accept, give_back = escape(_("gửi")), escape(_("Duyệt…")), escape(_("Trả lại…"))
    html = []
    for row in rows:
        name, area = escape(row.name), escape(row.area.name)
        sent_on = timezone.localtime(row.sent_at).strftime("%d/%m/%Y")
        days = ngettext("%(days)s ngày", "%(days)s ngày", row.days_waiting) % {"days": row.days_waiting}
        cells = []
        if can_act:
            label = escape(_("Chọn “%(name)s”") % {"name": row.name})
            cells.append(f'<td class="queue-check"><input class="form-check-input" type="checkbox" name="chon" '
                         f'value="{row.pk}" form="queue-form" aria-label="{label}"></td>')
        cells.append(
            f'<td><a href="{page_of(row.pk)}" class="fw-semibold">{name}</a>'
            f'<div class="small text-muted">{escape(row.unit.name)} · {row.year} · '
            f'{escape(row.get_field_display() or "—")}</div>'
            f'<div class="small text-muted d-md-none">{area} · {sent} {sent_on}</div></td>'
            f'<td class="d-none d-md-table-cell">{area}</td>'
            f'<td class="text-nowrap d-none d-md-table-cell">{sent_on}</td>'
            f'<td class="text-nowrap">{escape(days)}</td>'
            f'<td>{criteria_badge(row.criteria)}</td>'
        )
        if can_act:
            cells.append(
                f'<td class="text-end text-nowrap"><div class="queue-actions">'
                f'<a class="btn btn-sm btn-success" href="{accept_of(row.pk)}?tiep=hang-cho">'
                f'<i class="bi bi-check2" aria-hidden="true"></i> {accept}</a> '
                f'<a class="btn btn-sm btn-outline-danger" href="{return_of(row.pk)}?tiep=hang-cho">'
                f'<i class="bi bi-arrow-return-left" aria-hidden="true"></i> {give_back}</a></div></td>'
            )
        html.append(f"<tr>{''.join(cells)}</tr>")
    return mark_safe("\n".join(html))
