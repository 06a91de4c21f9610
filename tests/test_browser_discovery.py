"""The map, the ranked search and the API's docs in Chromium: what a visitor sees, and that
nothing is fetched from outside the portal."""
from urllib.parse import urlsplit

import pytest

from models_registry.models import Field, Status
from tests.conftest import screenshot
from tests.factories import make_commune, make_kind, make_province, make_registration, make_unit

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PLACES = [
    ("Tỉnh Vĩnh Long", 10.25, 105.97, [("Phường Long Châu", 10.2536, 105.9722), ("Xã Mỏ Cày", 10.1279, 106.3331),
                                        ("Xã Ba Tri", 10.0406, 106.6017)]),
    ("Thành phố Hà Nội", 21.03, 105.85, [("Phường Ba Đình", 21.0345, 105.8141), ("Xã Sóc Sơn", 21.2566, 105.8491)]),
    ("Tỉnh Lâm Đồng", 11.94, 108.45, [("Phường Xuân Hương", 11.9404, 108.4583)]),
]
NAMES = {
    Field.ECONOMY: ["Tổ hợp tác lúa giống", "Quỹ xoay vòng vốn cho đoàn viên"],
    Field.CULTURE_SOCIETY: ["Tủ quần áo yêu thương", "Bữa cơm nghĩa tình cho bệnh nhân nghèo"],
    Field.DEFENCE_SECURITY: ["Tổ tự quản an ninh trật tự bến đò", "Camera an ninh do dân cùng làm"],
    Field.POLITICAL_SYSTEM: ["Một cửa thân thiện, không hẹn lần hai"],
}

CONTENT = {
    Field.ECONOMY: "Tình làng nghĩa xóm, giúp hộ nghèo vươn lên.",
    Field.CULTURE_SOCIETY: "Người dân góp quần áo, sách vở cho học sinh nghèo.",
    Field.DEFENCE_SECURITY: "Tổ tuần tra đêm; vận động bà con góp quần áo ấm cho người già neo đơn ở bến đò.",
    Field.POLITICAL_SYSTEM: "Cán bộ một cửa hướng dẫn tận tình, không để dân đi lại nhiều lần.",
}


@pytest.fixture
def country():
    kind = make_kind(code="doan-the-thu", name="Đoàn thể chính trị - xã hội")
    published = 0
    for province_name, lat, lon, communes in PLACES:
        province = make_province(name=province_name)
        province.latitude, province.longitude = lat, lon
        province.save()
        for commune_name, clat, clon in communes:
            commune = make_commune(province, name=commune_name)
            commune.latitude, commune.longitude = clat, clon
            commune.save()
            for field, names in NAMES.items():
                for number, name in enumerate(names):
                    unit = make_unit(commune, kind=kind, name=f"Hội Phụ nữ {commune_name.lower()} {number}")
                    make_registration(unit, year=2020 + number + len(names), name=name, status=Status.ACCEPTED,
                                      field=field, content=CONTENT[field])
                    published += 1
            make_registration(make_unit(commune, kind=kind), name="Bản nháp không được hiện", status=Status.DRAFT)
    return published


def watch_requests(page, base_url):
    """Every address the tab asks for; anything not on the portal is refused and listed."""
    own, outside = urlsplit(base_url).netloc, []

    def handle(route):
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.context.route("**/*", handle)
    return outside


def test_map_shows_clustered_points_that_open_the_models_card_and_loads_nothing_from_outside(page, live_server, country):
    outside = watch_requests(page, live_server.url)
    page.goto("/ban-do/")
    page.wait_for_selector("#models-map[data-loaded]")
    assert page.get_attribute("#models-map", "data-loaded") == str(country)
    assert page.locator(".marker-cluster").count() >= 1
    assert page.locator(".map-province-label").count() == 3
    assert page.locator(".map-list li").count() == 20
    screenshot(page, "ban-do-toan-quoc")
    cluster = page.locator(".marker-cluster").first
    # Seven models share each commune's point: zoomed in to the end, the cluster spreads them out.
    for _attempt in range(20):
        if page.locator("path.map-point").count():
            break
        cluster.click()
        page.wait_for_timeout(500)
        cluster = page.locator(".marker-cluster").first
    page.locator("path.map-point").first.click(force=True)
    card = page.wait_for_selector(".leaflet-popup .map-card")
    page.wait_for_timeout(400)  # the popup fades in
    link = card.query_selector("a.map-card-link")
    assert link.get_attribute("href").startswith("/mo-hinh/")
    screenshot(page, "ban-do-the-mo-hinh")
    link.click()
    page.wait_for_url("**/mo-hinh/*/")
    assert outside == []


def test_map_filtered_by_field_on_a_phone(_browser, live_server, reference_data, country):
    context = _browser.new_context(base_url=live_server.url, locale="en-US", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    outside = watch_requests(page, live_server.url)
    page.goto("/ban-do/?linh-vuc=political_system")
    page.wait_for_selector("#models-map[data-loaded]")
    assert page.get_attribute("#models-map", "data-loaded") == "6"
    screenshot(page, "ban-do-dien-thoai")
    context.close()
    assert outside == []


def test_search_results_show_the_best_match_first_with_words_marked(_browser, live_server, reference_data, country):
    for viewport, name in (({"width": 1280, "height": 900}, "tim-kiem-may-tinh"), (PHONE, "tim-kiem-dien-thoai")):
        context = _browser.new_context(base_url=live_server.url, locale="en-US", viewport=viewport)
        page = context.new_page()
        outside = watch_requests(page, live_server.url)
        page.goto("/mo-hinh/?q=tu+quan+ao")
        first = page.locator(".showcase-card").first
        assert first.locator("h3").inner_text().startswith("Tủ quần áo yêu thương")
        assert first.locator("h3 mark").inner_text() == "Tủ quần áo"
        screenshot(page, name)
        context.close()
        assert outside == []


def test_api_docs_page_draws_its_interface_from_the_portal_alone(page, live_server):
    outside = watch_requests(page, live_server.url)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/api/v1/tai-lieu/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    assert page.locator(".opblock").count() >= 3
    screenshot(page, "api-tai-lieu")
    assert outside == [] and not [e for e in errors if "Content Security Policy" in e]


def test_map_without_tiles_traces_the_country_with_its_communes(page, live_server):
    from models_registry.areas_sync import sync_areas
    from models_registry.models import AdminArea, AreaLevel, Structure

    sync_areas()
    kind = make_kind(code="doan-the-thu", name="Đoàn thể chính trị - xã hội")
    communes = AdminArea.objects.filter(structure=Structure.CURRENT, level=AreaLevel.COMMUNE, latitude__isnull=False)
    for number, commune in enumerate(communes.order_by("code")[::150]):
        field = list(NAMES)[number % 4]
        make_registration(make_unit(commune, kind=kind), year=2020 + number % 6, name=NAMES[field][0],
                          status=Status.ACCEPTED, field=field)
    outside = watch_requests(page, live_server.url)
    page.goto("/ban-do/")
    page.wait_for_selector("#models-map[data-loaded]")
    assert len(page.evaluate("JSON.parse(document.getElementById('map-communes').textContent)")) > 3000
    assert page.locator(".map-province-label").count() == 34
    screenshot(page, "ban-do-ca-nuoc-khong-nen")
    assert outside == []
