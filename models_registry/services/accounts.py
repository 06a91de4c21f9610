"""Accounts managed by staff: creating them (one, or every unit without one), one-time
passwords, resets, deactivation. Every change is in the administrators' change log (LogEntry).

Rules: an account is created or changed only inside the acting user's scope
(`User.objects.manageable_by`), and nobody gives more than they have: a commune's staff give
unit accounts only, a province's staff also staff and leader accounts of the areas below, and
only a superuser makes an administrator (is_staff, is_superuser).
"""
import datetime
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.hashers import get_hashers_by_algorithm, make_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import may_give_role, may_manage_accounts
from ..models import AdminArea, PasswordResetRequest, Role, Unit, User
from ..signin import OneTimePasswordHasher
from ..text import fold
from .errors import NotNow

# No 0/O, 1/l/I: the password is read off paper and typed by hand.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
# One request makes at most this many accounts; a bigger area is done kind by kind.
BULK_LIMIT = 5000


@dataclass
class Credential:
    """One line of a credentials sheet. Lives only while the sheet is made and printed."""

    unit_name: str
    unit_code: str
    area_name: str
    username: str
    password: str
    expires_at: datetime.datetime

    def as_dict(self):
        return {**self.__dict__, "expires_at": self.expires_at.isoformat()}

    @classmethod
    def from_dict(cls, data):
        return cls(**{**data, "expires_at": datetime.datetime.fromisoformat(data["expires_at"])})


def generate_password():
    """12 random letters and digits in three groups ("k7mq-p3xa-9tce"): about 60 bits."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def _hash_one_time(password):
    # The cheap hasher only where it is configured (tests run with one fast hasher for all).
    if OneTimePasswordHasher.algorithm in get_hashers_by_algorithm():
        return make_password(password, hasher=OneTimePasswordHasher.algorithm)
    return make_password(password)


def _give_one_time_password(account, now):
    password = generate_password()
    account.password = _hash_one_time(password)
    account.one_time_password_expires_at = now + datetime.timedelta(days=settings.ONE_TIME_PASSWORD_DAYS)
    account.must_change_password = True
    return password


def _credential(account, password):
    unit = account.unit
    return Credential(
        unit_name=unit.name if unit else (account.get_full_name() or str(account.area or "")),
        unit_code=unit.code if unit else "",
        area_name=str(unit.area if unit else account.area or ""),
        username=account.username,
        password=password,
        expires_at=account.one_time_password_expires_at,
    )


def _log(actor, accounts, flag, message):
    content_type = ContentType.objects.get_for_model(User)
    LogEntry.objects.bulk_create([
        LogEntry(user_id=actor.pk, content_type=content_type, object_id=str(account.pk),
                 object_repr=str(account)[:200], action_flag=flag, change_message=message)
        for account in accounts
    ], batch_size=500)


def get_account_for_user(user, pk):
    """An account `user` may manage, or 404: outsiders' accounts cannot be probed."""
    return get_object_or_404(User.objects.manageable_by(user).select_related("unit__area", "area"), pk=pk)


# Who may give what ---------------------------------------------------------------------------------


def account_units(user):
    """Units `user` may give accounts to."""
    return Unit.objects.for_user(user) if may_manage_accounts(user) else Unit.objects.none()


def account_areas(user):
    """Areas `user` may give staff and leader accounts in: for a province's staff, the areas below it."""
    if user.is_superuser:
        return AdminArea.objects.current()
    if may_give_role(user, Role.STAFF):
        return AdminArea.objects.filter(user.area.scope_q("")).exclude(pk=user.area_id)
    return AdminArea.objects.none()


def _check_grant(user, *, role, unit, area, is_staff, is_superuser):
    if (is_staff or is_superuser) and not user.is_superuser:
        raise PermissionDenied(_("Chỉ quản trị viên hệ thống mới cấp quyền quản trị."))
    if not may_give_role(user, role):
        raise PermissionDenied(_("Bạn không được tạo tài khoản với vai trò này."))
    if role == Role.UNIT:
        if unit is None or not account_units(user).filter(pk=unit.pk).exists():
            raise NotNow({"unit": _("Đơn vị không thuộc địa bàn của bạn.")})
    elif role in (Role.STAFF, Role.LEADER):
        if area is None or not account_areas(user).filter(pk=area.pk).exists():
            raise NotNow({"area": _("Chỉ tạo được tài khoản cán bộ, lãnh đạo cho các địa bàn trực thuộc địa bàn của bạn.")})


# Creating accounts --------------------------------------------------------------------------------


def login_base(unit):
    return re.sub(r"[^a-z0-9._-]+", "-", fold(unit.code)).strip("-.")[:120] or f"donvi{unit.pk}"


def username_for(unit, taken):
    """A login made from the unit's code (code "CB Ấp-3" → "cb-ap-3"), unique among `taken`."""
    base = login_base(unit)
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name


def _taken(units):
    """The logins already taken among those the units' codes give, and their "-2", "-3"...: one query."""
    pattern = r"^(" + "|".join(re.escape(login_base(unit)) for unit in units) + r")(-[0-9]+)?$"
    return {name.lower() for name in User.objects.filter(username__iregex=pattern).values_list("username", flat=True)}


def suggest_username(unit):
    return username_for(unit, _taken([unit]))


@transaction.atomic
def create_account(user, *, role, username, unit=None, area=None, first_name="", last_name="", email="",
                   is_staff=False, is_superuser=False):
    """One account with a one-time password. Returns (account, credential)."""
    _check_grant(user, role=role, unit=unit, area=area, is_staff=is_staff, is_superuser=is_superuser)
    if User.objects.filter(username__iexact=username).exists():
        raise NotNow({"username": _("Tên đăng nhập này đã có người dùng; hãy chọn tên khác.")})
    now = timezone.now()
    account = User(username=username, role=role, unit=unit if role == Role.UNIT else None,
                   area=area if role in (Role.STAFF, Role.LEADER) else None, first_name=first_name,
                   last_name=last_name, email=email, is_staff=is_staff, is_superuser=is_superuser)
    password = _give_one_time_password(account, now)
    account.save()
    _log(user, [account], ADDITION, "Tạo tài khoản trên trang quản lý tài khoản, mật khẩu một lần")
    return account, _credential(account, password)


def units_without_account(user, *, area=None, kind=None, batch=None):
    """Units in `user`'s scope that no account belongs to (optionally of one area, kind or import)."""
    units = account_units(user).filter(accounts=None, closed_on=None)
    if area is not None:
        units = units.filter(area.scope_q("area"))
    if kind is not None:
        units = units.filter(kind__in=[kind.pk, *kind.subkinds.values_list("pk", flat=True)])
    if batch is not None:
        units = units.filter(import_batch=batch)
    return units


@transaction.atomic
def create_unit_accounts(user, units, *, batch=None):
    """An account with a one-time password for each of `units` that has none, in a few queries
    whatever their number. The unit import calls it for the units it has just created.

    Units outside `user`'s scope, closed ones and those that already have an account are left
    out. Returns the credentials, in the order of the units' area and name.
    """
    pks = units.values("pk") if isinstance(units, QuerySet) else [unit.pk for unit in units]
    units = list(
        account_units(user).filter(pk__in=pks, accounts=None, closed_on=None)
        .select_related("area").order_by("area__name", "name")[:BULK_LIMIT + 1]
    )
    if len(units) > BULK_LIMIT:
        raise NotNow(_("Một lần tạo được tối đa %(limit)s tài khoản; hãy chọn một địa bàn hoặc loại đơn vị nhỏ hơn.")
                     % {"limit": BULK_LIMIT})
    if not units:
        return []
    taken = _taken(units)
    now = timezone.now()
    accounts, passwords = [], []
    for unit in units:
        account = User(username=username_for(unit, taken), role=Role.UNIT, unit=unit)
        passwords.append(_give_one_time_password(account, now))
        accounts.append(account)
    User.objects.bulk_create(accounts, batch_size=500)
    source = f" (đợt nhập {batch.pk})" if batch is not None else ""
    _log(user, accounts, ADDITION, f"Tạo hàng loạt tài khoản đơn vị{source}, mật khẩu một lần")
    return [_credential(account, password) for account, password in zip(accounts, passwords, strict=True)]


# Changing accounts --------------------------------------------------------------------------------


@transaction.atomic
def reset_password(user, account):
    """A new one-time password. The old password stops working, and with it every session the
    account has open (Django ties a session to the password it was opened with)."""
    account = User.objects.manageable_by(user).select_for_update(of=("self",)).get(pk=account.pk)
    password = _give_one_time_password(account, timezone.now())
    account.save(update_fields=["password", "one_time_password_expires_at", "must_change_password"])
    PasswordResetRequest.objects.filter(user=account, handled_at=None).update(handled_at=timezone.now(),
                                                                              handled_by=user)
    _log(user, [account], CHANGE, "Cấp lại mật khẩu một lần")
    return _credential(account, password)


def set_active(user, account, active):
    account = User.objects.manageable_by(user).get(pk=account.pk)
    if account.pk == user.pk:
        raise NotNow(_("Không tự khóa tài khoản của chính mình."))
    if account.is_active == active:
        return account
    account.is_active = active
    account.save(update_fields=["is_active"])
    _log(user, [account], CHANGE, "Mở khóa tài khoản" if active else "Khóa tài khoản")
    return account


def dismiss_request(user, request_pk):
    handled = PasswordResetRequest.objects.filter(
        pk=request_pk, user__in=User.objects.manageable_by(user), handled_at=None
    ).update(handled_at=timezone.now(), handled_by=user)
    return bool(handled)


def open_requests(user):
    return (PasswordResetRequest.objects.filter(user__in=User.objects.manageable_by(user), handled_at=None)
            .select_related("user__unit", "user__area"))


def ask_for_reset(username, message=""):
    """"Forgot password" from the sign-in page: one open request per account in the inbox of
    its staff. Returns (account, whether the request is new); the account is None for an unknown
    or inactive login, and the page says the same either way, so logins cannot be probed."""
    account = User.objects.filter(username__iexact=username.strip(), is_active=True).first()
    if account is None:
        return None, False
    _request, created = PasswordResetRequest.objects.get_or_create(user=account, handled_at=None,
                                                                   defaults={"message": message[:300]})
    return account, created


def move_accounts(user, accounts, unit, *, message):
    """Give the unit accounts of a dissolved unit to its successor (lineage merges)."""
    accounts = list(accounts)
    User.objects.filter(pk__in=[a.pk for a in accounts]).update(unit=unit)
    _log(user, accounts, CHANGE, message)


def deactivate_accounts(user, accounts, *, message):
    accounts = list(accounts)
    User.objects.filter(pk__in=[a.pk for a in accounts]).update(is_active=False)
    _log(user, accounts, CHANGE, message)
