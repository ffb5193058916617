"""Tables of the document service: one row per version of a document (the bytes are in object storage, under
`storage_key`). The versions of one document share its `series_id` (the first version's id); the current one has no
`superseded_at`. A deleted document keeps its rows, with who deleted it and when."""
from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase

from services.common.clock import utcnow
from services.common.tables import UtcDateTime, add_plumbing_tables, new_id


class Base(DeclarativeBase):
    metadata = add_plumbing_tables(MetaData())


LIVE = "superseded_at IS NULL AND deleted_at IS NULL"


class Document(Base):
    __tablename__ = "document"
    id = Column(String(36), primary_key=True, default=new_id)
    series_id = Column(String(36), nullable=False)
    version = Column(Integer, nullable=False)
    owner_type = Column(String(20), nullable=False)
    owner_id = Column(String(64), nullable=False)
    category = Column(String(50), nullable=False)
    file_name = Column(String(200), nullable=False)
    media_type = Column(String(50), nullable=False)
    size = Column(BigInteger, nullable=False)
    sha256 = Column(String(64), nullable=False)
    storage_key = Column(String(200), nullable=False, unique=True)
    uploaded_by = Column(String(64), nullable=False)
    uploaded_by_name = Column(String(100), nullable=False)
    uploaded_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    superseded_at = Column(UtcDateTime())
    superseded_by = Column(String(36))  # the next version's id
    deleted_at = Column(UtcDateTime())
    deleted_by = Column(String(64))
    __table_args__ = (
        UniqueConstraint("series_id", "version", name="ux_document_series_version"),
        Index("ix_document_owner", "owner_type", "owner_id"),
        # The same content once among a record's current documents (two identical uploads at once: one loses).
        Index("ux_document_owner_content", "owner_type", "owner_id", "sha256", unique=True,
              postgresql_where=text(LIVE), sqlite_where=text(LIVE)),
    )
