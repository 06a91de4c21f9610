"""The open API (/api/v1/): read-only JSON of published models and public statistics.

Django REST framework with drf-spectacular for the OpenAPI description; the Swagger UI assets
come from drf-spectacular-sidecar (served from static/, no CDN). The same filters as the public
list (filters.PublicFilterSet), the same fields as the open-data files (open_data.FIELDS), and
anonymous requests only, throttled per address through the shared cache.
"""
