import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from models_registry.access import is_area_leader, is_area_staff, is_unit_account
from models_registry.demo import DEMO_PASSWORD, create_demo_data
from models_registry.models import Unit, User

DEMO_USERNAMES = ["admin", "canbo.tinh", "canbo.xa", "lanhdao", "donvi.a", "donvi.b"]


def describe_account(user):
    """What the account really is, read from the database (not from what the demo meant it to be)."""
    if user.is_superuser:
        return "quản trị hệ thống (trang /admin/)"
    if is_unit_account(user):
        return f"tài khoản đơn vị: {user.unit.name} — {user.unit.area}"
    if is_area_staff(user):
        return f"cán bộ Ban Dân vận — {user.area}"
    if is_area_leader(user):
        return f"lãnh đạo, chỉ xem báo cáo — {user.area}"
    return "tài khoản chưa có vai trò"


class Command(BaseCommand):
    help = "Chuẩn bị cơ sở dữ liệu, nạp địa bàn và dữ liệu mẫu, rồi chạy máy chủ phát triển (chỉ khi DEBUG bật)."

    def add_arguments(self, parser):
        parser.add_argument("--no-server", action="store_true", help="Không chạy máy chủ sau khi chuẩn bị.")
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="Địa chỉ máy chủ phát triển.")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("quickstart chỉ dùng cho máy phát triển: hãy bật DEBUG (dữ liệu mẫu có mật khẩu công khai).")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_admin_areas", stdout=self.stdout)
        if Unit.objects.exists() and not Unit.objects.filter(code__startswith="28903-").exists():
            self.stdout.write("Cơ sở dữ liệu đã có dữ liệu thật: không tạo dữ liệu mẫu.")
        else:
            created = create_demo_data()
            self.stdout.write(
                f"Đã tạo dữ liệu mẫu: {created} đăng ký mô hình." if created else "Dữ liệu mẫu đã có sẵn."
            )
        self.stdout.write(f"\nTài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        accounts = User.objects.filter(username__in=DEMO_USERNAMES).select_related("unit__area", "area")
        for user in sorted(accounts, key=lambda account: DEMO_USERNAMES.index(account.username)):
            self.stdout.write(f"  {user.username:<12} {describe_account(user)}")
        self.stdout.write("\nMở http://127.0.0.1:8000/ để dùng cổng thông tin; http://127.0.0.1:8000/admin/ để quản trị.")
        if not options["no_server"]:
            self.stdout.write("Bộ xử lý nền (thư thông báo, nhập tệp lớn) chạy cùng máy chủ; thư được in ra màn hình.")
            worker = self._start_worker()
            try:
                call_command("runserver", options["addrport"])
            finally:
                if worker is not None:
                    worker.terminate()

    def _start_worker(self):
        """The task worker beside the development server, as in production (docs/deploy.md).

        runserver's reloader runs this command again in a child process at every code change;
        the worker is started once, by the parent, which lives as long as the server.
        """
        if os.environ.get("RUN_MAIN") == "true":
            return None
        return subprocess.Popen([sys.executable, str(settings.BASE_DIR / "manage.py"), "db_worker", "--interval", "1"])
