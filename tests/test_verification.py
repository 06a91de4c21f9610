"""Certificates that can be checked: QR code, public verification page, revocation, signed PDFs."""
import datetime
import io

import pytest
import zxingcpp
from pypdf import PdfReader

from models_registry.certificates import certificate_for, render_pdf
from models_registry.models import Commendation, RegistrationEvent, Status
from models_registry.services import commendations as rules
from models_registry.services.reports import Period, Summaries, build_report

from .commendation_world import build_world, vote
from .factories import make_registration

pytestmark = pytest.mark.django_db
DECISION_DATE = datetime.date(2026, 10, 10)
LATER = DECISION_DATE + datetime.timedelta(days=400)


@pytest.fixture
def world(db):
    return build_world()


def commend(world, registration=None, **overrides):
    proposal = rules.propose(world.commune_staff, world.round, registration or world.registration, **vote(world))
    values = {"form": world.bang_khen, "decision_number": "125-QĐ/BTGDV", "decision_date": DECISION_DATE,
              "authority": "Ban Tuyên giáo và Dân vận Tỉnh ủy Vĩnh Long", "signing_capacity": "tm",
              "signing_for": "Ban Thường vụ", "signer_position": "Trưởng ban", "signer_name": "Lê Văn Ký"}
    values.update(overrides)
    return rules.accept(world.province_staff, proposal, today=LATER, **values)


def revoke_data(**overrides):
    return {"ground": "false_claim", "decision_number": "12-QĐ/BTGDV", "decision_date": "11/10/2026", **overrides}


def decode(image):
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1
    return results[0].text


def test_qr_on_the_pdf_decodes_to_the_verification_url(world, settings):
    settings.PUBLIC_BASE_URL = "https://danvan.example.vn"
    commendation = commend(world)
    reader = PdfReader(io.BytesIO(render_pdf(certificate_for(commendation))))
    [image] = reader.pages[0].images
    url = decode(image.image)
    assert url == f"https://danvan.example.vn/xac-thuc/{commendation.verification_code}/"


def test_qr_on_the_certificate_page_opens_the_verification_page(client, world):
    commendation = commend(world)
    client.force_login(world.province_staff)
    page = client.get(f"/quan-ly/khen-thuong/{commendation.pk}/giay-khen/")
    url = f"http://testserver/xac-thuc/{commendation.verification_code}/"
    assert page.context["certificate"].verify_url == url
    assert f'href="{url}"' in page.content.decode()
    assert "<svg" in page.content.decode()
    assert decode(_png(page.context["certificate"])) == url


def _png(certificate):
    from PIL import Image

    return Image.open(certificate.qr_png())


def test_certificate_shows_the_signer_of_the_decision(world):
    certificate = certificate_for(commend(world))
    assert certificate.signature.capacity_line == "TM. BAN THƯỜNG VỤ"
    assert certificate.signature.position == "TRƯỞNG BAN"
    assert certificate.signature.name == "Lê Văn Ký"
    text = PdfReader(io.BytesIO(render_pdf(certificate))).pages[0].extract_text()
    assert "TM. BAN THƯỜNG VỤ" in text and "Lê Văn Ký" in text


def test_verification_code_is_long_and_unique(world):
    first = commend(world)
    second = commend(world, registration=make_registration(
        world.unit, year=world.today.year, name="Mô hình hai", status=Status.COMPLETED, outcome="exemplary"))
    assert len(first.verification_code) >= 20
    assert first.verification_code != second.verification_code


def test_valid_code_answers_200_with_the_facts(client, world):
    commendation = commend(world)
    response = client.get(f"/xac-thuc/{commendation.verification_code}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Giấy khen hợp lệ." in text
    assert "Hội Liên hiệp Phụ nữ xã Thường Thới Tiền" in text
    assert "Bằng khen" in text
    assert "Số 125-QĐ/BTGDV ngày 10/10/2026" in text


def test_made_up_code_answers_404(client, world):
    commend(world)
    assert client.get("/xac-thuc/ma-khong-co-that-123/").status_code == 404


def test_verification_says_revoked_after_revocation(client, world):
    commendation = commend(world)
    client.force_login(world.province_staff)
    response = client.post(f"/quan-ly/khen-thuong/{commendation.pk}/thu-hoi/", revoke_data())
    assert response.status_code == 302
    client.logout()
    text = client.get(f"/xac-thuc/{commendation.verification_code}/").content.decode()
    assert "đã thu hồi" in text
    assert "Quyết định số 12-QĐ/BTGDV ngày 11/10/2026" in text
    assert "Kê khai thành tích không đúng" in text


def test_revoked_commendation_leaves_the_report_counts(world):
    commendation = commend(world)
    period = Period(world.today.year, world.today.year)

    def counts():
        report = build_report(Summaries.everything(), world.unit.__class__.objects.all(), world.province, period)
        return report.figures["commended"], sum(n for _form, _level, n in report.commendations)

    assert counts() == (1, 1)
    rules.revoke(world.province_staff, [commendation], ground="false_claim", decision_number="12-QĐ",
                 decision_date=LATER, today=LATER)
    assert counts() == (0, 0)
    world.registration.refresh_from_db()
    assert world.registration.status == Status.COMPLETED
    assert RegistrationEvent.objects.filter(registration=world.registration, action="revoked").exists()


def test_revoked_commendation_leaves_the_public_page(client, world):
    commendation = commend(world)
    assert "125-QĐ/BTGDV" in client.get(f"/mo-hinh/{world.registration.pk}/").content.decode()
    rules.revoke(world.province_staff, [commendation], ground="later_violation", decision_number="12-QĐ",
                 decision_date=LATER, today=LATER)
    assert "125-QĐ/BTGDV" not in client.get(f"/mo-hinh/{world.registration.pk}/").content.decode()


def test_revoking_a_decision_revokes_all_of_its_commendations(client, world):
    first = commend(world)
    second = commend(world, registration=make_registration(
        world.unit, year=world.today.year, name="Mô hình hai", status=Status.COMPLETED, outcome="exemplary"))
    client.force_login(world.province_staff)
    response = client.post(f"/quan-ly/khen-thuong/{first.pk}/quyet-dinh/thu-hoi/", revoke_data(ground="unlawful_review"))
    assert response.status_code == 302
    assert Commendation.objects.active().filter(pk__in=[first.pk, second.pk]).count() == 0


def test_revocation_without_ground_or_number_changes_nothing(client, world):
    commendation = commend(world)
    client.force_login(world.province_staff)
    response = client.post(f"/quan-ly/khen-thuong/{commendation.pk}/thu-hoi/",
                           revoke_data(ground="", decision_number=""))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Số quyết định thu hồi" in text
    commendation.refresh_from_db()
    assert commendation.revoked_at is None


def test_revocation_before_the_decision_is_refused(client, world):
    commendation = commend(world)
    client.force_login(world.province_staff)
    response = client.post(f"/quan-ly/khen-thuong/{commendation.pk}/thu-hoi/",
                           revoke_data(decision_date="01/01/2026"))
    assert response.status_code == 400
    assert "không được trước ngày quyết định khen thưởng" in response.content.decode()
    commendation.refresh_from_db()
    assert not commendation.is_revoked


def test_only_the_deciding_area_revokes(client, world):
    commendation = commend(world)
    client.force_login(world.commune_staff)
    assert client.post(f"/quan-ly/khen-thuong/{commendation.pk}/thu-hoi/", revoke_data()).status_code == 403
    client.force_login(world.province_leader)
    assert client.post(f"/quan-ly/khen-thuong/{commendation.pk}/thu-hoi/", revoke_data()).status_code == 403
    commendation.refresh_from_db()
    assert not commendation.is_revoked


def test_decision_pdf_prints_every_certificate_of_the_decision(client, world):
    first = commend(world)
    commend(world, registration=make_registration(
        world.unit, year=world.today.year, name="Mô hình hai", status=Status.COMPLETED, outcome="exemplary"))
    client.force_login(world.province_staff)
    response = client.get(f"/quan-ly/khen-thuong/{first.pk}/quyet-dinh.pdf")
    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 2


# Signing --------------------------------------------------------------------------------------

def make_p12(tmp_path):
    """A throwaway self-signed certificate of the commission, as a PKCS#12 file."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Ban Dân vận Tỉnh ủy (thử nghiệm)")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = tmp_path / "ban-dan-van.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"ban-dan-van", key, certificate, None, serialization.BestAvailableEncryption(b"mat-khau")))
    return path, certificate.public_bytes(serialization.Encoding.DER)


def test_signed_pdf_validates_against_the_commission_certificate(client, world, settings, tmp_path):
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    path, der = make_p12(tmp_path)
    settings.CERTIFICATE_SIGNING_P12 = str(path)
    settings.CERTIFICATE_SIGNING_PASSWORD = "mat-khau"
    commendation = commend(world)
    client.force_login(world.province_staff)
    response = client.get(f"/quan-ly/khen-thuong/{commendation.pk}/giay-khen.pdf")
    assert response.status_code == 200
    reader = PdfFileReader(io.BytesIO(response.content))
    [signature] = reader.embedded_signatures
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)], allow_fetching=False))
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line


def test_verification_page_names_the_signing_certificate(client, world, settings, tmp_path):
    path, _der = make_p12(tmp_path)
    settings.CERTIFICATE_SIGNING_P12 = str(path)
    settings.CERTIFICATE_SIGNING_PASSWORD = "mat-khau"
    commendation = commend(world)
    text = client.get(f"/xac-thuc/{commendation.verification_code}/").content.decode()
    assert "ký số bằng chứng thư của Common Name: Ban Dân vận Tỉnh ủy (thử nghiệm)" in text


def test_unsigned_when_no_certificate_is_configured(client, world, settings):
    from pyhanko.pdf_utils.reader import PdfFileReader

    settings.CERTIFICATE_SIGNING_P12 = ""
    commendation = commend(world)
    client.force_login(world.province_staff)
    content = client.get(f"/quan-ly/khen-thuong/{commendation.pk}/giay-khen.pdf").content
    assert PdfFileReader(io.BytesIO(content)).embedded_signatures == []
