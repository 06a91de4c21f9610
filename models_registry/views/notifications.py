"""The signed-in user's inbox (/thong-bao/)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import Notification
from ..services import notifications


@login_required
def inbox(request):
    page = Paginator(Notification.objects.filter(user=request.user), 30).get_page(request.GET.get("trang"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
def open_notification(request, pk):
    """Mark one notification read and go where it points."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notifications.mark_read(request.user, [notification.pk])
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts={request.get_host()}):
        return redirect(notification.link)
    return redirect("notifications")


@require_POST
@login_required
def mark_all_read(request):
    count = notifications.mark_read(request.user)
    messages.success(request, _("Đã đánh dấu %(count)s thông báo là đã đọc.") % {"count": count})
    return redirect("notifications")


@require_POST
@login_required
def email_preference(request):
    request.user.notify_by_email = request.POST.get("notify_by_email") == "1"
    request.user.save(update_fields=["notify_by_email"])
    if request.user.notify_by_email:
        messages.success(request, _("Bạn sẽ nhận thông báo trong hộp thư và qua email."))
    else:
        messages.success(request, _("Bạn chỉ nhận thông báo trong hộp thư của cổng thông tin."))
    return redirect("notifications")
