"""Unit kinds, their criteria sets (condensed from the district guidance, section II)
and the usual forms of commendation: reference data every database needs."""
from django.db import migrations

KINDS = [
    # code, name, parent code
    ("to-chuc-dang", "Tổ chức Đảng", None),
    ("co-quan-nha-nuoc", "Cơ quan Nhà nước", None),
    ("don-vi-su-nghiep", "Đơn vị sự nghiệp", None),
    ("y-te", "Y tế", "don-vi-su-nghiep"),
    ("van-hoa-the-thao", "Văn hóa - Thể thao", "don-vi-su-nghiep"),
    ("truong-hoc", "Trường học", "don-vi-su-nghiep"),
    ("mat-tran", "Mặt trận Tổ quốc", None),
    ("doan-the", "Đoàn thể chính trị - xã hội", None),
    ("luc-luong-vu-trang", "Lực lượng vũ trang", None),
    ("quan-su", "Quân sự", "luc-luong-vu-trang"),
    ("cong-an", "Công an", "luc-luong-vu-trang"),
    ("pccc", "Phòng cháy chữa cháy", "luc-luong-vu-trang"),
    ("bien-phong", "Biên phòng", "luc-luong-vu-trang"),
    ("doanh-nghiep", "Doanh nghiệp", None),
]

SOURCE = "Hướng dẫn tiêu chí điển hình “Dân vận khéo”, mục II.A"

CRITERIA = {
    "to-chuc-dang": ("Tiêu chí tập thể điển hình – tổ chức Đảng", [
        ("Lãnh đạo tuyên truyền, vận động nhân dân",
         "Lãnh đạo vận động cán bộ, đảng viên và nhân dân thực hiện chủ trương của Đảng, pháp luật của Nhà nước; "
         "xây dựng, thực hiện Quy chế công tác dân vận; phân công đảng viên phụ trách vận động nhân dân ở cơ sở; "
         "mỗi năm có ít nhất một mô hình mới hoặc củng cố ít nhất hai mô hình đã có.", ""),
        ("Nắm tình hình, giải quyết kịp thời bức xúc của dân",
         "Chính quyền, Mặt trận và đoàn thể phối hợp nắm chắc tình hình nhân dân, giải quyết hoặc kiến nghị kịp thời; "
         "không để xảy ra điểm nóng, khiếu kiện đông người.", ""),
        ("Thực hiện dân chủ ở cơ sở, huy động nguồn lực",
         "Thực hiện tốt dân chủ trực tiếp; huy động nguồn lực chăm lo đời sống vật chất, văn hóa của nhân dân; "
         "chỉ đạo Mặt trận, đoàn thể giám sát hoạt động của chính quyền và cán bộ.", ""),
        ("Các tổ chức chính trị - xã hội vững mạnh",
         "Lãnh đạo các tổ chức chính trị - xã hội hoạt động hiệu quả, đạt xuất sắc, vững mạnh và có đăng ký công trình "
         "dân vận khéo.", ""),
        ("Vận động xây dựng, phát triển địa phương",
         "Lãnh đạo hệ thống chính trị vận động nhân dân tham gia các công trình “Nhà nước và nhân dân cùng làm”.",
         "Đảng bộ phường"),
    ]),
    "co-quan-nha-nuoc": ("Tiêu chí tập thể điển hình – cơ quan Nhà nước", [
        ("Bồi dưỡng chuyên môn, kỹ năng và đạo đức công vụ",
         "Thủ trưởng bồi dưỡng cán bộ, công chức về nghiệp vụ, kỹ năng giao tiếp với dân và phẩm chất; lấy ý kiến "
         "nhận xét của nhân dân về thái độ, trách nhiệm thực thi công vụ.", ""),
        ("Phục vụ nhân dân, không gây phiền hà",
         "Giải quyết hồ sơ kịp thời, đúng quy định, không nhũng nhiễu, không yêu cầu bổ sung hồ sơ quá một lần; "
         "đúng quy trình tiếp xúc, hướng dẫn hồ sơ.", ""),
        ("Dân chủ, công khai, tiếp dân và giải quyết khiếu nại",
         "Công khai quy định về trách nhiệm, thái độ phục vụ để dân giám sát; tiếp công dân đầy đủ; đối thoại và "
         "giải quyết kịp thời đơn thư, kiến nghị chính đáng.", ""),
    ]),
    "don-vi-su-nghiep": ("Tiêu chí tập thể điển hình – đơn vị sự nghiệp công lập", [
        ("Thực hiện quy chế dân chủ",
         "Thực hiện tốt quy chế dân chủ của ngành và của đơn vị; công khai, minh bạch trong hoạt động.", ""),
        ("Tận tình phục vụ nhân dân",
         "Cán bộ, viên chức nêu cao trách nhiệm phục vụ, thái độ niềm nở, không gây phiền hà cho người dân.", ""),
    ]),
    "y-te": ("Tiêu chí tập thể điển hình – cơ sở y tế", [
        ("Thực hiện quy chế dân chủ ngành y tế",
         "Thực hiện tốt Quy chế dân chủ của Bộ Y tế và của đơn vị.", ""),
        ("Tận tình với người bệnh",
         "Niềm nở, tận tình với người bệnh; quan tâm người bệnh thuộc diện chính sách; không phân biệt đối xử, "
         "không ban ơn, không lạm dụng nghề nghiệp; cấp cứu khẩn trương, không đùn đẩy.", ""),
    ]),
    "van-hoa-the-thao": ("Tiêu chí tập thể điển hình – trung tâm văn hóa, thể dục thể thao", [
        ("Hoạt động văn hóa, thể thao phục vụ nhân dân",
         "Tổ chức tốt các hoạt động văn hóa, văn nghệ, thể dục thể thao phục vụ nhân dân.", ""),
        ("Vận động phong trào quần chúng",
         "Vận động nhân dân tham gia văn nghệ quần chúng, rèn luyện thân thể; xây dựng mô hình hoạt động nổi bật "
         "ở cơ sở.", ""),
    ]),
    "truong-hoc": ("Tiêu chí tập thể điển hình – trường học", [
        ("Dân chủ, công khai các khoản thu",
         "Thực hiện quy chế dân chủ của ngành giáo dục và của trường; công khai, sử dụng đúng mục đích các khoản "
         "phụ huynh đóng góp.", ""),
        ("Chất lượng giáo dục, trường học an toàn",
         "Bảo đảm chất lượng giáo dục, sáng tạo trong phong trào thi đua; không để xảy ra bạo lực học đường; "
         "vận động cha mẹ học sinh cùng rèn kỹ năng sống; xây dựng trường, lớp xanh, sạch, đẹp, an toàn.", ""),
    ]),
    "mat-tran": ("Tiêu chí tập thể điển hình – Ủy ban Mặt trận Tổ quốc", [
        ("Tập hợp, tạo đồng thuận trong nhân dân",
         "Tuyên truyền, vận động được sự đồng thuận cao của nhân dân; phối hợp thực hiện nhiệm vụ kinh tế - xã hội; "
         "thực hiện chương trình phối hợp giữa các tổ chức thành viên.", ""),
        ("Nắm bắt dư luận, kiến nghị giải quyết bức xúc",
         "Chủ động nắm tình hình, dư luận; kịp thời kiến nghị cấp ủy, chính quyền giải quyết; không để xảy ra "
         "điểm nóng, tụ tập đông người.", ""),
        ("Giám sát và phản biện xã hội",
         "Giám sát xã hội có hiệu quả, góp phần xây dựng Đảng, chính quyền; đi đầu trong phong trào thi đua yêu nước.", ""),
        ("Công tác đối ngoại nhân dân",
         "Vận động người Việt Nam ở nước ngoài giữ gìn bản sắc và hướng về quê hương.", ""),
        ("Thực hiện các cuộc vận động của Mặt trận cấp trên",
         "Thực hiện tốt các cuộc vận động, phong trào do Mặt trận Tổ quốc cấp trên phát động.", ""),
    ]),
    "doan-the": ("Tiêu chí tập thể điển hình – đoàn thể chính trị - xã hội, hội quần chúng", [
        ("Vận động hội viên thực hiện phong trào thi đua",
         "Tuyên truyền, vận động đoàn viên, hội viên tích cực tham gia phong trào thi đua, nhiệm vụ kinh tế - xã hội "
         "và cuộc vận động “Người Việt Nam ưu tiên dùng hàng Việt Nam”.", ""),
        ("Nắm tình hình, kiến nghị giải quyết",
         "Nắm chắc tình hình, nhất là vụ việc khó khăn, cấp thiết; kịp thời đề xuất giải quyết, tạo đồng thuận.", ""),
        ("Phát triển hội viên sáng tạo",
         "Có cách làm sáng tạo trong tập hợp, phát triển hội viên, kể cả đối tượng khó tập hợp như người sau cai "
         "nghiện, người lầm lỗi trở về địa phương.", ""),
        ("Tham gia xây dựng Đảng, chính quyền",
         "Tham gia xây dựng Đảng, chính quyền hiệu quả; nội bộ đoàn kết; đấu tranh phòng, chống tham nhũng, lãng phí.", ""),
    ]),
    "luc-luong-vu-trang": ("Tiêu chí tập thể điển hình – lực lượng vũ trang", [
        ("Giáo dục cán bộ, chiến sĩ về công tác dân vận",
         "Thường xuyên giáo dục vị trí, vai trò công tác dân vận; kính trọng, lễ phép với nhân dân, không gây "
         "phiền hà, nhũng nhiễu.", ""),
        ("Làm tốt công tác dân vận nơi đóng quân",
         "Phối hợp với cấp ủy, chính quyền, Mặt trận và đoàn thể vận động nhân dân nơi đóng quân.", ""),
    ]),
    "quan-su": ("Tiêu chí tập thể điển hình – cơ quan quân sự", [
        ("Vận động nhân dân xây dựng và bảo vệ Tổ quốc",
         "Tham mưu thực hiện nghị quyết liên tịch, chương trình phối hợp với đoàn thể; nâng cao chất lượng dân quân "
         "tự vệ.", ""),
        ("Chính sách hậu phương quân đội, tuyển quân minh bạch",
         "Thực hiện tốt chính sách hậu phương quân đội; tuyển chọn, gọi công dân nhập ngũ công khai, minh bạch; "
         "động viên lực lượng dự bị; làm tốt dân vận nơi đóng quân.", ""),
    ]),
    "cong-an": ("Tiêu chí tập thể điển hình – cơ quan công an", [
        ("Phong trào toàn dân bảo vệ an ninh Tổ quốc",
         "Thực hiện chương trình phối hợp với đoàn thể; vận động nhân dân phòng, chống tội phạm, tệ nạn, cháy nổ, "
         "bảo đảm an toàn giao thông; làm tốt dân vận nơi đóng quân.", ""),
        ("Cải tiến thủ tục, giải quyết việc của dân đúng hẹn",
         "Có sáng kiến cải tiến thủ tục hành chính; công khai thủ tục; giải quyết đúng pháp luật, đúng hẹn; trả lời "
         "kịp thời phản ánh, kiến nghị của nhân dân.", ""),
        ("Cán bộ, chiến sĩ kính trọng, lễ phép với nhân dân",
         "Giáo dục cán bộ, chiến sĩ về công tác dân vận; không gây phiền hà; không có cán bộ, chiến sĩ vi phạm "
         "bị kỷ luật.", ""),
        ("Xây dựng tổ, nhóm tự quản về an ninh trật tự",
         "Vận động nhân dân xây dựng tổ, nhóm tự quản; mỗi năm có ít nhất một mô hình mới hoặc củng cố hai mô hình "
         "đã có; kéo giảm tội phạm, tệ nạn; quản lý, giáo dục người lầm lỗi; không phát sinh người nghiện mới.",
         "Công an phường"),
    ]),
    "pccc": ("Tiêu chí tập thể điển hình – cảnh sát phòng cháy, chữa cháy", [
        ("Vận động toàn dân phòng cháy, chữa cháy",
         "Phối hợp tuyên truyền, vận động nhân dân nâng cao nhận thức phòng cháy, chữa cháy, cứu nạn, cứu hộ; có "
         "mô hình phòng cháy hiệu quả; chủ động cứu hộ khi thiên tai.", ""),
        ("Cán bộ, chiến sĩ lễ phép, không phiền hà",
         "Giáo dục cán bộ, chiến sĩ về công tác dân vận; kính trọng, lễ phép với nhân dân.", ""),
    ]),
    "bien-phong": ("Tiêu chí tập thể điển hình – bộ đội biên phòng", [
        ("Gắn bó, phối hợp với địa phương",
         "Vận động quần chúng, tuyên truyền về biển đảo nơi đóng quân; đối ngoại nhân dân; phát huy vai trò nhân "
         "dân đấu tranh phòng, chống tội phạm, buôn lậu.", ""),
        ("Ứng xử văn hóa, khéo léo với dân",
         "Giáo dục cán bộ, chiến sĩ ứng xử có văn hóa, lễ phép, hướng dẫn rõ ràng, nhanh chóng, không gây phiền hà.", ""),
    ]),
    "doanh-nghiep": ("Tiêu chí tập thể điển hình – doanh nghiệp", [
        ("Giải quyết kịp thời quyền lợi người lao động",
         "Nắm chắc tình hình công nhân; giải quyết kịp thời bức xúc về lương, thưởng, thời gian làm việc; không để "
         "xảy ra đình công, tranh chấp lao động tập thể.", ""),
        ("Chấp hành pháp luật kinh doanh và lao động",
         "Chấp hành pháp luật về kinh doanh, thuế; không nợ lương, nợ bảo hiểm xã hội; không bị xử phạt về vi phạm "
         "pháp luật lao động.", ""),
        ("Dân chủ ở cơ sở, quan hệ lao động hài hòa",
         "Thực hiện quy chế dân chủ thực chất; đối thoại với người lao động; xây dựng quan hệ lao động hài hòa, "
         "tiến bộ.", ""),
        ("Nâng cao tay nghề, năng suất lao động",
         "Vận động người lao động tăng năng suất; tạo điều kiện học tập, nâng cao tay nghề; thi tay nghề hằng năm "
         "để nâng lương, nâng bậc.", ""),
        ("Tạo điều kiện cho tổ chức chính trị hoạt động",
         "Tạo điều kiện cho chi bộ, công đoàn, đoàn thanh niên, hội cựu chiến binh hoạt động hiệu quả.", ""),
    ]),
}

COMMENDATION_FORMS = [
    ("tuyen-duong", "Tuyên dương", ["grassroots", "district", "province"], 1),
    ("giay-khen", "Giấy khen", ["grassroots", "district"], 2),
    ("bang-khen", "Bằng khen", ["province"], 3),
]


def load(apps, schema_editor):
    UnitKind = apps.get_model("models_registry", "UnitKind")
    CriteriaSet = apps.get_model("models_registry", "CriteriaSet")
    Criterion = apps.get_model("models_registry", "Criterion")
    CommendationForm = apps.get_model("models_registry", "CommendationForm")
    kinds = {}
    for order, (code, name, parent) in enumerate(KINDS, start=1):
        kinds[code], _ = UnitKind.objects.update_or_create(
            code=code, defaults={"name": name, "parent": kinds.get(parent), "order": order}
        )
    for code, (set_name, criteria) in CRITERIA.items():
        criteria_set, created = CriteriaSet.objects.get_or_create(
            unit_kind=kinds[code], name=set_name, defaults={"year_from": 2016, "source": SOURCE}
        )
        if created:
            Criterion.objects.bulk_create(
                Criterion(criteria_set=criteria_set, order=i, title=title, description=text, applies_to=applies_to)
                for i, (title, text, applies_to) in enumerate(criteria, start=1)
            )
    for code, name, levels, order in COMMENDATION_FORMS:
        CommendationForm.objects.get_or_create(code=code, defaults={"name": name, "issuing_levels": levels, "order": order})


class Migration(migrations.Migration):
    dependencies = [("models_registry", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
