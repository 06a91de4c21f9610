import time

from django.core.management.base import BaseCommand

from models_registry.areas_sync import sync_areas
from models_registry.models import AdminArea, AreaLevel, AreaSuccessor


class Command(BaseCommand):
    help = "Nạp toàn bộ địa bàn hành chính (cơ cấu hiện nay và trước 01/7/2025) từ các gói dữ liệu."

    def handle(self, *args, **options):
        started = time.monotonic()
        counts = sync_areas()
        elapsed = time.monotonic() - started
        totals = {
            (structure, level): AdminArea.objects.filter(structure=structure, level=level).count()
            for structure in ("moi", "cu")
            for level in AreaLevel.values
        }
        self.stdout.write(
            "Địa bàn: tạo mới {created}, cập nhật {updated}; liên kết kế thừa: tạo {successors_created}, "
            "sửa {successors_updated}, xóa {successors_removed}.".format(**counts)
        )
        self.stdout.write(
            f"Hiện nay: {totals[('moi', 'province')]} tỉnh, {totals[('moi', 'commune')]} xã. "
            f"Trước 2025: {totals[('cu', 'province')]} tỉnh, {totals[('cu', 'district')]} huyện, "
            f"{totals[('cu', 'commune')]} xã; {AreaSuccessor.objects.count()} liên kết xã cũ → xã mới. "
            f"Thời gian: {elapsed:.1f} giây."
        )
