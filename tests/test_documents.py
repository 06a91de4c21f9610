"""Word documents: each opens with python-docx and holds the data it was made from."""
import datetime
import io
import zipfile

import docx
import pytest
from django.utils import timezone

from models_registry.models import ExemplarKind, Status
from models_registry.services import commendations as rules

from .commendation_world import build_world, vote
from .factories import make_leader, make_registration, make_report_fixture, make_unit

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def text_of(content):
    """Every paragraph and table cell of a .docx, one string per line."""
    document = docx.Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
                for inner in cell.tables:
                    lines.extend(c.text for r in inner.rows for c in r.cells)
    return "\n".join(lines)


def rows_of(content):
    """Table rows (tuples of cell texts) of a .docx."""
    document = docx.Document(io.BytesIO(content))
    return [tuple(cell.text for cell in row.cells) for table in document.tables for row in table.rows]


@pytest.fixture
def world(db):
    return build_world()


# The report ------------------------------------------------------------------------------------

@pytest.fixture
def report_client(client):
    data = make_report_fixture()
    data.p.commission_name = "Ban Tuyên giáo và Dân vận Tỉnh ủy Vĩnh Long"
    data.p.signer_name = "Nguyễn Văn Ký"
    data.p.save()
    client.force_login(make_leader(data.p))
    return client


def test_report_docx_holds_the_figures_the_page_shows(report_client):
    page = report_client.get("/bao-cao/?nam=2026")
    response = report_client.get("/bao-cao/xuat.docx?nam=2026")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-dan-van-kheo-86-2026.docx"'
    rows = rows_of(response.content)
    for label, value, _change in page.context["headline"]:
        assert (str(label), f"{value:,}".replace(",", "."), _change or "–") in rows
    by_field = page.context["tables"]["linh_vuc"]
    for row in by_field.rows:
        assert (row.label, *[f"{v:,}".replace(",", ".") for v in row.values]) in rows


def test_report_docx_names_the_body_set_for_the_area_and_the_as_of_date(report_client):
    text = text_of(report_client.get("/bao-cao/xuat.docx?nam=2026").content)
    today = timezone.localdate()
    assert "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY VĨNH LONG" in text
    assert f"Số liệu tính đến ngày {today:%d/%m/%Y}" in text
    assert f"Vĩnh Long, ngày {today:%d} tháng {today:%m} năm {today.year}" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "TM. BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY VĨNH LONG" in text
    assert "Nguyễn Văn Ký" in text
    assert "Số: ……-BC/BTGDVTU" in text


def test_report_docx_refuses_wrong_years_with_a_message(report_client):
    response = report_client.get("/bao-cao/xuat.docx?tu-nam=2026&den-nam=2020")
    assert response.status_code == 400
    assert "Không xuất được báo cáo" in response.content.decode()


# The registration form --------------------------------------------------------------------------

def test_filled_registration_form_holds_the_model_and_the_commission(client, world):
    world.registration.objectives = "Giúp 85 hộ nghèo có quần áo ấm."
    world.registration.save()
    client.force_login(world.commune_staff)
    response = client.get(f"/quan-ly/mo-hinh/{world.registration.pk}/phieu-dang-ky.docx")
    assert response.status_code == 200
    text = text_of(response.content)
    assert "PHIẾU ĐĂNG KÝ" in text
    assert "Tên mô hình: Tủ quần áo yêu thương" in text
    assert "Giúp 85 hộ nghèo có quần áo ấm." in text
    assert "Kính gửi: Ban Tuyên giáo và Dân vận Tỉnh ủy Vĩnh Long" in text
    assert "HỘI LIÊN HIỆP PHỤ NỮ XÃ THƯỜNG THỚI TIỀN" in text


def test_blank_registration_form_has_lines_to_write_on(client, world):
    client.force_login(world.unit_user)
    response = client.get("/don-vi/phieu-dang-ky.docx")
    assert response.status_code == 200
    text = text_of(response.content)
    assert f"Mô hình “Dân vận khéo” năm {timezone.localdate().year}" in text
    assert "Tên mô hình: ....." in text
    assert "Tên đơn vị: Hội Liên hiệp Phụ nữ xã Thường Thới Tiền" in text


def test_a_unit_cannot_download_another_units_form(client, world):
    other = make_registration(make_unit(world.other_commune), year=world.today.year, name="Khác")
    client.force_login(world.unit_user)
    assert client.get(f"/don-vi/mo-hinh/{other.pk}/phieu-dang-ky.docx").status_code == 404


# The round dossier and the decision ------------------------------------------------------------

@pytest.fixture
def proposed(world):
    person = make_registration(
        world.unit, year=world.today.year, name="Gương mẫu hiến đất", status=Status.COMPLETED, outcome="exemplary",
        exemplar_kind=ExemplarKind.INDIVIDUAL, person_name="Nguyễn Thị Ánh", person_position="Chi hội trưởng",
        participants=120, results="Vận động hiến 1.200 m² đất làm đường.",
    )
    first = rules.propose(world.commune_staff, world.round, world.registration, **vote(world))
    second = rules.propose(world.commune_staff, world.round, person, **vote(world, votes_for=9, votes_present=10,
                                                                            votes_against=1))
    return [first, second]


def test_dossier_zip_holds_one_achievement_report_per_proposal(client, world, proposed):
    client.force_login(world.province_staff)
    response = client.get(f"/quan-ly/khen-thuong/dot/{world.round.pk}/ho-so.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    reports = [name for name in names if name.startswith("03-bao-cao-thanh-tich/")]
    assert len(reports) == len(proposed)
    assert {"01-to-trinh.docx", "02-bien-ban-hop-xet.docx"} <= set(names)
    texts = [text_of(archive.read(name)) for name in reports]
    assert any("Gương mẫu hiến đất" in t and "Vận động hiến 1.200 m² đất làm đường." in t for t in texts)
    assert any("Tủ quần áo yêu thương" in t for t in texts)


def test_submission_lists_collectives_and_individuals_apart(client, world, proposed):
    client.force_login(world.province_staff)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/quan-ly/khen-thuong/dot/{world.round.pk}/ho-so.zip").content))
    text = text_of(archive.read("01-to-trinh.docx"))
    assert "1. Tập thể (1)" in text
    assert "2. Cá nhân (1)" in text
    assert "Nguyễn Thị Ánh, Chi hội trưởng" in text
    assert "Kính gửi: Thường trực Tỉnh ủy Vĩnh Long" in text


def test_minutes_hold_the_vote_and_its_percentage(client, world, proposed):
    client.force_login(world.province_staff)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/quan-ly/khen-thuong/dot/{world.round.pk}/ho-so.zip").content))
    rows = rows_of(archive.read("02-bien-ban-hop-xet.docx"))
    assert any(row[3:] == ("20", "18", "1", "90,0%") for row in rows)
    assert any(row[3:] == ("10", "9", "1", "90,0%") for row in rows)


def test_a_proposing_commune_files_its_own_dossier_to_the_province(client, world, proposed):
    client.force_login(world.commune_staff)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/quan-ly/khen-thuong/dot/{world.round.pk}/ho-so.zip").content))
    assert "Kính gửi: Ban Tuyên giáo và Dân vận Tỉnh ủy Vĩnh Long" in text_of(archive.read("01-to-trinh.docx"))


def test_decision_docx_lists_every_recipient_in_its_annex(client, world, proposed):
    date = datetime.date(world.today.year, 1, 1)
    decided = {"form": world.bang_khen, "decision_number": "125-QĐ/BTGDV", "decision_date": date,
               "authority": "Ban Tuyên giáo và Dân vận Tỉnh ủy Vĩnh Long", "signing_capacity": "kt",
               "signer_position": "Phó Trưởng ban", "signer_name": "Trần Văn Phó"}
    first = rules.accept(world.province_staff, proposed[0], **decided)
    rules.accept(world.province_staff, proposed[1], **decided)
    client.force_login(world.province_staff)
    response = client.get(f"/quan-ly/khen-thuong/{first.pk}/quyet-dinh.docx")
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Số: 125-QĐ/BTGDV" in text
    assert "Điều 1. Tặng Bằng khen cho 1 tập thể và 1 cá nhân" in text
    assert f"(Kèm theo Quyết định số 125-QĐ/BTGDV ngày {date:%d/%m/%Y} của Ban Tuyên giáo và Dân vận Tỉnh ủy Vĩnh Long)" in text
    assert "KT. TRƯỞNG BAN" in text and "PHÓ TRƯỞNG BAN" in text and "Trần Văn Phó" in text
    rows = rows_of(response.content)
    assert any("Nguyễn Thị Ánh" in row[1] for row in rows)
    assert any(row[1] == "Hội Liên hiệp Phụ nữ xã Thường Thới Tiền" for row in rows)
