from django.db import models
from django.utils.translation import gettext_lazy as _


def label_getter(attname, choices):
    """A `get_FOO_display` for a model class body.

    Django's own hashes every translated label of the field's choices on each call; list
    pages and exports call it for every row, where it was most of the rendering time.
    """

    def get_display(self):
        value = getattr(self, attname)
        try:
            return str(choices(value).label)
        except ValueError:
            return value

    return get_display


class Field(models.TextChoices):
    ECONOMY = "economy", _("Kinh tế")
    CULTURE_SOCIETY = "culture_society", _("Văn hóa - Xã hội")
    DEFENCE_SECURITY = "defence_security", _("Quốc phòng - An ninh")
    POLITICAL_SYSTEM = "political_system", _("Xây dựng hệ thống chính trị")


class Level(models.TextChoices):
    GRASSROOTS = "grassroots", _("Cơ sở")
    DISTRICT = "district", _("Huyện")
    PROVINCE = "province", _("Tỉnh")


class ExemplarKind(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class Status(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Đã gửi, chờ duyệt")
    RETURNED = "returned", _("Trả lại để sửa")
    ACCEPTED = "accepted", _("Đã duyệt")
    COMPLETED = "completed", _("Đã tổng kết")
    COMMENDED = "commended", _("Đã khen thưởng")
    WITHDRAWN = "withdrawn", _("Đã rút")


PUBLISHED_STATUSES = (Status.ACCEPTED, Status.COMPLETED, Status.COMMENDED)


class Outcome(models.TextChoices):
    ACHIEVED = "achieved", _("Đạt")
    NOT_ACHIEVED = "not_achieved", _("Không đạt")
    EXEMPLARY = "exemplary", _("Điển hình")


class ReviewKind(models.TextChoices):
    MID_YEAR = "mid_year", _("Sơ kết giữa năm")
    YEAR_END = "year_end", _("Tổng kết cuối năm")


class Role(models.TextChoices):
    UNIT = "unit", _("Tài khoản đơn vị")
    STAFF = "staff", _("Cán bộ Ban Dân vận")
    LEADER = "leader", _("Lãnh đạo (chỉ xem)")
