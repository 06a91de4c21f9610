"""Believable demo data for one real province (Vĩnh Long, which since 2025 includes the
old Vĩnh Long, Bến Tre and Trà Vinh), built only by `quickstart`, never by a migration."""
import datetime
import random

from django.db import transaction
from django.utils import timezone

from .models import (
    Action,
    AdminArea,
    Commendation,
    CommendationForm,
    ExemplarKind,
    Field,
    Level,
    Outcome,
    Registration,
    RegistrationEvent,
    Review,
    ReviewKind,
    Role,
    Source,
    Status,
    Structure,
    Unit,
    UnitKind,
    User,
    YearPlan,
)
from .services import audit, commendations

DEMO_PASSWORD = "danvan-demo"
PROVINCE_CODE = "86"
COMMUNE_CODES = ["28903", "29110", "28756", "28870", "28984", "29182"]  # Mỏ Cày, Ba Tri, Phú Khương, …
COMMISSION = "Ban Tuyên giáo và Dân vận Tỉnh ủy Vĩnh Long"
LAST_LEGACY_YEAR = 2025

# (kind code, name pattern, level) for the units of every commune.
COMMUNE_UNITS = [
    ("to-chuc-dang", "Đảng ủy {c}", Level.GRASSROOTS),
    ("co-quan-nha-nuoc", "Ủy ban nhân dân {c}", Level.GRASSROOTS),
    ("mat-tran", "Ủy ban Mặt trận Tổ quốc Việt Nam {c}", Level.GRASSROOTS),
    ("doan-the", "Hội Liên hiệp Phụ nữ {c}", Level.GRASSROOTS),
    ("doan-the", "Đoàn Thanh niên Cộng sản Hồ Chí Minh {c}", Level.GRASSROOTS),
    ("doan-the", "Hội Nông dân {c}", Level.GRASSROOTS),
    ("doan-the", "Hội Cựu chiến binh {c}", Level.GRASSROOTS),
    ("cong-an", "Công an {c}", Level.GRASSROOTS),
    ("quan-su", "Ban Chỉ huy Quân sự {c}", Level.GRASSROOTS),
    ("truong-hoc", "Trường Tiểu học {n}", Level.GRASSROOTS),
    ("y-te", "Trạm Y tế {c}", Level.GRASSROOTS),
    ("van-hoa-the-thao", "Trung tâm Văn hóa - Thể thao {c}", Level.GRASSROOTS),
]
PROVINCE_UNITS = [
    ("bien-phong", "Đồn Biên phòng Cửa Đại", Level.PROVINCE),
    ("pccc", "Phòng Cảnh sát PCCC và CNCH Công an tỉnh", Level.PROVINCE),
    ("doanh-nghiep", "Công ty Cổ phần Dừa Bến Tre Xanh", Level.PROVINCE),
    ("co-quan-nha-nuoc", "Sở Nông nghiệp và Môi trường tỉnh Vĩnh Long", Level.PROVINCE),
    ("don-vi-su-nghiep", "Bệnh viện Đa khoa tỉnh Vĩnh Long", Level.PROVINCE),
]

MODEL_NAMES = {
    Field.ECONOMY: [
        "Tổ hợp tác sản xuất lúa giống chất lượng cao",
        "Vận động hộ nghèo nuôi bò sinh sản luân chuyển",
        "Chi hội phụ nữ tiết kiệm giúp nhau thoát nghèo",
        "Liên kết trồng dừa hữu cơ cho thành viên hợp tác xã",
        "Nông dân giúp nhau chuyển đổi cây trồng thích ứng hạn mặn",
        "Quỹ xoay vòng vốn cho đoàn viên khởi nghiệp",
    ],
    Field.CULTURE_SOCIETY: [
        "Tủ quần áo yêu thương",
        "Hiến đất mở rộng đường giao thông nông thôn",
        "Bữa cơm nghĩa tình cho bệnh nhân nghèo",
        "Thắp sáng đường quê",
        "Trường học xanh - sạch - đẹp - an toàn",
        "Cây cầu nông thôn do dân góp sức",
        "Mái ấm tình thương cho hộ nghèo",
        "Khám bệnh, cấp thuốc miễn phí tại ấp",
    ],
    Field.DEFENCE_SECURITY: [
        "Ấp không có tội phạm và tệ nạn xã hội",
        "Tổ tự quản an ninh trật tự bến đò",
        "Camera an ninh do dân cùng làm",
        "Dân quân giúp dân thu hoạch mùa vụ",
        "Tuyên truyền chủ quyền biển đảo cho ngư dân",
    ],
    Field.POLITICAL_SYSTEM: [
        "Một cửa thân thiện, không hẹn lần hai",
        "Bí thư chi bộ đối thoại với dân mỗi tháng",
        "Đảng viên phụ trách hộ gia đình",
        "Cán bộ lắng nghe dân nói, nói dân hiểu, làm dân tin",
    ],
}
PEOPLE = [
    ("Nguyễn Thị Hồng", "Chi hội trưởng Phụ nữ ấp"),
    ("Trần Văn Bảy", "Trưởng ấp"),
    ("Lê Thị Mai", "Giáo viên"),
    ("Phạm Văn Tư", "Công an viên"),
    ("Huỳnh Văn Năm", "Bí thư chi bộ"),
]


def demo_exists():
    return User.objects.filter(username="canbo.tinh").exists()


@transaction.atomic
def create_demo_data(seed=2026):
    """Create the demo province's units, registrations and accounts. Does nothing if they exist."""
    if demo_exists():
        return False
    rng = random.Random(seed)
    province = AdminArea.objects.get(structure=Structure.CURRENT, code=PROVINCE_CODE)
    province.commission_name = COMMISSION
    province.save(update_fields=["commission_name"])
    communes = list(AdminArea.objects.filter(structure=Structure.CURRENT, code__in=COMMUNE_CODES).order_by("code"))
    old_commune = {
        commune.pk: AdminArea.objects.filter(structure=Structure.LEGACY, level="commune", current_commune=commune)
        .order_by("code")
        .first()
        for commune in communes
    }
    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    units = _create_units(communes, province, kinds)
    accounts = _create_accounts(province, communes, units)
    old_province = AdminArea.objects.get(structure=Structure.LEGACY, code="83")  # Bến Tre, before 2025
    registrations = _create_registrations(rng, units, old_commune, old_province, accounts)
    _create_round(rng, accounts, communes[0])
    _create_plan(province, accounts["canbo.tinh"])
    return len(registrations)


def _create_units(communes, province, kinds):
    units = []
    for commune in communes:
        short = commune.name.split(" ", 1)[1]
        for i, (kind, pattern, level) in enumerate(COMMUNE_UNITS, start=1):
            # Inside a unit's name the commune is written "xã Mỏ Cày", "phường Phú Khương".
            in_name = commune.name[0].lower() + commune.name[1:]
            units.append(Unit(code=f"{commune.code}-{i:02d}", name=pattern.format(c=in_name, n=short),
                              kind=kinds[kind], area=commune, level=level))
    for i, (kind, name, level) in enumerate(PROVINCE_UNITS, start=1):
        units.append(Unit(code=f"{PROVINCE_CODE}-T{i:02d}", name=name, kind=kinds[kind], area=province, level=level))
    Unit.objects.bulk_create(units)
    return list(Unit.objects.filter(code__in=[u.code for u in units]).select_related("area", "kind"))


def _create_accounts(province, communes, units):
    by_code = {unit.code: unit for unit in units}
    specs = [
        ("admin", {"is_superuser": True, "is_staff": True, "first_name": "Quản trị", "last_name": "hệ thống"}),
        ("canbo.tinh", {"role": Role.STAFF, "area": province, "first_name": "Võ Thị", "last_name": "Thu"}),
        ("canbo.xa", {"role": Role.STAFF, "area": communes[0], "first_name": "Đặng Văn", "last_name": "Lợi"}),
        ("lanhdao", {"role": Role.LEADER, "area": province, "first_name": "Nguyễn Văn", "last_name": "Hòa"}),
        ("donvi.a", {"role": Role.UNIT, "unit": by_code[f"{communes[0].code}-04"], "first_name": "Lê Thị",
                     "last_name": "Cẩm"}),
        ("donvi.b", {"role": Role.UNIT, "unit": by_code[f"{communes[1].code}-06"], "first_name": "Trương Văn",
                     "last_name": "Tâm"}),
    ]
    accounts = {}
    for username, fields in specs:
        user, _ = User.objects.get_or_create(username=username, defaults=fields)
        user.set_password(DEMO_PASSWORD)
        user.save()
        accounts[username] = user
    return accounts


def _status_for(rng, year, current_year):
    if year >= current_year:
        return rng.choices(
            [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED], weights=[2, 3, 1, 4]
        )[0], ""
    status = rng.choices([Status.COMPLETED, Status.ACCEPTED, Status.WITHDRAWN], weights=[17, 2, 1])[0]
    if status != Status.COMPLETED:
        return status, ""
    outcome = rng.choices([Outcome.ACHIEVED, Outcome.EXEMPLARY, Outcome.NOT_ACHIEVED], weights=[12, 5, 3])[0]
    if outcome == Outcome.EXEMPLARY and rng.random() < 0.6:
        return Status.COMMENDED, outcome
    return status, outcome


def _field_for(rng, unit):
    if unit.kind.code in ("cong-an", "quan-su", "bien-phong", "pccc"):
        return rng.choices(list(Field), weights=[1, 2, 8, 1])[0]
    if unit.kind.code == "to-chuc-dang":
        return rng.choices(list(Field), weights=[1, 2, 1, 5])[0]
    return rng.choices(list(Field), weights=[4, 5, 1, 2])[0]


def _figures(rng, field):
    money = rng.randrange(0, 400) * 1_000_000 if field != Field.POLITICAL_SYSTEM else 0
    return {
        "participants": rng.randrange(20, 1500),
        "beneficiaries": rng.randrange(10, 3000),
        "money_mobilised": money,
        "land_donated_m2": rng.choice([0, 0, 0, rng.randrange(50, 2500)]),
        "work_days": rng.randrange(0, 900),
        "houses": rng.choice([0, 0, 1, 2, 3, 5]),
        "households_out_of_poverty": rng.choice([0, 0, 1, 2, 4, 7]) if field == Field.ECONOMY else 0,
    }


def _texts(name, unit):
    return {
        "situation": f"Trên địa bàn còn nhiều khó khăn; {unit.name} chọn xây dựng mô hình “{name}” để vận động "
                     "nhân dân cùng tham gia giải quyết.",
        "objectives": f"Vận động đoàn viên, hội viên và nhân dân cùng thực hiện mô hình “Dân vận khéo” “{name}”, "
                      "nâng cao đời sống, "
                      "củng cố niềm tin của nhân dân.",
        "content": "Khảo sát nhu cầu của dân; họp dân bàn bạc công khai; phân công cán bộ, đảng viên phụ trách "
                   "từng nhóm hộ; sơ kết định kỳ và biểu dương cách làm hay.",
        "target_group": "Hộ dân trên địa bàn, ưu tiên hộ nghèo, cận nghèo và gia đình chính sách",
        "target_area": "Các ấp trên địa bàn",
        "lead_force": unit.name,
        "partners": "Ủy ban Mặt trận Tổ quốc, các đoàn thể, ban nhân dân ấp",
        "resources": "Kinh phí xã hội hóa, ngày công của nhân dân, hỗ trợ của doanh nghiệp",
        "expected_results": "100% hộ được tuyên truyền; ít nhất 80% hộ tham gia; không phát sinh khiếu kiện.",
        "sustainability": "Đưa vào quy ước ấp; giao chi hội duy trì; giới thiệu cho các đơn vị bạn học tập.",
        "success_indicators": "Tỷ lệ hộ tham gia ≥ 80%\nSố hộ được hỗ trợ tăng so với năm trước\nKhông có đơn thư vượt cấp",
        "results": "Mô hình được nhân dân đồng tình hưởng ứng, nhiều hộ nghèo được hỗ trợ, tình làng nghĩa xóm "
                   "gắn bó hơn.",
    }


def _create_registrations(rng, units, old_commune, old_province, accounts):
    current_year = datetime.date.today().year
    forms = {form.code: form for form in CommendationForm.objects.all()}
    staff = accounts["canbo.tinh"]
    unit_account = {account.unit_id: account for account in accounts.values() if account.unit_id}
    created, events, reviews, commendations = [], [], [], []
    by_name = {}
    previous = {}
    for year in range(2019, current_year + 1):
        for unit in units:
            if rng.random() > 0.6:
                continue
            earlier = previous.get(unit.pk)
            if earlier is not None and rng.random() < 0.55:
                name, field, continues = earlier.name, earlier.field, earlier
            else:
                field = _field_for(rng, unit)
                name, continues = rng.choice(MODEL_NAMES[field]), None
                if earlier is not None and earlier.name == name:
                    continue
            replicated = None if continues or rng.random() < 0.6 else next(
                (r for r in by_name.get(name, []) if r.unit_id != unit.pk and r.year < year), None
            )
            status, outcome = _status_for(rng, year, current_year)
            if year <= LAST_LEGACY_YEAR:
                area = old_commune.get(unit.area_id) or old_province
            else:
                area = unit.area
            individual = rng.random() < 0.1
            person = rng.choice(PEOPLE) if individual else ("", "")
            registration = Registration(
                unit=unit, year=year, name=name, field=field, area=area, unit_kind=unit.kind,
                # Districts went with the 2025 reform: "Huyện" only for the years before it.
                level=unit.level if unit.level != Level.GRASSROOTS or rng.random() < 0.9 or year > LAST_LEGACY_YEAR
                else Level.DISTRICT,
                exemplar_kind=ExemplarKind.INDIVIDUAL if individual else ExemplarKind.COLLECTIVE,
                person_name=person[0], person_position=person[1],
                is_new=continues is None, continues=continues, replicates=replicated,
                status=status, outcome=outcome,
                return_reason="Đề nghị bổ sung tiêu chí đánh giá đo được." if status == Status.RETURNED else "",
                start_date=datetime.date(year, rng.randint(1, 3), rng.randint(1, 28)),
                evaluation_date=datetime.date(year, 11, 30),
                **_texts(name, unit), **_figures(rng, field),
            )
            registration.fill_derived()
            created.append(registration)
            by_name.setdefault(name, []).append(registration)
            previous[unit.pk] = registration
        # Saved year by year so next year's rows can link to this year's.
        Registration.objects.bulk_create([r for r in created if r.pk is None])
    for registration in created:
        events.extend(_history(registration, unit_account.get(registration.unit_id), staff))
        if registration.status in (Status.COMPLETED, Status.COMMENDED):
            reviews.append(Review(registration=registration, kind=ReviewKind.MID_YEAR, reviewer=staff,
                                  review_date=datetime.date(registration.year, 6, 20),
                                  summary="Triển khai đúng kế hoạch, nhân dân đồng tình."))
            reviews.append(Review(registration=registration, kind=ReviewKind.YEAR_END, reviewer=staff,
                                  review_date=datetime.date(registration.year, 11, 25), outcome=registration.outcome,
                                  summary="Hoàn thành các chỉ tiêu đề ra."))
        if registration.status == Status.COMMENDED:
            province_level = registration.level == Level.PROVINCE
            commendations.append(Commendation(
                registration=registration, form=forms["bang-khen" if province_level else "giay-khen"],
                level=Level.PROVINCE if province_level else Level.DISTRICT,
                recipient_name=registration.person_name,
                authority="Ủy ban nhân dân tỉnh" if province_level else "Ủy ban nhân dân huyện",
                decision_number=f"{rng.randint(100, 999)}/QĐ-UBND",
                decision_date=datetime.date(registration.year, 10, rng.randint(8, 15)),
            ))
    RegistrationEvent.objects.bulk_create(events)
    _date_history(events)
    Review.objects.bulk_create(reviews)
    Commendation.objects.bulk_create(commendations)
    return created


def _history(registration, unit_user, staff):
    steps = [(Action.CREATED, "", Status.DRAFT, unit_user, "")]
    if registration.status == Status.DRAFT:
        return _events(registration, steps)
    steps.append((Action.SUBMITTED, Status.DRAFT, Status.SUBMITTED, unit_user, ""))
    if registration.status == Status.RETURNED:
        steps.append((Action.RETURNED, Status.SUBMITTED, Status.RETURNED, staff, registration.return_reason))
    if registration.status in (Status.SUBMITTED, Status.RETURNED):
        return _events(registration, steps)
    steps.append((Action.ACCEPTED, Status.SUBMITTED, Status.ACCEPTED, staff, ""))
    if registration.status in (Status.COMPLETED, Status.COMMENDED):
        steps.append((Action.COMPLETED, Status.ACCEPTED, Status.COMPLETED, staff, ""))
    if registration.status == Status.COMMENDED:
        steps.append((Action.COMMENDED, Status.COMPLETED, Status.COMMENDED, staff, ""))
    if registration.status == Status.WITHDRAWN:
        steps.append((Action.WITHDRAWN, Status.ACCEPTED, Status.WITHDRAWN, unit_user, "Đơn vị xin rút do sáp nhập."))
    return _events(registration, steps)


# Days after the model's start date at which each step of its history happened, so that the year
# plan's timeliness and the same-day comparisons read as on a portal used through the year.
STEP_DAYS = {Action.CREATED: -7, Action.SUBMITTED: 0, Action.RETURNED: 9, Action.ACCEPTED: 12,
             Action.WITHDRAWN: 60}
STEP_DATES = {Action.COMPLETED: (11, 25), Action.COMMENDED: (10, 15)}


def _date_history(events):
    now = timezone.now()
    for event in events:
        registration = event.registration
        if event.action in STEP_DATES:
            month, day = STEP_DATES[event.action]
            day = datetime.date(registration.year, month, day)
        else:
            day = registration.start_date + datetime.timedelta(days=STEP_DAYS.get(event.action, 0))
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
        event.at = min(at, now)
    RegistrationEvent.objects.bulk_update(events, ["at"], batch_size=500)


def _create_plan(province, staff):
    """This year's plan, as a province announces it in the first weeks of the year."""
    year = datetime.date.today().year
    YearPlan.objects.create(
        area=province, year=year, registration_opens=datetime.date(year, 1, 5),
        registration_closes=datetime.date(year, 3, 31), mid_year_review_due=datetime.date(year, 6, 30),
        year_end_review_due=datetime.date(year, 11, 30), results_due=datetime.date(year, 12, 15),
        note="Hướng dẫn số 05-HD/BTGDVTU", updated_by=staff,
    )


def _events(registration, steps):
    return [
        RegistrationEvent(**audit.event_fields(registration, action, actor=actor, source=Source.SYSTEM,
                                               from_status=from_status, to_status=to_status, reason=reason))
        for action, from_status, to_status, actor, reason in steps
    ]


def _create_round(rng, accounts, commune):
    """This year's province round, with proposals from the first commune waiting, commended and declined,
    made through the services so their history reads as on a real portal."""
    today = timezone.localdate()
    province_staff, commune_staff = accounts["canbo.tinh"], accounts["canbo.xa"]
    commendation_round = commendations.create_round(
        province_staff, name=f"Xét khen thưởng điển hình “Dân vận khéo” năm {today.year}",
        year_from=today.year - 1, year_to=today.year,
        opens_on=today - datetime.timedelta(days=20), closes_on=today + datetime.timedelta(days=25),
    )
    candidates = list(
        Registration.objects.for_user(commune_staff)
        .filter(status__in=(Status.ACCEPTED, Status.COMPLETED), year__gte=today.year - 1)
        .order_by("-outcome", "pk")[:4]
    )
    proposals = []
    for registration in candidates:
        present = rng.randint(12, 25)
        proposals.append(commendations.propose(
            commune_staff, commendation_round, registration,
            justification=f"{registration.unit.name} thực hiện hiệu quả mô hình “{registration.name}”, "
                          "được nhân dân đồng tình hưởng ứng.",
            votes_present=present, votes_for=present - 1, votes_against=1,
            vote_date=today - datetime.timedelta(days=10),
            reason_without_exemplary="" if commendations.has_exemplary_year_end(registration)
            else "Mô hình đang thực hiện, kết quả nổi bật trong năm.",
        ))
    if len(proposals) >= 3:
        form = commendations.forms_for_level(commendation_round.level)[0]
        commendations.accept(province_staff, proposals[0], form=form, decision_number="215/QĐ-BTGDVTU",
                             decision_date=today - datetime.timedelta(days=2), authority=COMMISSION)
        commendations.decline(province_staff, proposals[1],
                              note="Chưa đủ thời gian thực hiện để đánh giá hiệu quả; xét lại đợt sau.")
    return proposals
