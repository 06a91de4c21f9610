"""The year plan of the staff's area (/quan-ly/ke-hoach/) and the units behind its timeliness figures."""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import access
from ..access import may_use_workspace, role_required
from ..filters import parse_id
from ..forms.plans import YearPlanForm
from ..models import PLAN_DATES
from ..report_files import table_workbook_response
from ..services import plans
from ..services.errors import NotNow


def _year(request):
    year = parse_id(request.GET.get("nam"))
    return year if year and 2000 <= year <= 2100 else datetime.date.today().year


@role_required(may_use_workspace)
def plan(request):
    """The plan of the user's area for a year, the province's dates it inherits, and who is late."""
    area, year = request.user.area, _year(request)
    if area is None:
        raise Http404
    commune, province = plans.plan_areas(area)
    inherited = plans.effective_plan(province, year).dates if province and province.pk != area.pk else {}
    own = plans.own_plan(area, year)
    may_edit = access.may_set_plan(request.user, area)
    form = YearPlanForm(initial={**{name: getattr(own, name) for name, _l in PLAN_DATES}, "note": own.note},
                        inherited=inherited)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(access.may_set_plan.refusal)
        form = YearPlanForm(request.POST, inherited=inherited)
        if form.is_valid():
            try:
                plans.save_plan(request.user, area, year, dates=form.dates(), note=form.cleaned_data["note"])
            except NotNow as error:
                for name, message in error.message_dict.items():
                    form.add_error(name, message)
            else:
                messages.success(request, _("Đã lưu kế hoạch năm %(year)s.") % {"year": year})
                return redirect(f"{request.path}?nam={year}")
    by_commune, by_kind = plans.timeliness(request.user, area, year)
    return render(request, "staff/plan.html", {
        "area": area, "year": year, "form": form, "may_edit": may_edit,
        "effective": plans.effective_plan(area, year), "plan_dates": PLAN_DATES,
        "by_commune": by_commune, "by_kind": by_kind, "steps": plans.STEPS, "states": plans.STATES,
        "years": range(datetime.date.today().year + 1, datetime.date.today().year - 5, -1),
    }, status=400 if request.method == "POST" else 200)


@role_required(may_use_workspace)
def units_behind(request):
    """The units behind one number of the timeliness tables; `?tai=xlsx` downloads them."""
    area, year = request.user.area, _year(request)
    step, state = request.GET.get("buoc"), request.GET.get("tinh-trang")
    if area is None or step not in plans.STEPS or state not in plans.STATES:
        raise Http404
    units = plans.units_behind(request.user, area, year, step=step, state=state,
                               commune_code=request.GET.get("xa") or None, kind_code=request.GET.get("loai") or None)
    title = _("%(step)s năm %(year)s — %(state)s") % {
        "step": plans.STEPS[step][1], "year": year, "state": plans.STATES[state]}
    if request.GET.get("tai") == "xlsx":
        return table_workbook_response(
            title, [_("Mã đơn vị"), _("Tên đơn vị"), _("Loại đơn vị"), _("Địa bàn")],
            [[u.code, u.name, str(u.kind), str(u.area)] for u in units],
            filename=f"don-vi-{step}-{state}-{year}.xlsx",
        )
    return render(request, "staff/plan_units.html", {"title": title, "units": units, "year": year})
