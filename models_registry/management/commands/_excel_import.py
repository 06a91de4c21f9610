"""Shared body of the import_registrations, import_units and import_commendations commands:
the portal's import engine, with the same checks and messages as the upload pages."""
import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...services import imports


class ImportCommand(BaseCommand):
    kind = None

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp .xlsx hoặc .csv"))
        parser.add_argument("--user", "--nguoi-nhap", dest="user",
                            help=_("tên đăng nhập của người nhập: giới hạn theo địa bàn người đó phụ trách"))
        parser.add_argument("--dry-run", action="store_true", help=_("chỉ kiểm tra, không ghi gì"))

    def handle(self, *args, file, user=None, dry_run=False, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(_("Không có tài khoản “%(user)s”.") % {"user": user})
        if not os.path.isfile(file):
            raise CommandError(_("Không có tệp %(file)s.") % {"file": file})
        with open(file, "rb") as handle:
            report = imports.import_file(self.kind, handle, os.path.basename(file), user=account, write=not dry_run)
        for notice in report.notices:
            self.stdout.write(notice)
        for problem in report.problems:
            self.stderr.write(str(problem))
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
