"""The leaders' dashboard /bao-cao/: scoping, parameters, drill-down links and exports."""
import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from models_registry.models import Status
from models_registry.pagination import Total
from models_registry.services import workflow
from tests.factories import (
    make_leader,
    make_registration,
    make_report_fixture,
    make_staff,
    make_unit,
    make_unit_user,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return make_report_fixture()


@pytest.fixture
def leader_client(client, data):
    client.force_login(make_leader(data.p))
    return client


def figures(response):
    """{table key: {row label: values}} as the page shows them."""
    return {key: {row.label: list(row.values) for row in t.rows} for key, t in response.context["tables"].items()}


def test_it_redirects_anonymous_visitors_to_the_login_page(client):
    response = client.get("/bao-cao/")
    assert response.status_code == 302
    assert "next=/bao-cao/" in response["Location"]


def test_it_refuses_a_unit_account(client, data):
    client.force_login(make_unit_user(data.u1))
    assert client.get("/bao-cao/").status_code == 403


def test_it_refuses_an_account_without_a_role(client, data):
    client.force_login(make_user())
    assert client.get("/bao-cao/").status_code == 403


def test_it_defaults_to_the_leaders_own_area(leader_client):
    response = leader_client.get("/bao-cao/?nam=2026")
    assert response.status_code == 200
    assert response.context["area"].code == "86"
    assert figures(response)["tong_hop"]["Tổng số mô hình đăng ký"][0] == 3


def test_a_leader_of_another_province_gets_404(client, data):
    client.force_login(make_leader(data.q))
    assert client.get("/bao-cao/?dia-ban=86&nam=2026").status_code == 404


def test_an_unknown_area_code_gets_404(leader_client):
    assert leader_client.get("/bao-cao/?dia-ban=99999").status_code == 404


def test_a_commune_leader_sees_an_old_commune_that_rolls_up_into_theirs(client, data):
    client.force_login(make_leader(data.c1))
    assert client.get("/bao-cao/?dia-ban=83101&co-cau=cu&nam=2025").status_code == 200


def test_a_commune_leader_gets_404_for_a_neighbouring_commune_and_its_old_communes(client, data):
    client.force_login(make_leader(data.c1))
    assert client.get("/bao-cao/?dia-ban=86002").status_code == 404
    assert client.get("/bao-cao/?dia-ban=83102&co-cau=cu").status_code == 404
    assert client.get("/bao-cao/?dia-ban=86").status_code == 404


def test_staff_of_a_province_see_its_report(client, data):
    client.force_login(make_staff(data.p))
    assert client.get("/bao-cao/?dia-ban=86001&nam=2026").status_code == 200


def test_a_code_means_todays_area_unless_the_old_structure_is_asked_for(leader_client):
    assert leader_client.get("/bao-cao/?dia-ban=83").status_code == 404
    response = leader_client.get("/bao-cao/?dia-ban=83&co-cau=cu&nam=2025")
    assert response.context["area"].name == "Tỉnh Bến Tre"
    assert figures(response)["chi_tiet"] == {"Huyện Châu Thành": [3, 2, 1, 0, 0, 3, 0, 0, 30, 0]}


@pytest.mark.parametrize(
    "query, message",
    [
        ("nam=abc", "Năm phải là một số"),
        ("nam=1990", "Năm phải từ"),
        ("tu-nam=2024&den-nam=2020", "“Từ năm” phải nhỏ hơn hoặc bằng “đến năm”"),
        ("tu-nam=2020", "Nhập cả “từ năm” và “đến năm”"),
    ],
)
def test_bad_years_get_a_vietnamese_message_and_no_report(leader_client, query, message):
    response = leader_client.get(f"/bao-cao/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "report" not in response.context


def test_a_period_is_compared_with_the_previous_period(leader_client):
    response = leader_client.get("/bao-cao/?tu-nam=2025&den-nam=2026")
    assert figures(response)["tong_hop"]["Tổng số mô hình đăng ký"] == [6, 0, "tăng 6"]


def test_the_page_shows_every_figure_of_the_fixture(leader_client, report_day):
    report_day(datetime.date(2027, 1, 15))  # 2026 finished: every figure compared with 2025's
    f = figures(leader_client.get("/bao-cao/?nam=2026"))
    assert f["linh_vuc"] == {"Kinh tế": [2], "Văn hóa - Xã hội": [1], "Quốc phòng - An ninh": [0],
                             "Xây dựng hệ thống chính trị": [0]}
    assert f["cap"] == {"Cơ sở": [2], "Huyện": [1], "Tỉnh": [0]}
    assert f["loai_don_vi"] == {"Tổ chức Đảng": [1], "Đoàn thể chính trị - xã hội": [2]}
    assert f["loai_dien_hinh"] == {"Tập thể": [2], "Cá nhân": [1]}
    assert f["trang_thai"] == {"Đã gửi, chờ duyệt": [0], "Trả lại để sửa": [0],
                               "Đã duyệt": [1], "Đã tổng kết": [1], "Đã khen thưởng": [1]}
    assert f["ket_qua"] == {"Đạt": [1], "Không đạt": [0], "Điển hình": [1], "Chưa đánh giá": [1]}
    assert f["tong_hop"]["Xây dựng mới"][0] == 2
    assert f["tong_hop"]["Củng cố, nâng cao (duy trì)"][0] == 1
    assert f["tong_hop"]["Nhân rộng từ mô hình khác"][0] == 1
    assert f["tong_hop"]["Được đánh giá điển hình"][0] == 1
    assert f["tong_hop"]["Được khen thưởng"][0] == 1
    assert f["ket_qua_thuc_hien"]["Số người tham gia"] == [150, 30, "tăng 120 (400,0%)"]
    assert f["ket_qua_thuc_hien"]["Số tiền vận động (đồng)"][0] == 1_000_000
    assert f["ket_qua_thuc_hien"]["Đất hiến (m²)"][0] == 200
    assert f["muc_do_tham_gia"] == {"Tổ chức Đảng": [3, 1, 2, 33], "Đoàn thể chính trị - xã hội": [3, 2, 1, 67],
                                    "Cộng": [6, 3, 3, 50]}
    assert f["tiep_noi"] == {"Mô hình năm trước": [3], "Được duy trì, tiếp nối": [1], "Không tiếp tục": [2]}
    assert f["chi_tiet"] == {"Phường Một": [2, 1, 1, 0, 0, 1, 0, 1, 150, 1_000_000],
                             "Xã Hai": [1, 1, 0, 0, 0, 1, 1, 0, 0, 0]}
    assert f["xu_huong"]["2025"] == [3, 3, 0]


def test_a_commune_page_lists_its_units_without_a_registration(leader_client):
    response = leader_client.get("/bao-cao/?dia-ban=86002&nam=2026")
    assert {row.values[0] for row in response.context["missing"].rows} == {"U5", "U7"}
    assert "Chi bộ ấp Năm" in response.content.decode()


def test_a_province_page_links_its_count_of_missing_units_to_their_list(leader_client):
    response = leader_client.get("/bao-cao/?nam=2026")
    assert response.context["missing"] is None
    total = response.context["tables"]["muc_do_tham_gia"].rows[-1]
    assert total.values[2] == 3
    url = total.cells[2][1]
    assert url == "/bao-cao/chua-dang-ky/?dia-ban=86&co-cau=moi&nam=2026"
    assert {unit.code for unit in leader_client.get(url).context["page"]} == {"U4", "U5", "U7"}


def test_the_missing_units_list_filters_by_kind_of_unit_including_sub_kinds(leader_client):
    units = leader_client.get("/bao-cao/chua-dang-ky/?dia-ban=86&nam=2026&loai-don-vi=doan-the").context["page"]
    assert {unit.code for unit in units} == {"U7"}
    units = leader_client.get("/bao-cao/chua-dang-ky/?dia-ban=86&nam=2025&loai-don-vi=doan-the").context["page"]
    assert {unit.code for unit in units} == {"U2", "U3"}


def test_the_missing_units_list_of_another_province_gets_404(client, data):
    client.force_login(make_leader(data.q))
    assert client.get("/bao-cao/chua-dang-ky/?dia-ban=86").status_code == 404


def test_a_unit_account_cannot_see_the_missing_units_list(client, data):
    client.force_login(make_unit_user(data.u1))
    assert client.get("/bao-cao/chua-dang-ky/").status_code == 403


def test_the_page_says_split_communes_use_the_default_successor(leader_client):
    assert "xã kế thừa mặc định" in leader_client.get("/bao-cao/?nam=2025").content.decode()


def test_the_page_shows_no_names_of_people(leader_client):
    assert "Nguyễn Thị Bí Mật" not in leader_client.get("/bao-cao/?nam=2026").content.decode()


def test_drill_down_links_lead_to_the_communes_then_the_units(leader_client):
    response = leader_client.get("/bao-cao/?nam=2026")
    commune = next(r for r in response.context["tables"]["chi_tiet"].rows if r.label == "Phường Một")
    assert commune.label_url == "/bao-cao/?dia-ban=86001&co-cau=moi&nam=2026"
    units = figures(leader_client.get(commune.label_url))["chi_tiet"]
    assert units == {"Chi bộ ấp Một": [1, 1, 0, 0, 0, 1, 0, 0, 100, 1_000_000],
                     "Hội Phụ nữ phường Một": [1, 0, 1, 0, 0, 0, 0, 1, 50, 0],
                     "Chi bộ xã cũ Một": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}


def test_every_count_links_to_a_list_of_exactly_that_many_registrations(leader_client):
    response = leader_client.get("/bao-cao/?nam=2026")
    checked = 0
    for key, table in response.context["tables"].items():
        if key == "ket_qua_thuc_hien":
            continue  # sums, not counts
        for row in table.rows:
            for value, (_shown, url) in zip(row.values, row.cells, strict=True):
                if url:
                    listed = leader_client.get(url)
                    assert listed.status_code == 200, url
                    assert listed.context["page"].total == Total(value), (key, row.label, url)
                    checked += 1
    assert checked > 40


def test_the_list_leaves_out_drafts_and_withdrawn_registrations(leader_client):
    names = {r.name for r in leader_client.get("/bao-cao/mo-hinh/?nam=2026").context["page"]}
    assert names == {"Ấp không rác", "Tủ áo yêu thương", "Ấp không rác nhân rộng"}


def test_the_list_of_another_province_gets_404(client, data):
    client.force_login(make_leader(data.q))
    assert client.get("/bao-cao/mo-hinh/?dia-ban=86").status_code == 404


@pytest.mark.parametrize("extra", [0, 40])
@pytest.mark.parametrize("query", ["nam=2026", "dia-ban=86001&nam=2026", "dia-ban=83&co-cau=cu&tu-nam=2021&den-nam=2025"])
def test_the_dashboard_runs_a_fixed_number_of_queries(leader_client, data, django_assert_max_num_queries, extra, query):
    for n in range(extra):
        unit = make_unit(data.c1 if n % 2 else data.lc1, data.k1)
        make_registration(unit, 2025 + n % 2, f"Thêm {n}", Status.ACCEPTED)
    # One more while 2026 is unfinished: the previous year as of the same day.
    with django_assert_max_num_queries(17):
        assert leader_client.get(f"/bao-cao/?{query}").status_code == 200


@pytest.mark.parametrize("extra", [0, 40])
def test_the_registration_list_runs_a_fixed_number_of_queries(leader_client, data, django_assert_max_num_queries, extra):
    for n in range(extra):
        make_registration(make_unit(data.c1, data.k1), 2026, f"Thêm {n}", Status.ACCEPTED)
    # The session, the account, its area, the total from the summary, the page and the unread count:
    # no query for a unit's name when none is asked for.
    with django_assert_max_num_queries(6):
        assert leader_client.get("/bao-cao/mo-hinh/?nam=2026&linh-vuc=economy").status_code == 200


def page_numbers(response):
    return [
        [str(t.title)] + [[row.label, *row.values] for row in t.rows] for t in response.context["tables"].values()
    ]


def test_the_excel_export_has_the_pages_numbers(leader_client):
    page = leader_client.get("/bao-cao/?nam=2026")
    response = leader_client.get("/bao-cao/xuat.xlsx?dia-ban=86&co-cau=moi&nam=2026")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-dan-van-kheo-86-2026.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    for table in page_numbers(page):
        start = cells.index([table[0]])
        assert cells[start + 2 : start + 2 + len(table) - 1] == [
            [v for v in row if v is not None and v != ""] for row in table[1:]
        ], table[0]


def test_the_excel_export_is_a_signed_printable_sheet(leader_client, data):
    data.p.commission_name = "Ban Tuyên giáo và Dân vận Tỉnh ủy"
    data.p.save()
    response = leader_client.get("/bao-cao/xuat.xlsx?nam=2026")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    text = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "BÁO CÁO KẾT QUẢ PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO”" in text
    assert "Địa bàn: Tỉnh Vĩnh Long" in text
    assert "Năm 2026" in text
    assert any(t.startswith("Ngày lập: ") for t in text)
    assert "TM. BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY" in text
    assert "TRƯỞNG BAN" in text
    # Printed one page wide (1 is the file format's default width), as many pages down as it takes.
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert "Chi bộ ấp Năm" in text


def test_the_csv_export_has_the_pages_numbers(leader_client):
    page = leader_client.get("/bao-cao/?nam=2026")
    response = leader_client.get("/bao-cao/xuat.csv?nam=2026")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    for table in page_numbers(page):
        start = rows.index([table[0]])
        assert rows[start + 2 : start + 2 + len(table) - 1] == [
            ["" if v is None else str(v) for v in row] for row in table[1:]
        ], table[0]


def test_the_csv_export_neutralises_formulas(leader_client, data):
    data.u5.name = "=HYPERLINK(\"http://x\")"
    data.u5.save()
    content = leader_client.get("/bao-cao/xuat.csv?nam=2026").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in content


def test_the_excel_export_stores_formula_like_names_as_text(leader_client, data):
    data.u5.name = "=HYPERLINK(\"http://x\")"
    data.u5.save()
    sheet = openpyxl.load_workbook(io.BytesIO(leader_client.get("/bao-cao/xuat.xlsx?nam=2026").content)).active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("http://x")')
    assert cell.data_type == "s"


def test_an_export_of_another_province_gets_404(client, data):
    client.force_login(make_leader(data.q))
    assert client.get("/bao-cao/xuat.xlsx?dia-ban=86").status_code == 404
    assert client.get("/bao-cao/xuat.csv?dia-ban=86").status_code == 404


def test_an_export_with_a_bad_year_says_why(leader_client):
    response = leader_client.get("/bao-cao/xuat.xlsx?nam=abc")
    assert response.status_code == 400
    assert "Năm phải là một số" in response.content.decode()


def test_a_unit_account_cannot_export(client, data):
    client.force_login(make_unit_user(data.u1))
    assert client.get("/bao-cao/xuat.xlsx").status_code == 403


def test_the_list_says_what_it_counts(leader_client, data):
    response = leader_client.get(f"/bao-cao/mo-hinh/?nam=2025&tiep-noi=khong&linh-vuc=economy&don-vi={data.u7.pk}")
    assert response.context["filters"] == ["Lĩnh vực: Kinh tế", "Không tiếp tục năm 2026", "Đơn vị: Hội Nông dân xã cũ Hai"]
    assert [r.name for r in response.context["page"]] == ["Mô hình xã bị chia"]


def test_numbers_are_shown_with_vietnamese_thousand_separators(leader_client):
    content = leader_client.get("/bao-cao/?nam=2026").content.decode()
    assert ">1.000.000</a>" in content


def test_names_in_the_tables_are_escaped(leader_client, data):
    data.u5.code = "<b>U5</b>"
    data.u5.save()
    content = leader_client.get("/bao-cao/?dia-ban=86002&nam=2026").content.decode()
    assert "&lt;b&gt;U5&lt;/b&gt;" in content
    assert "<b>U5</b>" not in content


def test_a_superuser_without_an_area_sees_the_whole_country_by_province(client, data):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    response = client.get("/bao-cao/?nam=2026")
    assert response.context["area"] is None
    assert figures(response)["chi_tiet"]["Tỉnh Vĩnh Long"][0] == 3
    assert figures(response)["chi_tiet"]["Thành phố Hà Nội"][0] == 1


@pytest.mark.parametrize("extra", [0, 40])
def test_the_excel_export_runs_a_fixed_number_of_queries(leader_client, data, django_assert_max_num_queries, extra):
    for n in range(extra):
        make_registration(make_unit(data.c2, data.k1), 2026 - n % 2, f"Thêm {n}", Status.ACCEPTED)
    with django_assert_max_num_queries(16):
        assert leader_client.get("/bao-cao/xuat.xlsx?nam=2026").status_code == 200


def test_a_unit_id_from_another_province_does_not_reveal_its_name(leader_client, data):
    page = leader_client.get(f"/bao-cao/mo-hinh/?nam=2026&don-vi={data.u6.pk}").content.decode()
    assert "Chi bộ Ba Đình" not in page


def test_the_list_names_a_unit_of_the_viewers_area(leader_client, data):
    page = leader_client.get(f"/bao-cao/mo-hinh/?nam=2026&don-vi={data.u1.pk}").content.decode()
    assert f"Đơn vị: {data.u1.name}" in page


def test_the_dashboard_shows_commendations_by_form_and_level(leader_client, data):
    from models_registry.models import Commendation, CommendationForm

    Commendation.objects.create(registration=data.r1, form=CommendationForm.objects.get(code="bang-khen"),
                                level="province", authority="UBND tỉnh", decision_number="9/QĐ",
                                decision_date="2026-10-15")
    page = leader_client.get("/bao-cao/?nam=2026").content.decode()
    assert "Khen thưởng theo hình thức và cấp" in page
    assert "Bằng khen – cấp tỉnh" in page
    assert "Đề nghị khen thưởng theo cấp xét" in page


def test_the_dashboard_shows_a_registration_accepted_since_the_last_visit(leader_client, data):
    assert figures(leader_client.get("/bao-cao/?nam=2026"))["tong_hop"]["Tổng số mô hình đăng ký"][0] == 3
    data.r4.status = Status.ACCEPTED
    data.r4.save()
    assert figures(leader_client.get("/bao-cao/?nam=2026"))["tong_hop"]["Tổng số mô hình đăng ký"][0] == 4


def test_a_repeat_visit_reuses_the_figures_without_counting_again(leader_client):
    leader_client.get("/bao-cao/?nam=2026")
    with CaptureQueriesContext(connection) as queries:
        leader_client.get("/bao-cao/?nam=2026")
    assert not [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]


def test_the_public_statistics_do_not_reuse_a_leaders_figures(leader_client, client, data):
    # 2025 in the province: three sent to the commission, of which two accepted (published).
    leader_view = leader_client.get("/bao-cao/?dia-ban=86&nam=2025")
    assert figures(leader_view)["tong_hop"]["Tổng số mô hình đăng ký"][0] == 3
    leader_client.logout()
    response = client.get("/thong-ke/?dia-ban=86&nam=2025")
    assert figures(response)["tong_hop"]["Tổng số mô hình đăng ký"][0] == 2


def test_a_repeat_visit_shows_the_same_tables_and_links(leader_client):
    def tables_html(response):
        page = response.content.decode()
        return page[page.index('id="tieu-de-linh-vuc"'):page.index('id="tieu-de-chi-tiet"')]

    first = tables_html(leader_client.get("/bao-cao/?nam=2026"))
    again = tables_html(leader_client.get("/bao-cao/?nam=2026"))
    assert again == first
    assert "/bao-cao/mo-hinh/?" in again


def test_the_dashboard_counts_a_draft_once_its_unit_submits_it(leader_client, data):
    leader_client.get("/bao-cao/?nam=2026")
    workflow.submit(make_unit_user(data.u1), data.r4)
    assert figures(leader_client.get("/bao-cao/?nam=2026"))["tong_hop"]["Tổng số mô hình đăng ký"][0] == 4
