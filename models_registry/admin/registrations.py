from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from ..models import (
    Action,
    Attachment,
    ImportBatch,
    Registration,
    RegistrationEvent,
    Review,
    Source,
    YearClosure,
)
from ..resources import RegistrationResource
from ..services import audit
from .base import PortalAdmin
from .filters import CurrentProvinceFilter

TRACKED_FIELDS = [
    f.name for f in Registration._meta.concrete_fields
    if f.editable and f.name not in ("id", "search_text", "created_at", "updated_at")
]


class EvidenceFileMixin:
    """Evidence is uploaded through the portal, which checks each file's content; the admin
    opens it through the portal's scoped view, since /media/ is never served."""

    @admin.display(description=_("tệp"))
    def download(self, attachment):
        return format_html('<a href="{}">{}</a>', reverse("staff_attachment", args=[attachment.pk]),
                           attachment.original_name)

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(EvidenceFileMixin, admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["download", "content_type", "size", "caption", "is_public"]
    readonly_fields = ["download", "content_type", "size"]


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    fields = ["kind", "review_date", "outcome", "summary", "reviewer"]
    autocomplete_fields = ["reviewer"]


class EventInline(admin.TabularInline):
    """The history, read-only: it is written by the code that makes each change."""

    model = RegistrationEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "action", "from_status", "to_status", "reason", "changes", "source"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Registration)
class RegistrationAdmin(ExportMixin, PortalAdmin):
    resource_classes = [RegistrationResource]
    list_display = ["name", "unit", "year", "field", "level", "exemplar_kind", "status", "outcome"]
    list_filter = ["year", "field", "level", "status", "outcome", "exemplar_kind", "is_new", "unit_kind",
                   CurrentProvinceFilter]
    search_fields = ["name", "unit__name", "unit__code", "person_name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit", "continues", "replicates", "area", "unit_kind"]
    readonly_fields = ["import_batch", "version", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [AttachmentInline, ReviewInline, EventInline]
    list_per_page = 50

    def save_model(self, request, obj, form, change):
        before = Registration.objects.get(pk=obj.pk) if change else None
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
        if before is None:
            audit.record(obj, Action.CREATED, actor=request.user, source=Source.ADMIN, to_status=obj.status)
            return
        changes = audit.changed_fields(before, obj, TRACKED_FIELDS)
        if changes:
            audit.record(
                obj, Action.EDITED, actor=request.user, source=Source.ADMIN, from_status=before.status,
                to_status=obj.status if before.status != obj.status else "", changes=changes,
            )


@admin.register(Review)
class ReviewAdmin(PortalAdmin):
    list_display = ["registration", "kind", "review_date", "outcome", "reviewer"]
    list_filter = ["kind", "outcome"]
    list_select_related = ["registration", "reviewer"]
    search_fields = ["registration__name"]
    autocomplete_fields = ["registration", "reviewer"]
    date_hierarchy = "review_date"


@admin.register(YearClosure)
class YearClosureAdmin(PortalAdmin):
    list_display = ["area", "year", "closed_by", "closed_at"]
    list_filter = ["year"]
    list_select_related = ["area", "closed_by"]
    autocomplete_fields = ["area"]
    date_hierarchy = "closed_at"


@admin.register(Attachment)
class AttachmentAdmin(EvidenceFileMixin, PortalAdmin):
    fields = ["registration", "download", "content_type", "size", "caption", "is_public", "uploaded_by", "uploaded_at"]
    readonly_fields = ["registration", "download", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_display = ["original_name", "registration", "content_type", "size", "is_public", "uploaded_at"]
    list_filter = ["is_public", "content_type"]
    list_select_related = ["registration"]
    search_fields = ["original_name", "caption", "registration__name"]
    date_hierarchy = "uploaded_at"


class ReadOnlyAdmin(PortalAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegistrationEvent)
class RegistrationEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "registration", "action", "actor", "from_status", "to_status", "source"]
    list_filter = ["action", "source"]
    list_select_related = ["registration", "actor"]
    search_fields = ["registration__name", "reason"]
    date_hierarchy = "at"


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "kind", "row_count", "created_count", "created_by", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["created_by"]
    search_fields = ["file_name"]
    date_hierarchy = "created_at"
