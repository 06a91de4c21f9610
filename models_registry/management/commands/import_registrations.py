from django.utils.translation import gettext_lazy as _

from models_registry.models import ImportBatch

from ._excel_import import ImportCommand


class Command(ImportCommand):
    help = _("Nhập đăng ký mô hình từ tệp .xlsx/.csv (cột theo DESIGN §7). Tệp có lỗi không được nhập dòng nào.")
    kind = ImportBatch.Kind.REGISTRATIONS
