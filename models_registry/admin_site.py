from django.contrib import admin

from .access import may_use_admin


# Outside the admin package: Django imports this while that package is still registering its admins.
class PortalAdminSite(admin.AdminSite):
    """The Django admin is for administrators (superusers) alone.

    The admin shows every province's data and has no notion of an area, so rather than scoping
    each of its pages, an account that was merely given `is_staff` is refused like anyone
    else: sent to the admin's sign-in page. Staff and leaders work in the portal's own pages.
    """

    def has_permission(self, request):
        return may_use_admin(request.user)
