from django.utils.translation import gettext_lazy as _

from models_registry.models import ImportBatch

from ._excel_import import ImportCommand


class Command(ImportCommand):
    help = _("Nhập khen thưởng từ tệp .xlsx/.csv (cột: Năm, Mã đơn vị, Tên mô hình hoặc Họ tên, Hình thức, "
             "Cấp khen, Số quyết định, Ngày quyết định, Cơ quan ban hành). Cả tệp được nhập, hoặc không dòng nào.")
    kind = ImportBatch.Kind.COMMENDATIONS
