import pytest
from django.core.management import CommandError, call_command

from models_registry.models import ImportBatch, Registration, Unit, UnitKind

from .factories import make_commune, make_province, make_sheet, make_staff, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    province = make_province(code="91")
    commune = make_commune(province, code="31001")
    unit = make_unit(commune, kind=UnitKind.objects.get(code="doan-the"), code="DV-01")
    outside = make_unit(make_commune(make_province(code="92"), code="32001"), code="DV-99")
    return {"province": province, "unit": unit, "outside": outside}


def write(tmp_path, headers, rows, name="tep.xlsx"):
    path = tmp_path / name
    path.write_bytes(make_sheet(headers, rows, name=name).read())
    return str(path)


def test_import_registrations_prints_a_summary(tmp_path, world, capsys):
    path = write(tmp_path, ["Năm", "Mã đơn vị", "Tên mô hình", "Lĩnh vực"], [[2024, "DV-01", "Mô hình", "Kinh tế"]])
    call_command("import_registrations", path)
    assert "Đã nhập 1 dòng từ “tep.xlsx”: 1 tạo mới" in capsys.readouterr().out
    assert Registration.objects.get().unit == world["unit"]
    assert ImportBatch.objects.get().created_by is None


def test_import_registrations_exits_non_zero_on_a_rejected_file(tmp_path, world, capsys):
    path = write(tmp_path, ["Năm", "Mã đơn vị", "Tên mô hình", "Lĩnh vực"], [[2024, "KHONG-CO", "Mô hình", "Kinh tế"]])
    with pytest.raises(CommandError, match="bị từ chối"):
        call_command("import_registrations", path)
    assert "Dòng 2, cột “Mã đơn vị” (giá trị “KHONG-CO”): Không có đơn vị mang mã này." in capsys.readouterr().err
    assert Registration.objects.count() == 0


def test_import_registrations_as_a_user_is_limited_to_their_area(tmp_path, world):
    staff = make_staff(world["province"])
    path = write(tmp_path, ["Năm", "Mã đơn vị", "Tên mô hình", "Lĩnh vực"], [[2024, "DV-99", "Mô hình", "Kinh tế"]])
    with pytest.raises(CommandError):
        call_command("import_registrations", path, user=staff.username)
    assert Registration.objects.count() == 0


def test_dry_run_writes_nothing(tmp_path, world, capsys):
    path = write(tmp_path, ["Năm", "Mã đơn vị", "Tên mô hình", "Lĩnh vực"], [[2024, "DV-01", "Mô hình", "Kinh tế"]])
    call_command("import_registrations", path, dry_run=True)
    assert "Sẽ nhập 1 dòng" in capsys.readouterr().out
    assert Registration.objects.count() == 0


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="Không có tệp"):
        call_command("import_registrations", str(tmp_path / "khong-co.xlsx"))


def test_import_units_prints_a_summary(tmp_path, world, capsys):
    path = write(tmp_path, ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã xã"],
                 [["DV-02", "Chi đoàn ấp 2", "Đoàn thể chính trị - xã hội", "31001"]], name="don-vi.csv")
    call_command("import_units", path)
    assert "1 tạo mới" in capsys.readouterr().out
    assert Unit.objects.get(code="DV-02").area.code == "31001"


def test_import_units_exits_non_zero_on_a_rejected_file(tmp_path, world):
    path = write(tmp_path, ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã xã"],
                 [["DV-02", "Chi đoàn", "Đoàn thể chính trị - xã hội", "99999"]])
    with pytest.raises(CommandError):
        call_command("import_units", path)
    assert not Unit.objects.filter(code="DV-02").exists()


def test_command_exit_status_is_non_zero(tmp_path, world):
    import subprocess
    import sys

    path = write(tmp_path, ["Năm"], [[2024]])
    done = subprocess.run([sys.executable, "manage.py", "import_registrations", path], capture_output=True, text=True,
                          env={**__import__("os").environ, "DATABASE_URL": "sqlite:///" + str(tmp_path / "x.db")})
    assert done.returncode != 0
