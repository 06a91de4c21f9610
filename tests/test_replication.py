"""The replication tree ("nhân rộng") on a model's page and the most replicated models."""
import pytest

from models_registry.models import Registration, Status
from models_registry.replication import most_replicated, replication_tree, tree_size
from tests.factories import make_commune, make_province, make_registration, make_unit

pytestmark = pytest.mark.django_db


def published(name, province=None, **extra):
    commune = make_commune(province or make_province())
    return make_registration(make_unit(commune), name=name, status=Status.ACCEPTED, **extra)


@pytest.fixture
def three_generations():
    """Origin → two copies in other provinces → a copy of the first copy; plus a draft copy."""
    origin = published("Tủ quần áo yêu thương", year=2019)
    first = published("Tủ quần áo Long Hồ", year=2021, replicates=origin)
    second = published("Tủ quần áo Ba Tri", year=2022, replicates=origin)
    grandchild = published("Tủ quần áo Mỏ Cày", year=2023, replicates=first)
    make_registration(make_unit(make_commune(make_province())), name="Bản nháp nhân rộng", replicates=first)
    return origin, first, second, grandchild


def shape(node):
    return (node.registration.name, node.is_current, [shape(child) for child in node.children])


def test_tree_from_the_origin_shows_every_generation_below_it(three_generations):
    origin, first, second, grandchild = three_generations
    assert shape(replication_tree(origin)) == (
        "Tủ quần áo yêu thương", True, [
            ("Tủ quần áo Long Hồ", False, [("Tủ quần áo Mỏ Cày", False, [])]),
            ("Tủ quần áo Ba Tri", False, []),
        ],
    )


def test_tree_of_a_middle_model_shows_the_one_it_copies_and_those_that_copy_it(three_generations):
    origin, first, second, grandchild = three_generations
    assert shape(replication_tree(first)) == (
        "Tủ quần áo yêu thương", False, [("Tủ quần áo Long Hồ", True, [("Tủ quần áo Mỏ Cày", False, [])])],
    )


def test_tree_of_the_last_generation_shows_its_line_up_to_the_origin(three_generations):
    origin, first, second, grandchild = three_generations
    root = replication_tree(grandchild)
    assert [root.registration, root.children[0].registration, root.children[0].children[0].registration] == [
        origin, first, grandchild,
    ]
    assert tree_size(root) == 3


def test_a_model_that_copies_none_and_is_copied_by_none_has_no_tree():
    assert replication_tree(published("Mô hình riêng")) is None


def test_a_loop_in_the_data_ends_the_walk():
    one = published("Một")
    two = published("Hai", replicates=one)
    Registration.objects.filter(pk=one.pk).update(replicates=two)
    one.refresh_from_db()
    root = replication_tree(one)
    assert tree_size(root) == 2


def test_tree_is_read_in_one_query_per_generation(three_generations, django_assert_max_num_queries):
    origin, first, second, grandchild = three_generations
    with django_assert_max_num_queries(4):
        replication_tree(origin)


def test_model_page_draws_the_tree_without_drafts(client, three_generations):
    origin, first, second, grandchild = three_generations
    html = client.get(f"/mo-hinh/{first.pk}/").content.decode()
    tree = html[html.index('class="replication-tree') :]
    tree = tree[: tree.index("</section>")]
    assert f'href="/mo-hinh/{origin.pk}/"' in tree and f'href="/mo-hinh/{grandchild.pk}/"' in tree
    assert "Tủ quần áo Long Hồ</strong>" in tree
    assert "Bản nháp nhân rộng" not in html and "Tủ quần áo Ba Tri" not in tree


def test_most_replicated_counts_published_copies_only(three_generations):
    origin, first, second, grandchild = three_generations
    ranking = [(row.name, row.replication_count) for row in most_replicated()]
    assert ranking == [("Tủ quần áo yêu thương", 2), ("Tủ quần áo Long Hồ", 1)]


def test_most_replicated_of_an_area_and_period_counts_copies_from_anywhere(three_generations):
    from models_registry.services.reports import Period

    origin, first, second, grandchild = three_generations
    in_2021 = most_replicated(period=Period(2021, 2021))
    assert [(row.name, row.replication_count) for row in in_2021] == [("Tủ quần áo Long Hồ", 1)]
    of_origin_area = most_replicated(area=origin.area.province)
    assert [row.name for row in of_origin_area] == ["Tủ quần áo yêu thương"]


def test_statistics_page_lists_the_most_replicated_models(client, three_generations):
    origin = three_generations[0]
    html = client.get("/thong-ke/", {"tu-nam": "2019", "den-nam": "2023"}).content.decode()
    assert "Mô hình được nhân rộng nhiều nhất" in html
    assert f'href="/mo-hinh/{origin.pk}/"' in html


def test_report_counts_replications_per_area(client):
    from tests.factories import make_leader, make_report_fixture

    data = make_report_fixture()
    client.force_login(make_leader(data.p))
    table = client.get("/bao-cao/", {"nam": "2026"}).context["tables"]["chi_tiet"]
    column = table.columns.index("Nhân rộng")
    assert {row.label: row.values[column] for row in table.rows} == {"Phường Một": 0, "Xã Hai": 1}
