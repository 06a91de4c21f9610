"""Public statistics /thong-ke/: open to anyone, published registrations only, no people's names."""
import pytest

from models_registry.models import Status
from models_registry.pagination import Total
from tests.factories import make_registration, make_report_fixture, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    fixture = make_report_fixture()
    # Counted for leaders but not yet published: must stay out of the public figures.
    make_registration(fixture.u5, 2026, "Mô hình chờ duyệt bí mật", Status.SUBMITTED)
    make_registration(fixture.u5, 2026, "Mô hình bị trả lại bí mật", Status.RETURNED)
    return fixture


def totals(response):
    return {row.label: row.values for row in response.context["tables"]["tong_hop"].rows}


def test_it_is_open_to_anonymous_visitors_for_the_whole_country(client, data):
    response = client.get("/thong-ke/?nam=2026")
    assert response.status_code == 200
    assert response.context["area"] is None
    assert totals(response)["Tổng số mô hình đăng ký"][0] == 4


def test_it_counts_only_published_registrations(client, data):
    response = client.get("/thong-ke/?dia-ban=86&nam=2026")
    assert totals(response)["Tổng số mô hình đăng ký"][0] == 3
    statuses = {row.label: row.values[0] for row in response.context["tables"]["trang_thai"].rows}
    assert statuses == {"Đã duyệt": 1, "Đã tổng kết": 1, "Đã khen thưởng": 1}


def test_it_rolls_old_communes_up_in_the_public_figures(client, data):
    response = client.get("/thong-ke/?dia-ban=86&nam=2025")
    communes = {row.label: row.values[0] for row in response.context["tables"]["chi_tiet"].rows}
    assert communes == {"Phường Một": 1, "Xã Hai": 1}


def test_its_list_hides_unpublished_models(client, data):
    page = client.get("/thong-ke/mo-hinh/?dia-ban=86&nam=2026").content.decode()
    assert "Tủ áo yêu thương" in page
    assert "bí mật" not in page
    assert "Bản nháp" not in page


def test_it_shows_no_names_of_people_and_no_list_of_missing_units(client, data):
    page = client.get("/thong-ke/?dia-ban=86&nam=2026").content.decode()
    assert "Nguyễn Thị Bí Mật" not in page
    assert "Chi bộ ấp Năm" not in page
    assert "Tải Excel" not in page


def test_every_public_count_links_to_a_public_list_of_that_many_models(client, data):
    response = client.get("/thong-ke/?dia-ban=86&nam=2026")
    for key, table in response.context["tables"].items():
        for row in table.rows:
            for value, (_shown, url) in zip(row.values, row.cells, strict=True):
                if url and key != "ket_qua_thuc_hien":
                    assert url.startswith("/thong-ke/mo-hinh/")
                    assert client.get(url).context["page"].total == Total(value), (key, row.label)


def test_an_unknown_area_gets_404(client, data):
    assert client.get("/thong-ke/?dia-ban=99999").status_code == 404


def test_a_bad_year_gets_a_vietnamese_message(client, data):
    response = client.get("/thong-ke/?nam=hai-nghin")
    assert response.status_code == 400
    assert "Năm phải là một số" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 40])
def test_it_runs_a_fixed_number_of_queries(client, data, django_assert_max_num_queries, extra):
    for n in range(extra):
        unit = make_unit(data.c2 if n % 2 else data.lc1, data.k1)
        make_registration(unit, 2025 + n % 2, f"Thêm {n}", Status.COMPLETED)
    # One more while 2026 is unfinished: the previous year as of the same day; one for the
    # province the copy is kept under (then kept in the cache).
    with django_assert_max_num_queries(14):
        assert client.get("/thong-ke/?dia-ban=86&nam=2026").status_code == 200


def test_a_communes_statistics_list_only_units_with_something_published(client, data):
    response = client.get("/thong-ke/?dia-ban=86002&nam=2026")
    units = {row.label for row in response.context["tables"]["chi_tiet"].rows}
    # Chi bộ ấp Năm has only a submitted and a returned model this year: not named in public.
    assert units == {"Đoàn Thanh niên xã Hai"}


def test_a_leaders_commune_report_lists_every_active_unit(client, data):
    from tests.factories import make_leader

    client.force_login(make_leader(data.p, username="lanhdao.tinh"))
    response = client.get("/bao-cao/?dia-ban=86002&nam=2026")
    units = {row.label for row in response.context["tables"]["chi_tiet"].rows}
    assert units == {"Đoàn Thanh niên xã Hai", "Chi bộ ấp Năm", "Hội Nông dân xã cũ Hai"}
