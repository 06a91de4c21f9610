"""The staff accounts page (/quan-ly/tai-khoan/): list and find accounts, create one or every
missing unit account at once, reset passwords, deactivate, and the credentials sheets.

A sheet's passwords are shown once: they live, encrypted, in the staff member's own session
until each file (PDF, .xlsx) has been downloaded once or an hour has passed, and nowhere else.
"""
import base64
import hashlib
import json
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import credential_sheets
from ..access import may_manage_accounts, role_required
from ..forms.account_management import AccountForm, AccountSearchForm, BulkAccountsForm
from ..models import User
from ..services import accounts as service
from ..services.errors import NotNow
from ..text import fold

PAGE_SIZE = 50
SHEETS_KEY = "dvk_credential_sheets"
SHEET_SECONDS = 60 * 60
FORMATS = {"pdf": "application/pdf",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

manager_required = role_required(may_manage_accounts)


# Credentials sheets in the session --------------------------------------------------------------

def _fernet():
    key = hashlib.sha256(f"dvk-credentials-sheet:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def keep_sheet(request, credentials, title):
    """Put a sheet in the session, encrypted; returns its token (for the sheet's URLs)."""
    now = timezone.now().timestamp()
    sheets = {token: sheet for token, sheet in request.session.get(SHEETS_KEY, {}).items()
              if now - sheet["made"] < SHEET_SECONDS}
    token = secrets.token_urlsafe(16)
    lines = json.dumps([c.as_dict() for c in credentials]).encode()
    sheets[token] = {"data": _fernet().encrypt(lines).decode(), "made": now, "taken": [], "title": title,
                     "count": len(credentials)}
    request.session[SHEETS_KEY] = sheets
    return token


def _sheet(request, token):
    sheet = request.session.get(SHEETS_KEY, {}).get(token)
    if sheet is None:
        raise Http404
    try:
        lines = json.loads(_fernet().decrypt(sheet["data"].encode(), ttl=SHEET_SECONDS))
    except InvalidToken:
        _drop_sheet(request, token)
        raise Http404 from None
    return sheet, [service.Credential.from_dict(line) for line in lines]


def _drop_sheet(request, token):
    sheets = request.session.get(SHEETS_KEY, {})
    sheets.pop(token, None)
    request.session[SHEETS_KEY] = sheets


def _login_url(request):
    return request.build_absolute_uri(reverse("login"))


@never_cache
@manager_required
def sheet_page(request, token):
    sheet, credentials = _sheet(request, token)
    return render(request, "accounts/sheet.html", {
        "token": token, "sheet": sheet, "credentials": credentials, "formats": [
            (fmt, fmt in sheet["taken"]) for fmt in FORMATS],
    })


@never_cache
@manager_required
def sheet_file(request, token, fmt):
    """Each file of a sheet downloads once; after the last, the sheet is gone."""
    if fmt not in FORMATS:
        raise Http404
    sheet, credentials = _sheet(request, token)
    if fmt in sheet["taken"]:
        raise Http404
    if fmt == "pdf":
        content = credential_sheets.render_pdf(credentials, login_url=_login_url(request), title=sheet["title"])
    else:
        content = credential_sheets.render_xlsx(credentials, title=sheet["title"])
    sheet["taken"].append(fmt)
    if set(sheet["taken"]) == set(FORMATS):
        _drop_sheet(request, token)
    else:
        request.session.modified = True
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="phieu-tai-khoan-{timezone.localdate():%Y%m%d}.{fmt}"'
    return response


@require_POST
@manager_required
def sheet_discard(request, token):
    _drop_sheet(request, token)
    messages.info(request, _("Đã hủy phiếu tài khoản; mật khẩu trên phiếu không xem lại được nữa."))
    return redirect("staff_accounts")


# The list -------------------------------------------------------------------------------------

def _search(accounts, text):
    """Accounts whose login or unit name contains every word of `text`, with or without
    diacritics: folded here, like the unit chooser does (filters.filter_units)."""
    words = fold(text)[:200].split()
    if not words:
        return accounts
    return accounts.filter(pk__in=[
        pk for pk, *texts in accounts.values_list("pk", "username", "unit__name", "unit__code", "first_name",
                                                  "last_name")
        if all(word in fold(" ".join(t or "" for t in texts)) for word in words)
    ])


@manager_required
def account_list(request):
    user = request.user
    form = AccountSearchForm(request.GET or None)
    accounts = User.objects.manageable_by(user)
    if form.is_valid():
        accounts = _search(accounts, form.cleaned_data["q"])
        if form.cleaned_data["vai-tro"]:
            accounts = accounts.filter(role=form.cleaned_data["vai-tro"])
        if form.cleaned_data["trang-thai"]:
            accounts = accounts.filter(**AccountSearchForm.STATES[form.cleaned_data["trang-thai"]])
    accounts = accounts.select_related("unit__area", "area").order_by("role", "unit__name", "username")
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "accounts/list.html", {
        "form": form, "page": page, "requests": service.open_requests(user)[:100],
        "missing": service.units_without_account(user).count(), "now": timezone.now(),
    })


# One account ------------------------------------------------------------------------------------

def _shown_once(request, credential, *, title, token):
    response = render(request, "accounts/password_shown.html", {
        "credential": credential, "title": title, "token": token, "login_url": _login_url(request),
    })
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@manager_required
def account_create(request):
    form = AccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = data["unit"]
        username = data["username"] or service.suggest_username(unit)
        try:
            _account, credential = service.create_account(
                request.user, role=data["role"], username=username, unit=unit, area=data["area"],
                first_name=data["first_name"], email=data["email"],
                is_staff=data.get("is_staff", False), is_superuser=data.get("is_superuser", False))
        except NotNow as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            token = keep_sheet(request, [credential], _("Phiếu tài khoản %(login)s") % {"login": credential.username})
            return _shown_once(request, credential, title=_("Đã tạo tài khoản"), token=token)
    return render(request, "accounts/create.html", {"form": form})


@never_cache
@require_POST
@manager_required
def account_reset(request, pk):
    account = service.get_account_for_user(request.user, pk)
    credential = service.reset_password(request.user, account)
    token = keep_sheet(request, [credential], _("Phiếu tài khoản %(login)s") % {"login": credential.username})
    return _shown_once(request, credential, title=_("Đã cấp lại mật khẩu"), token=token)


def _set_active(request, pk, active):
    account = service.get_account_for_user(request.user, pk)
    try:
        service.set_active(request.user, account, active)
    except NotNow as error:
        messages.warning(request, error.messages[0])
    else:
        messages.success(request, (_("Đã mở khóa tài khoản %(login)s.") if active else
                                   _("Đã khóa tài khoản %(login)s.")) % {"login": account.username})
    return redirect("staff_accounts")


@require_POST
@manager_required
def account_deactivate(request, pk):
    return _set_active(request, pk, False)


@require_POST
@manager_required
def account_reactivate(request, pk):
    return _set_active(request, pk, True)


@require_POST
@manager_required
def request_dismiss(request, pk):
    if not service.dismiss_request(request.user, pk):
        raise Http404
    messages.info(request, _("Đã đánh dấu yêu cầu là đã xử lý."))
    return redirect("staff_accounts")


# Accounts in bulk -------------------------------------------------------------------------------

@manager_required
def bulk_create(request):
    """Choose the units (GET, showing how many have no account), then create (POST)."""
    form = BulkAccountsForm(request.GET or None, user=request.user)
    choice = form.cleaned_data if form.is_valid() else {}
    units = service.units_without_account(request.user, area=choice.get("area"), kind=choice.get("kind"),
                                          batch=choice.get("batch"))
    if request.method == "POST":
        try:
            credentials = service.create_unit_accounts(request.user, units)
        except NotNow as error:
            messages.warning(request, error.messages[0])
            return redirect(request.get_full_path())
        if not credentials:
            messages.info(request, _("Mọi đơn vị đã chọn đều đã có tài khoản."))
            return redirect(request.get_full_path())
        token = keep_sheet(request, credentials, _("Phiếu tài khoản %(count)s đơn vị, %(date)s") % {
            "count": len(credentials), "date": timezone.localdate().strftime("%d/%m/%Y")})
        messages.success(request, _("Đã tạo %(count)s tài khoản. Hãy tải phiếu ngay: mật khẩu chỉ hiện một lần.")
                         % {"count": len(credentials)})
        return redirect("staff_account_sheet", token)
    total = units.count()
    sample = list(units.select_related("area").order_by("area__name", "name")[:20])
    return render(request, "accounts/bulk.html", {
        "form": form, "total": total, "sample": sample, "rest": total - len(sample), "limit": service.BULK_LIMIT,
    })


def accounts_for_import(request, batch):
    """The unit import's "create their accounts too": the units the file created get accounts
    now, and their sheet opens (models_registry/views/excel.py calls it after the import)."""
    if not may_manage_accounts(request.user):
        return redirect("excel_index")
    credentials = service.create_unit_accounts(request.user, batch.units.all(), batch=batch)
    if not credentials:
        messages.info(request, _("Tệp không tạo đơn vị mới nào, nên không có tài khoản mới."))
        return redirect("excel_index")
    token = keep_sheet(request, credentials, _("Phiếu tài khoản các đơn vị nhập từ “%(name)s”") % {
        "name": batch.file_name})
    messages.success(request, _("Đã tạo %(count)s tài khoản cho các đơn vị mới. Hãy tải phiếu ngay: mật khẩu chỉ "
                                "hiện một lần.") % {"count": len(credentials)})
    return redirect("staff_account_sheet", token)
