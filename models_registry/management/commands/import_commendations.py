from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...commendation_import import ImportFailed, import_commendations


class Command(BaseCommand):
    help = ("Nhập khen thưởng từ tệp .xlsx/.csv (cột: Năm, Mã đơn vị, Tên mô hình hoặc Họ tên, Hình thức, "
            "Cấp khen, Số quyết định, Ngày quyết định, Cơ quan ban hành). Cả tệp được nhập, hoặc không dòng nào.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="Đường dẫn tệp .xlsx hoặc .csv")
        parser.add_argument("--nguoi-nhap", dest="username",
                            help="Tên đăng nhập của người nhập; chỉ nhận mô hình trong địa bàn của người này")

    def handle(self, *args, path, username=None, **options):
        user = None
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"Không có tài khoản “{username}”.")
        try:
            batch = import_commendations(path, user=user)
        except FileNotFoundError as exc:
            raise CommandError(f"Không tìm thấy tệp “{path}”.") from exc
        except ImportFailed as failure:
            for line in failure.errors:
                self.stderr.write(line)
            raise CommandError(f"Không nhập tệp: {len(failure.errors)} lỗi, chưa ghi dòng nào.") from failure
        self.stdout.write(f"Đã nhập {batch.created_count} khen thưởng (đợt nhập số {batch.pk}).")
