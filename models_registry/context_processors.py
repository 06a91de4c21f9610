def notifications(request):
    """The unread count in the menu, read only when a template asks for it (from the shared
    cache while no notification of the user was written or read: services/notifications.py)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        from .services.notifications import unread_count

        return unread_count(user)

    return {"unread_notifications": count}
