"""The document service's rules (services/document/domain.py, contract.py): a file is what its first bytes say, not
what its name says; each kind of record keeps its own categories; the name a file is kept under; versions and
deletion through the current version."""
import hashlib
from types import SimpleNamespace

import pytest

from services.common.refusal import Refused
from services.document import domain

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


@pytest.mark.parametrize("head, media_type", [
    (JPEG, "image/jpeg"), (b"\xff\xd8\xff\xdb", "image/jpeg"), (PNG, "image/png"), (PDF, "application/pdf"),
    (b"GIF89a\x01\x00", None), (b"hello, world", None), (b"", None), (b"\x89PNG\r\n", None),  # a PNG cut short
    (b"%PDF", None), (b" %PDF-1.7", None), (b"PK\x03\x04", None),  # a zip (docx, xlsx)
    (b"\xff\xd8", None),
])
def test_a_file_is_what_its_first_bytes_show(head, media_type):
    assert domain.media_type_of(head) == media_type


def test_what_refuses_an_upload():
    limit = 10 * 1024 * 1024
    assert domain.DEFAULT_MAX_BYTES == limit
    assert domain.content_problem(0, b"", limit)[0] == "DOCUMENT_EMPTY"
    assert domain.content_problem(limit + 1, PDF, limit)[:1] == ("DOCUMENT_TOO_LARGE",)
    assert domain.content_problem(limit + 1, PDF, limit)[2] == {"max_bytes": limit, "max_mb": "10"}
    assert domain.content_problem(limit, PDF, limit) is None  # exactly the limit is allowed
    assert domain.content_problem(12, b"plain text\n", limit)[0] == "DOCUMENT_TYPE_NOT_ALLOWED"
    assert domain.content_problem(3, b"\xff\xd8\xff", limit) is None  # short, but a JPEG's beginning
    assert domain.content_problem(5 * 1024 * 1024 + 1, PNG, 5 * 1024 * 1024)[2]["max_mb"] == "5"


def test_each_kind_of_record_keeps_its_categories():
    assert domain.categories_of("customer")[:3] == ["id_card_front", "id_card_back", "driving_licence"]
    assert "vehicle_registration_certificate" in domain.categories_of("vehicle")
    assert "gps_installation_photo" in domain.categories_of("gps_task")
    assert "mortgage_certificate" in domain.categories_of("mortgage_task")
    assert "signed_contract" in domain.categories_of("loan")
    assert "investigation_photo" in domain.categories_of("application")
    labels = {label for label, _ in domain.CATEGORIES.values()}
    assert {"身份证正面", "身份证反面", "驾驶证", "收入证明", "机动车登记证书", "车辆照片", "调查照片", "借款合同(签字版)",
            "抵押登记证书", "GPS安装照片"} <= labels
    for code, (label, owners) in domain.CATEGORIES.items():
        assert owners and set(owners) <= set(domain.OWNER_TYPES), code
    domain.check_category("customer", "id_card_front")
    domain.check_category("gps_task", "other")


def test_a_category_of_another_kind_of_record_is_refused_with_the_allowed_ones():
    with pytest.raises(Refused) as refused:
        domain.check_category("gps_task", "id_card_front")
    assert refused.value.code == "DOCUMENT_CATEGORY_INVALID" and refused.value.field == "category"
    assert refused.value.extra["allowed"] == ["gps_installation_photo", "other"]
    with pytest.raises(Refused) as refused:
        domain.check_category("employee", "other")
    assert refused.value.code == "DOCUMENT_OWNER_TYPE_INVALID" and refused.value.field == "owner_type"


@pytest.mark.parametrize("given, media_type, kept", [
    ("身份证正面.jpg", "image/jpeg", "身份证正面.jpg"),
    ("扫描件.JPEG", "image/jpeg", "扫描件.JPEG"),
    ("合同扫描.jpg", "application/pdf", "合同扫描.pdf"),  # a PDF under a JPEG's name is kept as a PDF
    ("photo.png", "image/jpeg", "photo.jpg"),
    ("report.v2", "application/pdf", "report.v2.pdf"),  # no extension of an accepted type: one is added
    ("C:\\Users\\张三\\Desktop\\驾驶证.png", "image/png", "驾驶证.png"),  # a browser's full path: the name alone
    ("../../etc/passwd", "application/pdf", "passwd.pdf"),
    ("bad\x00na\u200bme\n.pdf", "application/pdf", "badname.pdf"),  # control and format characters dropped
    ("", "image/png", "document.png"),
    (None, "application/pdf", "document.pdf"),
    ("e\u0301te\u0301.pdf", "application/pdf", "\u00e9t\u00e9.pdf"),  # NFC
])
def test_the_name_a_file_is_kept_under(given, media_type, kept):
    assert domain.file_name(given, media_type) == kept


def test_a_long_name_is_cut_keeping_its_extension():
    name = domain.file_name("车" * 500 + ".pdf", "application/pdf")
    assert len(name) == domain.MAX_FILE_NAME and name.endswith("车.pdf")


def document(**fields):
    base = {"id": "v1", "series_id": "v1", "version": 1, "owner_type": "customer", "owner_id": "c-1",
            "category": "id_card_front", "superseded_by": None}
    return SimpleNamespace(**{**base, **fields})


def test_versions_follow_each_other_and_only_the_current_one_is_replaced_or_deleted():
    assert domain.next_version(None) == 1
    assert domain.next_version(document(version=3)) == 4
    domain.check_replacement(document(), "v1", "customer", "c-1", "id_card_front")
    domain.check_deletion(document(), "v1")
    with pytest.raises(Refused) as refused:
        domain.check_replacement(document(), "v3", "customer", "c-1", "id_card_front")
    assert (refused.value.code, refused.value.kind, refused.value.extra) == (
        "DOCUMENT_SUPERSEDED", "conflict", {"current_id": "v3"})
    with pytest.raises(Refused) as refused:
        domain.check_deletion(document(), "v3")
    assert refused.value.code == "DOCUMENT_SUPERSEDED" and refused.value.extra == {"current_id": "v3"}


@pytest.mark.parametrize("owner_type, owner_id, category", [
    ("customer", "c-2", "id_card_front"), ("vehicle", "c-1", "id_card_front"), ("customer", "c-1", "id_card_back")])
def test_a_new_version_is_of_the_same_record_and_category(owner_type, owner_id, category):
    with pytest.raises(Refused) as refused:
        domain.check_replacement(document(), "v1", owner_type, owner_id, category)
    assert refused.value.code == "DOCUMENT_REPLACEMENT_MISMATCH" and refused.value.field == "replaces"
    assert refused.value.extra == {}  # nothing about the other record is told


def test_the_same_content_twice_names_the_one_there():
    domain.check_not_duplicate(None)
    with pytest.raises(Refused) as refused:
        domain.check_not_duplicate("d-1")
    assert (refused.value.code, refused.value.kind, refused.value.extra) == (
        "DOCUMENT_DUPLICATE", "conflict", {"existing_id": "d-1"})
    assert len(hashlib.sha256(PDF).hexdigest()) == 64
