"""Nameko entrypoints of the document service: each loads its input, calls one use case of
`services/document/usecases/` and answers with the view of `services/document/views.py`."""
from nameko.rpc import RpcProxy

from services.common.db import UnitOfWork
from services.common.rpc import rpc
from services.common.schemas import load
from services.common.service import ServiceBase
from services.document import views
from services.document.models import Base
from services.document.schemas import DocumentIn, ListIn, OwnersIn
from services.document.usecases import documents


class DocumentService(ServiceBase):
    name = "document"
    uow = UnitOfWork(Base.metadata)
    # The services keeping the records documents belong to: they say who may see them.
    customer = RpcProxy("customer")
    loan = RpcProxy("loan")
    collateral = RpcProxy("collateral")

    @property
    def owners(self):
        return {"customer": self.customer, "loan": self.loan, "collateral": self.collateral}

    @rpc
    def register_document(self, data):
        """An upload the gateway stored in object storage and checked (type by content, size, not empty)."""
        return views.document(documents.register_document(self.uow, load(DocumentIn(), data), owners=self.owners))

    @rpc
    def list_documents(self, owner_type, owner_id, all_versions=False, page=1, page_size=20):
        data = load(ListIn(), {"owner_type": owner_type, "owner_id": owner_id, "all_versions": all_versions,
                               "page": page, "page_size": page_size})
        return views.documents(documents.list_documents(self.uow, data, owners=self.owners))

    @rpc
    def get_document(self, document_id):
        return views.document_file(documents.read_document(self.uow, document_id, owners=self.owners))

    @rpc
    def open_document(self, document_id):
        """For the gateway's download: the document and where its bytes are (audited as a download)."""
        return views.content(documents.open_document(self.uow, document_id, owners=self.owners))

    @rpc
    def delete_document(self, document_id):
        return views.document(documents.delete_document(self.uow, document_id, owners=self.owners))

    @rpc
    def list_categories(self):
        return views.categories()

    @rpc(services=("loan", "collateral"))
    def categories_on_file(self, owners):
        """For other services' checklists: the categories each record has among its current documents."""
        return views.categories_on_file(documents.categories_on_file(self.uow, load(OwnersIn(), {"owners": owners})))
