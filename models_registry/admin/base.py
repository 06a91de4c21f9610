from django.contrib import admin


class PortalAdmin(admin.ModelAdmin):
    # Facet counts cost one COUNT per filter choice on every page, which hurts on
    # national-size tables, and their toggle is not translated into Vietnamese.
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
