"""The staff queue's filters (/quan-ly/), in the vocabulary of `filters.py`:
`xa` a commune id, `tieu-chi` the criteria result (`chua-dat`, `chua-danh-gia`, `dat`), `cho` days
waiting at least (7, 14, 30), `sap-xep` the order (`gui`, `-gui`, `xa`, `-xa`, `tieu-chi`, `-tieu-chi`).

They read the annotations of `views.staff.queue_rows` (sent_at, met, unmet, criteria_total, shortfall).
"""
import datetime

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .filters import CHOICE_ERROR, _choice
from .models import AdminArea

CRITERIA = [("chua-dat", _("Có tiêu chí chưa đạt")), ("chua-danh-gia", _("Còn tiêu chí chưa đánh giá")),
            ("dat", _("Đạt đủ tiêu chí"))]
WAITING = [("7", _("Chờ từ 7 ngày")), ("14", _("Chờ từ 14 ngày")), ("30", _("Chờ từ 30 ngày"))]


class QueueFilterSet(django_filters.FilterSet):
    xa = django_filters.ModelChoiceFilter(label=_("Xã, phường"), field_name="area", queryset=AdminArea.objects.none(),
                                          empty_label=_("Tất cả"), error_messages=CHOICE_ERROR)
    locals().update({
        "tieu-chi": _choice(_("Tiêu chí"), CRITERIA, method="filter_criteria"),
        "cho": _choice(_("Thời gian chờ"), WAITING, method="filter_waiting"),
        "sap-xep": django_filters.OrderingFilter(
            label=_("Sắp xếp"), empty_label=None, error_messages=CHOICE_ERROR,
            fields=(("sent_at", "gui"), ("area__name", "xa"), ("shortfall", "tieu-chi")),
            # Each direction has its own words ("sent first", "sent last"), not "(descending)".
            choices=[("gui", _("Gửi sớm nhất trước")), ("-gui", _("Gửi gần đây nhất trước")),
                     ("xa", _("Xã, phường (A–Z)")), ("-xa", _("Xã, phường (Z–A)")),
                     ("tieu-chi", _("Đạt tiêu chí trước")), ("-tieu-chi", _("Thiếu tiêu chí trước"))],
        ),
    })

    def __init__(self, data=None, queryset=None, *, communes, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["xa"].queryset = communes

    def filter_criteria(self, queryset, name, value):
        if value == "chua-dat":
            return queryset.filter(unmet__gt=0)
        if value == "chua-danh-gia":
            return queryset.filter(unmet=0, met__lt=F("criteria_total"))
        return queryset.filter(unmet=0, met__gte=F("criteria_total"))

    def filter_waiting(self, queryset, name, value):
        # By the calendar day it was sent, as the queue counts the days waiting: "from 7 days" lists
        # exactly the rows that read 7 days or more, all day long (and the queue's copy holds the day).
        first_day_too_recent = timezone.localdate() - datetime.timedelta(days=int(value) - 1)
        return queryset.filter(sent_at__lt=timezone.make_aware(
            datetime.datetime.combine(first_day_too_recent, datetime.time.min)))

    @property
    def form(self):
        form = super().form
        if not hasattr(form, "helper"):
            form.helper = FormHelper()
            form.helper.form_tag = False
            # A GET form: crispy puts no token in it, so its HTML can be shared (views/fragments.py).
            form.helper.form_method = "get"
            form.helper.layout = Layout(Row(
                Column("xa", css_class="col-6 col-lg-3"), Column("tieu-chi", css_class="col-6 col-lg-3"),
                Column("cho", css_class="col-6 col-lg-3"), Column("sap-xep", css_class="col-6 col-lg-3"),
            ))
        return form
