"""影像资料 through the gateway, on the real platform (every service a process, PostgreSQL, RabbitMQ; the bytes in
the local object store under the platform's data dir): upload JPEG, PNG and PDF and read them back byte for byte with
their type and name; types told by content; empty, over-size and refused uploads leave nothing stored; duplicates
by hash; versions; soft deletion; another department's officer sees nothing; every access audited."""
import hashlib
import os
import struct
import urllib.parse
import zlib

import psycopg2
import pytest

from tests.e2e.conftest import assert_problem, create_employee, unique
from tests.helpers import new_id_number, new_phone, new_vin, wait_until

MAX_BYTES = 10 * 1024 * 1024


def png(width=2, height=2):
    """A real PNG image (signature, IHDR, IDAT, IEND), a few dozen bytes."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg():
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + os.urandom(2048) + b"\xff\xd9"


def pdf():
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%" + os.urandom(16).hex().encode() + b"\n%%EOF\n")


@pytest.fixture(scope="module")
def branches(platform, admin):
    """Two departments, each with a loan officer (who uploads and deletes) and the first with a customer and a car."""
    people = {}
    for branch in ("hz", "nb"):
        department = admin.post("/api/v1/departments", json={"code": unique("DOC"), "name": f"{branch}影像"}).json()
        _, username, password = create_employee(admin, ["loan_officer"], department_id=department["id"])
        people[branch] = platform.client(platform.login(username, password))
    customer = people["hz"].post("/api/v1/customers/persons", json={
        "name": "李四", "id_number": new_id_number(), "phone": new_phone(), "monthly_income": "9000.00"})
    assert customer.status_code == 201, customer.text
    vehicle = people["hz"].post("/api/v1/vehicles", json={
        "vin": new_vin(), "plate_number": "浙A D12345", "brand": "吉利", "model": "星越L", "year": 2023,
        "mileage_km": 12000, "owner_customer_id": customer.json()["id"]})
    assert vehicle.status_code == 201, vehicle.text
    people["customer"], people["vehicle"] = customer.json(), vehicle.json()
    return people


def post(client, owner_id, content, name="身份证正面.jpg", category="id_card_front", owner_type="customer",
         content_type="application/octet-stream", **fields):
    return client.post("/api/v1/documents", data={"owner_type": owner_type, "owner_id": owner_id,
                                                  "category": category, **fields},
                       files={"file": (name, content, content_type)}, timeout=60)


def stored(platform):
    """What the object store holds (the local store of `make run` and the test platform: files under the data dir,
    uploads in progress hidden), every object and partial file."""
    root = platform.data_dir / "documents"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def document_rows(platform, sql, *args):
    with psycopg2.connect(platform.env["DOCUMENT_DATABASE_URL"]) as connection, connection.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


@pytest.mark.parametrize("make, name, media_type", [
    (jpeg, "身份证正面.jpg", "image/jpeg"), (png, "行驶证 扫描.png", "image/png"), (pdf, "收入证明.pdf", "application/pdf")])
def test_an_upload_reads_back_byte_for_byte_with_its_type_and_name(platform, branches, make, name, media_type):
    content, officer = make(), branches["hz"]
    response = post(officer, branches["customer"]["id"], content, name=name, category="other")
    assert response.status_code == 201, response.text
    document = response.json()
    assert document["sha256"] == hashlib.sha256(content).hexdigest() and document["size"] == len(content)
    assert (document["media_type"], document["version"], document["file_name"]) == (media_type, 1, name)
    assert document["category_label"] == "其他" and document["uploaded_by_name"]

    back = officer.get(f"/api/v1/documents/{document['id']}/content")
    assert back.status_code == 200, back.text
    assert back.content == content
    assert back.headers["Content-Type"] == media_type
    assert back.headers["Content-Length"] == str(len(content))
    assert back.headers["ETag"] == f'"{document["sha256"]}"'
    disposition = back.headers["Content-Disposition"]
    assert disposition.startswith("inline; filename=") and f"filename*=UTF-8''{urllib.parse.quote(name)}" in disposition
    saved = officer.get(f"/api/v1/documents/{document['id']}/content", params={"download": "true"})
    assert saved.headers["Content-Disposition"].startswith("attachment;") and saved.content == content
    [(key,)] = document_rows(platform, "SELECT storage_key FROM document WHERE id = %s", document["id"])
    assert (platform.data_dir / "documents" / key).read_bytes() == content  # in storage, not in the database


def test_a_pdf_named_jpg_is_stored_as_a_pdf(branches):
    content = pdf()
    response = post(branches["hz"], branches["customer"]["id"], content, name="借款合同扫描.jpg", category="income_proof",
                    content_type="image/jpeg")
    assert response.status_code == 201, response.text
    document = response.json()
    assert (document["media_type"], document["file_name"]) == ("application/pdf", "借款合同扫描.pdf")
    back = branches["hz"].get(f"/api/v1/documents/{document['id']}/content")
    assert back.headers["Content-Type"] == "application/pdf" and back.content == content


@pytest.mark.parametrize("content, name, status, code", [
    (b"just some text, not an image\n", "照片.jpg", 422, "DOCUMENT_TYPE_NOT_ALLOWED"),
    (b"GIF89a" + os.urandom(100), "动图.gif", 422, "DOCUMENT_TYPE_NOT_ALLOWED"),
    (b"", "空文件.pdf", 422, "DOCUMENT_EMPTY"),
    (b"%PDF-1.7\n" + b"0" * (MAX_BYTES - 8), "大文件.pdf", 413, "DOCUMENT_TOO_LARGE"),  # one byte over the limit
    (b"%PDF-1.7\n" + b"0" * (MAX_BYTES + 1024 * 1024), "更大.pdf", 413, "DOCUMENT_TOO_LARGE"),  # refused unread
])
def test_a_refused_file_leaves_nothing_stored(platform, branches, content, name, status, code):
    before, rows = stored(platform), document_rows(platform, "SELECT count(*) FROM document")
    response = post(branches["hz"], branches["customer"]["id"], content, name=name)
    problem = assert_problem(response, status, code)
    assert "file" in problem["errors"]
    if code == "DOCUMENT_TOO_LARGE":
        assert problem["max_bytes"] == MAX_BYTES and "10 MB" in problem["detail"]
    assert stored(platform) == before  # no object, no partial file
    assert document_rows(platform, "SELECT count(*) FROM document") == rows


def test_bad_fields_and_a_missing_file_are_refused_field_by_field_and_store_nothing(platform, branches):
    before = stored(platform)
    customer_id = branches["customer"]["id"]
    problem = assert_problem(post(branches["hz"], customer_id, png(), category="gps_installation_photo"), 422,
                             "DOCUMENT_CATEGORY_INVALID")
    assert "category" in problem["errors"] and "身份证正面" in problem["detail"]
    assert "owner_type" in assert_problem(post(branches["hz"], customer_id, png(), owner_type="employee"), 422)[
        "errors"]
    assert "extra" in assert_problem(post(branches["hz"], customer_id, png(), extra="x"), 422)["errors"]
    missing = branches["hz"].post("/api/v1/documents", data={"owner_type": "customer", "owner_id": customer_id,
                                                             "category": "other"})
    assert "file" in assert_problem(missing, 422)["errors"]
    assert stored(platform) == before


def test_the_same_content_twice_is_refused_with_the_existing_document(platform, branches):
    content = png(3, 3)
    first = post(branches["hz"], branches["customer"]["id"], content, name="驾驶证.png", category="driving_licence")
    assert first.status_code == 201, first.text
    before = stored(platform)
    again = post(branches["hz"], branches["customer"]["id"], content, name="驾驶证-副本.png", category="id_card_back")
    assert assert_problem(again, 409, "DOCUMENT_DUPLICATE")["existing_id"] == first.json()["id"]
    assert stored(platform) == before
    elsewhere = post(branches["hz"], branches["vehicle"]["id"], content, owner_type="vehicle",
                     category="vehicle_photo", name="车辆照片.png")  # the same file on another record
    assert elsewhere.status_code == 201, elsewhere.text


def test_a_new_version_keeps_the_old_one_readable_and_deleting_is_soft(platform, branches):
    officer, vehicle_id = branches["hz"], branches["vehicle"]["id"]
    old, new = jpeg(), jpeg()
    first = post(officer, vehicle_id, old, owner_type="vehicle", category="vehicle_registration_certificate",
                 name="登记证书.jpg").json()
    second = post(officer, vehicle_id, new, owner_type="vehicle", category="vehicle_registration_certificate",
                  name="登记证书-新.jpg", replaces=first["id"])
    assert second.status_code == 201, second.text
    second = second.json()
    assert (second["version"], second["series_id"]) == (2, first["id"])
    listing = officer.get("/api/v1/documents", params={"owner_type": "vehicle", "owner_id": vehicle_id}).json()
    ids = [d["id"] for d in listing["items"]]
    assert second["id"] in ids and first["id"] not in ids
    history = officer.get("/api/v1/documents", params={"owner_type": "vehicle", "owner_id": vehicle_id,
                                                       "all_versions": "true"}).json()
    assert {first["id"], second["id"]} <= {d["id"] for d in history["items"]}
    assert officer.get(f"/api/v1/documents/{first['id']}/content").content == old  # history stays readable
    detail = officer.get(f"/api/v1/documents/{first['id']}").json()
    assert [v["version"] for v in detail["versions"]] == [1, 2] and detail["current"] is False
    stale = post(officer, vehicle_id, pdf(), owner_type="vehicle", category="vehicle_registration_certificate",
                 replaces=first["id"])
    assert assert_problem(stale, 409, "DOCUMENT_SUPERSEDED")["current_id"] == second["id"]

    assert_problem(officer.delete(f"/api/v1/documents/{first['id']}"), 409, "DOCUMENT_SUPERSEDED")
    deleted = officer.delete(f"/api/v1/documents/{second['id']}")
    assert deleted.status_code == 200, deleted.text
    for document in (first, second):
        assert_problem(officer.get(f"/api/v1/documents/{document['id']}/content"), 404, "DOCUMENT_NOT_FOUND")
    after = officer.get("/api/v1/documents", params={"owner_type": "vehicle", "owner_id": vehicle_id,
                                                     "all_versions": "true"}).json()
    assert not {first["id"], second["id"]} & {d["id"] for d in after["items"]}
    rows = document_rows(platform, "SELECT deleted_at IS NOT NULL, deleted_by, storage_key FROM document "
                                   "WHERE series_id = %s", first["id"])
    assert len(rows) == 2 and all(gone and by for gone, by, _ in rows)  # kept, with who deleted them
    assert all((platform.data_dir / "documents" / key).is_file() for _, _, key in rows)
    assert_problem(officer.delete(f"/api/v1/documents/{second['id']}"), 404, "DOCUMENT_NOT_FOUND")


def test_an_officer_of_another_department_sees_nothing_and_uploads_nothing(platform, branches):
    document = post(branches["hz"], branches["customer"]["id"], jpeg(), category="id_card_back",
                    name="身份证反面.jpg").json()
    stranger, before = branches["nb"], stored(platform)
    assert_problem(stranger.get("/api/v1/documents", params={"owner_type": "customer",
                                                             "owner_id": branches["customer"]["id"]}),
                   404, "CUSTOMER_NOT_FOUND")  # as for the customer itself
    assert_problem(stranger.get("/api/v1/documents", params={"owner_type": "vehicle",
                                                             "owner_id": branches["vehicle"]["id"]}),
                   404, "VEHICLE_NOT_FOUND")
    for path in (f"/api/v1/documents/{document['id']}/content", f"/api/v1/documents/{document['id']}"):
        assert_problem(stranger.get(path), 404, "DOCUMENT_NOT_FOUND")
    assert_problem(stranger.delete(f"/api/v1/documents/{document['id']}"), 404, "DOCUMENT_NOT_FOUND")
    assert_problem(post(stranger, branches["customer"]["id"], png(5, 5), category="other"), 404, "CUSTOMER_NOT_FOUND")
    assert stored(platform) == before  # the refused upload was taken out of storage again
    assert branches["hz"].get(f"/api/v1/documents/{document['id']}/content").status_code == 200


def test_permissions_and_the_catalogue(platform, admin, branches):
    department = admin.post("/api/v1/departments", json={"code": unique("DOCF"), "name": "财务影像"}).json()
    _, username, password = create_employee(admin, ["finance_reviewer"], department_id=department["id"])
    reviewer = platform.client(platform.login(username, password))  # may view documents, not upload or delete
    assert_problem(post(reviewer, branches["customer"]["id"], png(7, 7)), 403, "PERMISSION_DENIED")
    catalogue = reviewer.get("/api/v1/document-categories")
    assert catalogue.status_code == 200, catalogue.text
    categories = {c["code"]: c for c in catalogue.json()["categories"]}
    assert categories["gps_installation_photo"] == {"code": "gps_installation_photo", "label": "GPS安装照片",
                                                    "owner_types": ["gps_task"]}
    english = reviewer.get("/api/v1/document-categories", headers={"Accept-Language": "en"}).json()
    assert {c["code"]: c["label"] for c in english["categories"]}["signed_contract"] == "Loan contract (signed)"


def test_every_access_is_in_the_document_services_audit_log(platform, admin, branches):
    officer = branches["hz"]
    document = post(officer, branches["customer"]["id"], png(9, 9), category="other", name="审计.png").json()
    officer.get("/api/v1/documents", params={"owner_type": "customer", "owner_id": branches["customer"]["id"]})
    officer.get(f"/api/v1/documents/{document['id']}/content")
    officer.delete(f"/api/v1/documents/{document['id']}")

    def actions():
        response = admin.get("/api/v1/audit-log", params={"service": "document", "page_size": 100})
        assert response.status_code == 200, response.text
        return [(r["action"], r["entity_id"]) for r in response.json()["items"]]
    expected = {("upload_document", document["id"]), ("download_document", document["id"]),
                ("delete_document", document["id"]), ("list_documents", branches["customer"]["id"])}
    wait_until(lambda: expected <= set(actions()), timeout=15, message="the document accesses in the audit log")
