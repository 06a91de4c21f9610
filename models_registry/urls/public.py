from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from ..views import maps, posters, public

urlpatterns = [
    path("", public.home, name="home"),
    path("mo-hinh/", public.registration_list, name="public-list"),
    path("mo-hinh/<int:pk>/", public.registration_detail, name="public-detail"),
    path("mo-hinh/<int:pk>/anh/<int:attachment_pk>/", public.photo, name="public-photo"),
    path("mo-hinh/<int:pk>/ap-phich.pdf", posters.poster, name="public-poster"),
    path("mo-hinh/du-lieu.csv", public.open_data_csv, name="public-data-csv"),
    path("mo-hinh/du-lieu.json", public.open_data_json, name="public-data-json"),
    path("mo-hinh/du-lieu-mo/", public.open_data_doc, name="public-data-doc"),
    path("ban-do/", maps.public_map, name="public-map"),
    path("ban-do/diem.geojson", maps.public_map_points, name="public-map-points"),
    path("robots.txt", public.robots_txt, name="public-robots"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": public.SITEMAPS, "sitemap_url_name": "public-sitemap-section"},
        name="public-sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": public.SITEMAPS},
        name="public-sitemap-section",
    ),
]
