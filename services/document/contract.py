"""What the document service's callers may rely on, framework-free: the kinds of record a document belongs to, the
categories of document (资料类别) each kind keeps, with their Chinese labels, and the file types accepted, told by
their content (magic bytes), never by their name. The gateway checks an upload with `content_problem` before it
registers it, and its schemas enumerate the rest (gateway/schemas/documents.py)."""

OWNER_TYPES = {
    "customer": "客户",
    "application": "贷款申请",
    "vehicle": "车辆",
    "loan": "贷款",
    "gps_task": "GPS任务",
    "mortgage_task": "抵押任务",
}

# code -> (label, the owner types it is kept on)
CATEGORIES = {
    "id_card_front": ("身份证正面", ("customer",)),
    "id_card_back": ("身份证反面", ("customer",)),
    "driving_licence": ("驾驶证", ("customer",)),
    "income_proof": ("收入证明", ("customer", "application")),
    "bank_statement": ("银行流水", ("customer", "application")),
    "business_licence": ("营业执照", ("customer",)),
    "vehicle_registration_certificate": ("机动车登记证书", ("vehicle", "application")),
    "vehicle_licence": ("机动车行驶证", ("vehicle",)),
    "vehicle_photo": ("车辆照片", ("vehicle", "application")),
    "investigation_photo": ("调查照片", ("application",)),
    "signed_contract": ("借款合同(签字版)", ("loan",)),
    "disbursement_voucher": ("放款凭证", ("loan",)),
    "mortgage_certificate": ("抵押登记证书", ("mortgage_task", "loan")),
    "gps_installation_photo": ("GPS安装照片", ("gps_task",)),
    "other": ("其他", tuple(OWNER_TYPES)),
}

# The types accepted (JPEG, PNG, PDF): media type -> (label, the file name extensions that type is written with)
MEDIA_TYPES = {
    "image/jpeg": ("JPEG图片", (".jpg", ".jpeg")),
    "image/png": ("PNG图片", (".png",)),
    "application/pdf": ("PDF文件", (".pdf",)),
}

# How a file of each type begins. JPEG: SOI and the first marker's 0xFF; PNG: its 8-byte signature; PDF: "%PDF-".
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
SNIFF_BYTES = max(len(signature) for signature, _ in SIGNATURES)  # what must be read to tell the type
DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # CARLOAN_DOCUMENT_MAX_BYTES


def media_type_of(head):
    """The media type the first bytes of a file show (at least `SNIFF_BYTES` of them, fewer for a shorter file),
    or None when they are none of the accepted types: a file is what it holds, whatever its name says."""
    for signature, media_type in SIGNATURES:
        if head.startswith(signature):
            return media_type
    return None


def content_problem(size, head, max_bytes):
    """(code, message, extra) of what makes an uploaded file unacceptable, or None: empty, over `max_bytes`, or
    content that is not JPEG, PNG or PDF (`head` is its first bytes)."""
    if size == 0:
        return "DOCUMENT_EMPTY", "the file is empty", {}
    if size > max_bytes:
        return ("DOCUMENT_TOO_LARGE", f"the file is larger than {max_bytes} bytes",
                {"max_bytes": max_bytes, "max_mb": _megabytes(max_bytes)})
    if media_type_of(head) is None:
        return ("DOCUMENT_TYPE_NOT_ALLOWED", "the file's content is not JPEG, PNG or PDF",
                {"allowed": list(MEDIA_TYPES)})
    return None


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")
