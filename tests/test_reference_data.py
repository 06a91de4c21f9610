import pytest

from models_registry.models import CommendationForm, CriteriaSet, Criterion, UnitKind

pytestmark = pytest.mark.django_db


def test_every_unit_kind_has_criteria_in_force():
    for kind in UnitKind.objects.select_related("parent"):
        criteria_set = CriteriaSet.for_kind(kind, 2026)
        assert criteria_set is not None, kind.name
        assert criteria_set.criteria.exists(), kind.name


def test_sub_kinds_have_their_own_criteria_where_the_guidance_gives_them():
    for code in ("y-te", "truong-hoc", "van-hoa-the-thao", "cong-an", "quan-su", "pccc", "bien-phong"):
        kind = UnitKind.objects.get(code=code)
        assert CriteriaSet.for_kind(kind, 2026).unit_kind == kind


def test_ward_police_have_the_extra_criterion():
    extra = Criterion.objects.get(criteria_set__unit_kind__code="cong-an", applies_to="Công an phường")
    assert "tự quản" in extra.title


def test_sub_kind_label_names_its_kind_as_in_excel_files():
    assert UnitKind.objects.get(code="truong-hoc").label == "Đơn vị sự nghiệp / Trường học"


def test_usual_commendation_forms_exist_with_their_levels():
    forms = dict(CommendationForm.objects.values_list("name", "issuing_levels"))
    assert forms["Bằng khen"] == ["province"]
    assert "Giấy khen" in forms and "Tuyên dương" in forms
