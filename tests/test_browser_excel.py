"""Upload → preview → confirm in Chromium, for a broken sheet and then the fixed one."""
import pytest

from models_registry.models import Registration, UnitKind
from tests.conftest import screenshot
from tests.factories import PASSWORD, make_commune, make_province, make_sheet, make_staff, make_unit

pytestmark = pytest.mark.browser
HEADERS = ["STT", "Năm", "Mã đơn vị", "Tên mô hình", "Lĩnh vực", "Cấp", "Loại điển hình", "Họ tên", "Mới/Duy trì",
           "Số người tham gia", "Số tiền vận động (đồng)", "Kết quả"]


@pytest.fixture
def world(transactional_db):
    province = make_province(code="91", name="Tỉnh Hậu Giang")
    commune = make_commune(province, code="31001", name="Xã Tân Lập")
    kind = UnitKind.objects.get(code="doan-the")
    make_unit(commune, kind=kind, code="HPN-01", name="Chi hội Phụ nữ ấp Đông")
    make_unit(commune, kind=kind, code="HND-02", name="Chi hội Nông dân ấp Tây")
    make_unit(make_commune(make_province(code="92"), code="32001"), kind=kind, code="XA-99", name="Chi hội xa")
    return {"staff": make_staff(province, first_name="Lan", last_name="Nguyễn Thị")}


def rows(broken):
    good = [
        [1, 2025, "HPN-01", "Tủ quần áo nghĩa tình", "Văn hóa - Xã hội", "Cơ sở", "Tập thể", "", "Mới", 45,
         "15.000.000", "120 hộ được nhận quần áo"],
        [2, 2025, "HND-02", "Hũ gạo tình thương", "kinh te", "co so", "tap the", "", "duy tri", 30, 0,
         "Mỗi tháng 200 kg gạo"],
        [3, 2025, "HND-02", "Gương nông dân giỏi", "Kinh tế", "Huyện", "Cá nhân", "Lê Văn Tám", "Mới", 1, 0, ""],
    ]
    if broken:
        good[1][4] = "Thể thao"
        good[2][2] = "XA-99"
        good.append([4, 2025, "HPN-01", "Tủ quần áo nghĩa tình", "Kinh tế", "Cơ sở", "Tập thể", "", "Mới", -5, 0,
                     "=SUM(J2:J4)"])
        good.append([5, 1999, "HPN-01", "Sân chơi thiếu nhi", "Kinh tế", "Cơ sở", "Tập thể", "", "Mới", 0, 0, ""])
    return good


def upload(page, tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(make_sheet(HEADERS, data, name=name).read())
    page.goto("/quan-ly/excel/")
    page.get_by_label("Đăng ký mô hình (mỗi dòng một mô hình)").check()
    page.get_by_label("Tệp Excel hoặc CSV").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.wait_for_url("**/xem-truoc/**")


def test_clerk_sees_what_is_wrong_then_imports_the_fixed_sheet(page, world, tmp_path):
    page.goto("/tai-khoan/dang-nhap/")
    page.locator("input[name=username]").fill(world["staff"].username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "dang-nhap" not in url)

    page.goto("/quan-ly/excel/")
    screenshot(page, "excel-1-upload")

    upload(page, tmp_path, "huyen-sai.xlsx", rows(broken=True))
    alert = page.locator(".alert-danger")
    assert "Tệp bị từ chối" in alert.inner_text()
    table = page.locator("table").inner_text()
    for text in ("Không phải giá trị hợp lệ", "Không có đơn vị mang mã này", "Năm phải từ 2010",
                 "Số liệu không được âm", "Ô chứa công thức", "Trùng với dòng 2"):
        assert text in table
    assert page.get_by_role("button", name="Xác nhận nhập").count() == 0
    screenshot(page, "excel-2-preview-rejected")
    assert Registration.objects.count() == 0

    upload(page, tmp_path, "huyen-dung.xlsx", rows(broken=False))
    assert "Tệp hợp lệ: cả 3 dòng đều nhập được" in page.locator(".alert-success").inner_text()
    screenshot(page, "excel-3-preview-ok")
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.wait_for_url("**/quan-ly/excel/")
    assert "Đã nhập 3 dòng từ “huyen-dung.xlsx”: 3 tạo mới" in page.locator(".alert-success").inner_text()
    assert "huyen-dung.xlsx" in page.locator("table").inner_text()
    screenshot(page, "excel-4-imported")
    assert Registration.objects.count() == 3
