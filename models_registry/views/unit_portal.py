"""The unit portal (/don-vi/): a unit's own registrations, year by year."""
import datetime

from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from ..access import is_unit_account, role_required
from ..filters import parse_id
from ..forms.registration import RegistrationForm, prefill_from
from ..models import Registration, Unit
from ..services import plans
from .fragments import cached_fragment
from .registrations import UNIT, create_registration, get_registration_for_user


@role_required(is_unit_account)
def home(request):
    """The unit's registrations year by year, its deadlines and what to do next: made from the data
    and the day alone, so kept as one copy per unit until a change in its province (views/fragments.py)."""
    this_year = datetime.date.today().year
    unit = SimpleLazyObject(lambda: Unit.objects.select_related("area", "kind").get(pk=request.user.unit_id))
    content = cached_fragment(
        "don-vi", request.user.unit_id, this_year, timezone.localdate(), drafts=True,
        place=lambda: unit.area.current_province_id,
        build=lambda: render_to_string("unit_portal/home_content.html", _home_context(request.user, unit, this_year)),
    )
    return render(request, "unit_portal/home.html", {"content": content})


def _home_context(user, unit, this_year):
    registrations = list(Registration.objects.for_user(user).select_related("continues").order_by("-year", "name"))
    years = {}
    for registration in registrations:
        years.setdefault(registration.year, []).append(registration)
    last_year = years.get(this_year - 1, [])
    continued = set(
        Registration.objects.filter(continues__in=last_year).values_list("continues_id", flat=True)
    ) if last_year else set()
    plan, deadlines = plans.unit_deadlines(unit, this_year)
    return {
        "unit": unit,
        "plan": plan,
        "deadlines": deadlines,
        "this_year": this_year,
        "years": sorted(years.items(), reverse=True),
        "missing_this_year": this_year not in years,
        "to_continue": [r for r in last_year if r.pk not in continued and r.status != "withdrawn"],
        "returned_count": sum(1 for r in registrations if r.status == "returned"),
    }


@role_required(is_unit_account)
def create(request):
    unit = request.user.unit
    this_year = datetime.date.today().year
    earlier = None
    initial = {"year": this_year}
    if request.GET.get("tiep-noi"):
        earlier = get_registration_for_user(request.user, parse_id(request.GET["tiep-noi"]))
        initial = prefill_from(earlier, max(this_year, earlier.year + 1))
    form = RegistrationForm(request.POST or None, initial=initial, unit=unit, instance=Registration(unit=unit))
    registration = create_registration(request, form, _("Đã lưu bản nháp. Kiểm tra lại rồi bấm “Gửi duyệt” khi sẵn sàng."))
    if registration is not None:
        return redirect("unit_portal_registration", registration.pk)
    return render(request, "registrations/form.html", {
        "form": form, "workspace": UNIT, "earlier": earlier,
        "title": _("Tiếp nối mô hình năm trước") if earlier else _("Đăng ký mô hình mới"),
        "cancel_url": reverse("unit_portal_home"),
    })

