"""Who may do what: every role rule of the portal, each defined once.

A predicate with the user alone answers "may this account ever do it?" (and guards a view
through `role_required`: anonymous visitors are sent to sign in, a role that may never gets
403). With an object it answers for that object. Which objects a user sees at all is decided by
`scope_of` below, applied to querysets by `models.scoping.scope_for_user` (every
`Model.objects.for_user(user)`) and to one loaded object by `in_scope`: outside it, 404, the same
answer as for an id that does not exist, so ids cannot be probed.

Templates read the predicates that take only the user through the `access` context variable:
`{% if access.may_view_reports %}`.
"""
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .models.choices import Role


def refusal(message):
    """The message a user refused by `role_required(predicate)` reads."""
    def mark(predicate):
        predicate.refusal = message
        return predicate
    return mark


# Roles ----------------------------------------------------------------------------------------

def is_administrator(user):
    return user.is_authenticated and user.is_superuser


@refusal(_("Trang này dành cho tài khoản đơn vị."))
def is_unit_account(user):
    return user.is_authenticated and user.role == Role.UNIT and user.unit_id is not None


def is_area_staff(user):
    return user.is_authenticated and user.role == Role.STAFF and user.area_id is not None


def is_area_leader(user):
    return user.is_authenticated and user.role == Role.LEADER and user.area_id is not None


# Scope ----------------------------------------------------------------------------------------

EVERYTHING = "all"
UNIT = "unit"
AREA = "area"


def scope_of(user):
    """(kind, value): (EVERYTHING, None) for administrators, (UNIT, unit id) for a unit account,
    (AREA, area) for staff and leaders (the area and below, across the 2025 reform), (None, None)
    for anyone else: anonymous visitors and accounts without a role see nothing private."""
    if is_administrator(user):
        return EVERYTHING, None
    if is_unit_account(user):
        return UNIT, user.unit_id
    if is_area_staff(user) or is_area_leader(user):
        return AREA, user.area
    return None, None


def scope_key(user):
    """`scope_of` as plain values, for the keys of shared copies: users with the same key may see
    exactly the same rows, as every queryset's `for_user` narrows by `scope_of` alone. An area's
    level and structure are part of it: they decide which column its rows are narrowed by."""
    kind, value = scope_of(user)
    if kind == AREA:
        return kind, value.pk, value.level, value.structure
    return kind, value


def in_scope(user, *, area, unit_id):
    """Whether an object of `area` and of the unit `unit_id` lies in the user's scope:
    the rule of `scope_for_user` for one loaded object, without a query."""
    kind, value = scope_of(user)
    if kind == EVERYTHING:
        return True
    if kind == UNIT:
        return unit_id == value
    if kind == AREA:
        return value.contains(area)
    return False


# Pages ----------------------------------------------------------------------------------------

@refusal(_("Trang này dành cho cán bộ Ban Dân vận và lãnh đạo."))
def may_use_workspace(user):
    """The staff workspace (/quan-ly/) and its read-only pages: staff, leaders (who only look) and administrators."""
    return is_administrator(user) or is_area_staff(user) or is_area_leader(user)


@refusal(_("Tài khoản này không xem được báo cáo."))
def may_view_reports(user):
    return is_administrator(user) or is_area_staff(user) or is_area_leader(user)


def may_use_admin(user):
    """The Django admin is for administrators alone: `is_staff` by itself opens nothing."""
    return is_administrator(user) and user.is_active


# Registrations --------------------------------------------------------------------------------

def is_owner(user, registration):
    return is_unit_account(user) and registration.unit_id == user.unit_id


@refusal(_("Tài khoản của bạn chỉ có quyền xem."))
def may_review(user, registration=None):
    """Accept, return, assess, record reviews and correct registrations: staff inside whose area the
    registration lies, and administrators. Leaders only look."""
    if not (is_administrator(user) or is_area_staff(user)):
        return False
    return registration is None or in_scope(user, area=registration.area, unit_id=registration.unit_id)


@refusal(_("Tài khoản của bạn chỉ có quyền xem."))
def may_enter_for_units(user, unit=None):
    """Register a model on a unit's behalf: staff for the units of their area, and administrators."""
    if not (is_administrator(user) or is_area_staff(user)):
        return False
    return unit is None or in_scope(user, area=unit.area, unit_id=unit.pk)


@refusal(_("Chỉ cán bộ của một địa bàn mới khóa sổ được."))
def may_close_year(user, area=None):
    """Close a year: staff for their own area (not one inside it), and administrators for any."""
    if is_administrator(user):
        return True
    return is_area_staff(user) and (area is None or user.area_id == area.pk)


@refusal(_("Chỉ cán bộ của tỉnh hoặc xã mới đặt kế hoạch năm được."))
def may_set_plan(user, area=None):
    """Set the year plan: staff of a province or commune of today's structure, for their own area."""
    if not is_area_staff(user) or not user.area.is_current:
        return False
    return area is None or user.area_id == area.pk


# Excel ----------------------------------------------------------------------------------------

@refusal(_("Chỉ cán bộ Ban Dân vận mới được nhập dữ liệu từ Excel."))
def may_import(user):
    return is_administrator(user) or is_area_staff(user)


@refusal(_("Tài khoản này không xuất được dữ liệu."))
def may_export(user):
    return is_administrator(user) or is_area_staff(user) or is_area_leader(user)


# Commendations --------------------------------------------------------------------------------

@refusal(_("Chỉ cán bộ Ban Dân vận của một địa bàn mới được mở đợt khen thưởng."))
def may_create_round(user):
    return is_area_staff(user)


@refusal(_("Chỉ cán bộ Ban Dân vận của địa bàn đề nghị mới được lập đề nghị khen thưởng."))
def may_propose(user, commendation_round=None):
    """Staff propose to a round of the level right above their area, run by an area containing theirs."""
    if not is_area_staff(user):
        return False
    if commendation_round is None:
        return True
    from .services.commendations import level_above

    area = user.area
    return (
        commendation_round.level == level_above(area)
        and commendation_round.area_id != area.pk
        and commendation_round.area.contains(area)
    )


@refusal(_("Chỉ cán bộ Ban Dân vận của cấp xét đợt khen thưởng mới được quyết định."))
def may_decide(user, commendation_round=None):
    """Decide on proposals: staff of the area that runs the round."""
    if not is_area_staff(user):
        return False
    return commendation_round is None or user.area_id == commendation_round.area_id


@refusal(_("Chỉ cán bộ Ban Dân vận mới được nhập khen thưởng."))
def may_enter_commendations(user):
    """Record decisions taken on paper (direct entry, Excel import)."""
    return is_area_staff(user)


@refusal(_("Chỉ cán bộ của cấp đã quyết định mới được thu hồi khen thưởng."))
def may_revoke(user, commendation=None):
    """Revoke a commendation: staff of the area that decided it (the round's area), or for a decision
    entered directly, staff inside whose area the model lies."""
    if not is_area_staff(user):
        return False
    if commendation is None:
        return True
    if commendation.proposal_id:
        return user.area_id == commendation.proposal.round.area_id
    registration = commendation.registration
    return in_scope(user, area=registration.area, unit_id=registration.unit_id)


# Accounts and units ---------------------------------------------------------------------------

@refusal(_("Chỉ cán bộ Ban Dân vận mới quản lý tài khoản."))
def may_manage_accounts(user):
    """The staff accounts page: staff for the accounts of their area (`User.objects.manageable_by`),
    and administrators. Leaders only look at reports."""
    return is_administrator(user) or is_area_staff(user)


def may_give_role(user, role):
    """Give an account `role`: any staff a unit account; a province's staff also staff and leader
    accounts (of the areas below it); administrators any."""
    if is_administrator(user):
        return True
    if not is_area_staff(user):
        return False
    from .models.areas import AreaLevel

    return role == Role.UNIT or (role in (Role.STAFF, Role.LEADER) and user.area.level == AreaLevel.PROVINCE)


@refusal(_("Chỉ cán bộ Ban Dân vận mới ghi sáp nhập, chia tách, đổi tên đơn vị."))
def may_record_lineage(user):
    return is_administrator(user) or is_area_staff(user)


@refusal(_("Xác thực hai bước dành cho cán bộ, lãnh đạo và quản trị viên."))
def may_use_two_factor(user):
    return is_administrator(user) or is_area_staff(user) or is_area_leader(user) or (user.is_authenticated and user.is_staff)


# Views and templates --------------------------------------------------------------------------

def require(allowed, message):
    """Refuse (403 with `message`) unless `allowed`: for services, and views past their decorator."""
    if not allowed:
        raise PermissionDenied(message)


def role_required(predicate):
    """A view decorator: anonymous visitors are sent to sign in; a signed-in user for whom
    `predicate(user)` is false gets 403 with the predicate's refusal."""
    # Imported here: the models import this module, and auth's views import the models.
    from django.contrib.auth.views import redirect_to_login

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise PermissionDenied(getattr(predicate, "refusal", _("Bạn không có quyền mở trang này.")))
            return view(request, *args, **kwargs)
        return guarded
    return decorator


# Predicates that templates may ask about the signed-in user.
FOR_TEMPLATES = (
    is_unit_account, is_area_staff, is_area_leader, may_use_workspace, may_view_reports, may_use_admin, may_review,
    may_enter_for_units, may_close_year, may_import, may_export, may_create_round, may_propose, may_decide,
    may_enter_commendations, may_manage_accounts, may_record_lineage, may_use_two_factor,
)


class UserAbilities:
    """`access.<predicate name>` in templates, each computed on first use."""

    _predicates = {predicate.__name__: predicate for predicate in FOR_TEMPLATES}

    def __init__(self, user):
        self._user = user

    def __getattr__(self, name):
        try:
            predicate = self._predicates[name]
        except KeyError:
            raise AttributeError(name) from None
        value = predicate(self._user)
        setattr(self, name, value)
        return value


def context(request):
    """Template context processor."""
    return {"access": UserAbilities(request.user)}
