"""Nameko entrypoints of the customer service."""
from decimal import Decimal

from nameko.rpc import RpcProxy
from sqlalchemy import or_, select

from services.common import audit
from services.common.consumer import subscribe
from services.common.clock import utcnow
from services.common.db import UnitOfWork
from services.common.jsonutil import money
from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed, field_error
from services.common.pagination import paginate
from services.common.pii import Pii
from services.common.rpc import rpc
from services.common.schemas import load
from services.common.scope import granted_by_task, scoped
from services.common.service import ServiceBase
from services.customer import domain, events
from services.customer.models import Base, BlacklistEntry, Customer, LoanHistory
from services.customer.schemas import (ApplicationRejected, ApplicationSubmitted, BlacklistIn, ClassificationChanged,
                                       CustomerPatch, DpdChanged, EnterpriseIn, LoanDisbursed, LoanSettled,
                                       LoanTransferred, PersonIn)

UNMASK = "customer.unmask"


class CustomerService(ServiceBase):
    name = "customer"
    uow = UnitOfWork(Base.metadata)
    collection = RpcProxy("collection")
    pii = Pii()

    # -- registration --------------------------------------------------------------------------
    @rpc
    def create_person(self, data):
        data = load(PersonIn(), data)
        id_number = _valid_id_number(data["id_number"], "id_number")
        phone = _valid_phone(data["phone"])
        existing = self.uow.session.scalars(select(Customer.id).where(
            Customer.type == "person", Customer.id_number_hash == self.pii.digest(id_number))).first()
        if existing:
            raise Conflict(f"this ID number is already registered as customer {existing}",
                           code="CUSTOMER_DUPLICATE", extra={"existing_id": existing})
        customer = Customer(type="person", name=data["name"], address=data["address"],
                            employer=data["employer"], monthly_income=data["monthly_income"],
                            **self._owner(), **self._sealed(id_number, phone))
        return self._created(customer)

    @rpc
    def create_enterprise(self, data):
        data = load(EnterpriseIn(), data)
        uscc = domain.normalize_uscc(data["uscc"])
        error, warning = domain.uscc_problem(uscc)
        if error:
            raise field_error("uscc", error, code="USCC_INVALID")
        if warning and not data["accept_uscc_warning"]:
            raise field_error("uscc", f"{warning}; send accept_uscc_warning=true to register it anyway",
                              code="USCC_CHECK_FAILED")
        representative_id = _valid_id_number(data["legal_representative_id_number"],
                                             "legal_representative_id_number")
        phone = _valid_phone(data["phone"])
        existing = self.uow.session.scalars(select(Customer.id).where(Customer.uscc == uscc)).first()
        if existing:
            raise Conflict(f"this USCC is already registered as customer {existing}",
                           code="CUSTOMER_DUPLICATE", extra={"existing_id": existing})
        customer = Customer(type="enterprise", name=data["name"], uscc=uscc, uscc_warning=warning,
                            legal_representative=data["legal_representative"], address=data["address"],
                            registered_capital=data["registered_capital"],
                            **self._owner(), **self._sealed(representative_id, phone))
        return self._created(customer)

    # -- corrections ---------------------------------------------------------------------------
    @rpc
    def update_customer(self, customer_id, data):
        """Correct a customer within the caller's data scope (404 outside it): contact data, checked as at
        registration (`customer.manage`); the identity number (`id_number` / `uscc`) only with
        `customer.identity.correct`, checked again (checksum, 409 `CUSTOMER_DUPLICATE`). A field given with the
        value it has is no change. Audited with each field before and after, masked as the audit log masks."""
        data = load(CustomerPatch(), data)
        customer = self._visible(customer_id, lock=True)
        foreign = domain.foreign_fields(customer.type, data)
        if foreign:
            raise ValidationFailed("; ".join(f"{f}: {m}" for f, m in foreign), code="FIELD_NOT_APPLICABLE",
                                   errors={f: [m] for f, m in foreign})
        current = self._correctable(customer)
        wanted = self._corrected(customer, data)
        changed = {key: value for key, value in wanted.items() if value != current[key]}
        for permission, fields in domain.permissions_for(customer.type, changed).items():
            if not self.uow.actor.has(permission):
                raise Forbidden(f"changing {', '.join(fields)} needs the permission {permission}",
                                code="PERMISSION_DENIED", extra={"permissions": [permission]})
        self._check_unique(customer, changed)
        self._apply(customer, changed)
        identity = [key for key in changed if key in domain.IDENTITY_FIELDS[customer.type]]
        contact = [key for key in changed if key not in identity]
        if contact:
            self.uow.audit("update_customer", "customer", customer.id,
                           audit.changes({k: current[k] for k in contact}, {k: changed[k] for k in contact}))
        if identity:
            self.uow.audit("correct_customer_identity", "customer", customer.id,
                           audit.changes({k: current[k] for k in identity}, {k: changed[k] for k in identity}))
        return self._dump(customer, unmask=False)

    def _correctable(self, customer):
        """The correctable fields as they are, in clear (compared with the correction, never answered)."""
        number = self.pii.decrypt(customer.id_number_enc)
        values = {"phone": self.pii.decrypt(customer.phone_enc), "address": customer.address}
        if customer.type == "person":
            return {**values, "employer": customer.employer, "monthly_income": customer.monthly_income,
                    "id_number": number}
        return {**values, "legal_representative": customer.legal_representative,
                "legal_representative_id_number": number, "uscc": customer.uscc}

    def _corrected(self, customer, data):
        """The fields of `data`, checked and normalised as at registration."""
        wanted = {key: value for key, value in data.items() if key != "accept_uscc_warning"}
        if "phone" in data:
            wanted["phone"] = _valid_phone(data["phone"])
        for field in ("id_number", "legal_representative_id_number"):
            if field in data:
                wanted[field] = _valid_id_number(data[field], field)
        if "uscc" in data:
            wanted["uscc"] = domain.normalize_uscc(data["uscc"])
            error, warning = domain.uscc_problem(wanted["uscc"])
            if error:
                raise field_error("uscc", error, code="USCC_INVALID")
            if warning and wanted["uscc"] != customer.uscc and not data.get("accept_uscc_warning"):
                raise field_error("uscc", f"{warning}; send accept_uscc_warning=true to keep it anyway",
                                  code="USCC_CHECK_FAILED")
        return wanted

    def _check_unique(self, customer, changed):
        session = self.uow.session
        existing = None
        if "id_number" in changed:
            existing = session.scalars(select(Customer.id).where(
                Customer.type == "person", Customer.id != customer.id,
                Customer.id_number_hash == self.pii.digest(changed["id_number"]))).first()
        if "uscc" in changed:
            existing = session.scalars(select(Customer.id).where(
                Customer.id != customer.id, Customer.uscc == changed["uscc"])).first()
        if existing:
            raise Conflict(f"this identity number is already registered as customer {existing}",
                           code="CUSTOMER_DUPLICATE", extra={"existing_id": existing})

    def _apply(self, customer, changed):
        number = changed.get("id_number", changed.get("legal_representative_id_number"))
        if number is not None:
            customer.id_number_enc, customer.id_number_hash = self.pii.encrypt(number), self.pii.digest(number)
        if "phone" in changed:
            customer.phone_enc, customer.phone_hash = (self.pii.encrypt(changed["phone"]),
                                                       self.pii.digest(changed["phone"]))
        if "uscc" in changed:
            customer.uscc, customer.uscc_warning = changed["uscc"], domain.uscc_problem(changed["uscc"])[1]
        for key in ("address", "employer", "monthly_income", "legal_representative"):
            if key in changed:
                setattr(customer, key, changed[key])

    # -- reading -------------------------------------------------------------------------------
    @rpc
    def list_customers(self, type=None, q=None, page=1, page_size=20):
        query = self._scoped(select(Customer)).order_by(Customer.created_at.desc(), Customer.id)
        if type:
            query = query.where(Customer.type == type)
        if q:
            needle = q.strip()
            exact = [Customer.name.contains(needle, autoescape=True)]
            id_number = domain.normalize_id_number(needle)
            if domain.id_number_problem(id_number) is None:
                exact.append(Customer.id_number_hash == self.pii.digest(id_number))
            if domain.phone_problem(needle) is None:
                exact.append(Customer.phone_hash == self.pii.digest(needle))
            if len(needle) == 18:
                exact.append(Customer.uscc == domain.normalize_uscc(needle))
            query = query.where(or_(*exact))
        return paginate(self.uow.session, query, page, page_size, lambda c: self._dump(c, unmask=False))

    @rpc
    def get_customer(self, customer_id, unmask=False):
        customer = self._visible(customer_id, read=True)
        if unmask:
            if UNMASK not in self.uow.actor.permissions:
                raise Forbidden("seeing full ID numbers and phones needs the customer.unmask permission",
                                code="PERMISSION_DENIED", extra={"permissions": [UNMASK]})
            self.uow.audit("unmask_customer", "customer", customer.id, {"fields": ["id_number", "phone"]})
        result = self._dump(customer, unmask=unmask)
        result["loans"] = self._loans(customer.id)
        result["credit"] = self._credit(result["loans"])
        result["blacklisted"] = bool(self._blacklist_hits(customer))
        return result

    @rpc(services=("collateral", "loan"))
    def customer_brief(self, customer_id):
        """For other services: who a customer is (no personal data), if the caller may see them; else 404."""
        customer = self._visible(customer_id)
        return {"id": customer.id, "type": customer.type, "name": customer.name,
                "department_id": customer.department_id, "officer_id": customer.officer_id}

    # -- blacklist -----------------------------------------------------------------------------
    @rpc
    def add_to_blacklist(self, data):
        data = load(BlacklistIn(), data)
        given = [key for key in ("customer_id", "id_number", "uscc") if data[key]]
        if len(given) != 1:
            raise field_error("customer_id", "give exactly one of customer_id, id_number or uscc",
                              code="BLACKLIST_TARGET")
        entry = BlacklistEntry(reason=data["reason"], created_by=self.uow.actor.user_id)
        if data["customer_id"]:
            customer = self._visible(data["customer_id"])
            entry.customer_id = customer.id
        elif data["id_number"]:
            id_number = _valid_id_number(data["id_number"], "id_number")
            entry.id_number_hash = self.pii.digest(id_number)
            entry.id_number_enc = self.pii.encrypt(id_number)
        else:
            uscc = domain.normalize_uscc(data["uscc"])
            error, _ = domain.uscc_problem(uscc)
            if error:
                raise field_error("uscc", error, code="USCC_INVALID")
            entry.uscc = uscc
        self.uow.session.add(entry)
        self.uow.session.flush()
        self.uow.audit("blacklist", "blacklist_entry", entry.id, {"reason": data["reason"]})
        self.uow.emit(*events.blacklist_entry("blacklisted", entry))
        return self._dump_entry(entry)

    @rpc
    def remove_from_blacklist(self, entry_id):
        entry = self.uow.session.get(BlacklistEntry, entry_id)
        if entry is None:
            raise NotFound("no such blacklist entry", code="BLACKLIST_ENTRY_NOT_FOUND")
        if entry.removed_at is None:
            entry.removed_at, entry.removed_by = utcnow(), self.uow.actor.user_id
            self.uow.audit("unblacklist", "blacklist_entry", entry.id, {})
            self.uow.emit(*events.blacklist_entry("unblacklisted", entry))
        return self._dump_entry(entry)

    @rpc
    def list_blacklist(self, active=True, page=1, page_size=20):
        query = select(BlacklistEntry).order_by(BlacklistEntry.created_at.desc(), BlacklistEntry.id)
        if active:
            query = query.where(BlacklistEntry.removed_at.is_(None))
        return paginate(self.uow.session, query, page, page_size, self._dump_entry)

    @rpc(services=("loan",))
    def may_borrow(self, customer_id=None, id_number=None, uscc=None):
        """For the loan service: may this person or enterprise (or its legal representative) borrow?"""
        hits = []
        if customer_id:
            customer = self.uow.session.get(Customer, customer_id)
            if customer is None:
                raise NotFound("no such customer", code="CUSTOMER_NOT_FOUND")
            hits += self._blacklist_hits(customer)
        if id_number:
            hits += self._hits(id_number_hash=self.pii.digest(domain.normalize_id_number(id_number)))
        if uscc:
            hits += self._hits(uscc=domain.normalize_uscc(uscc))
        verdict = domain.eligibility(hits)
        return {"may_borrow": verdict.may_borrow, "reasons": list(verdict.reasons)}

    # -- loan history projection ---------------------------------------------------------------
    @subscribe("loan.application_submitted")
    def on_application_submitted(self, event):
        data = load(ApplicationSubmitted(), event.payload)
        history = self._history(data["application_id"], data["customer_id"], status="applied")
        history.amount = data["amount"]

    @subscribe("loan.disbursed")
    def on_loan_disbursed(self, event):
        data = load(LoanDisbursed(), event.payload)
        if data["application_id"]:  # the application became this loan (even if its own event comes later)
            self._history(data["application_id"], data["customer_id"], status="converted")
        history = self._history(data["loan_id"], data["customer_id"], status="active")
        history.amount = data["principal"]
        self._set_outstanding(history, data["principal"], event)

    @subscribe("loan.application_rejected")
    def on_application_rejected(self, event):
        data = load(ApplicationRejected(), event.payload)
        self._history(data["application_id"], data["customer_id"], status="rejected")

    @subscribe("loan.settled")
    def on_loan_settled(self, event):
        data = load(LoanSettled(), event.payload)
        history = self._history(data["loan_id"], data["customer_id"], status="settled")
        self._set_outstanding(history, Decimal("0"), event)
        self._set_dpd(history, 0, event)

    @subscribe("loan.dpd_changed")
    def on_dpd_changed(self, event):
        data = load(DpdChanged(), event.payload)
        history = self._history(data["loan_id"], data["customer_id"])
        history.worst_dpd = max(history.worst_dpd or 0, data["dpd"])
        self._set_dpd(history, data["dpd"], event)
        if data["outstanding_principal"] is not None:
            self._set_outstanding(history, data["outstanding_principal"], event)

    @subscribe("loan.transferred")
    def on_loan_transferred(self, event):
        """债务转让: the loan is now the new borrower's; it leaves the previous borrower's history."""
        data = load(LoanTransferred(), event.payload)
        self._history(data["loan_id"], data["customer_id"]).customer_id = data["customer_id"]

    @subscribe("collection.classification_changed")
    def on_classification_changed(self, event):
        data = load(ClassificationChanged(), event.payload)
        self._history(data["loan_id"], data["customer_id"]).classification = data["classification"]

    # -- helpers -------------------------------------------------------------------------------
    def _owner(self):
        actor = self.uow.actor
        return {"officer_id": actor.user_id, "department_id": actor.department_id}

    def _sealed(self, id_number, phone):
        return {"id_number_enc": self.pii.encrypt(id_number), "id_number_hash": self.pii.digest(id_number),
                "phone_enc": self.pii.encrypt(phone), "phone_hash": self.pii.digest(phone)}

    def _created(self, customer):
        self.uow.session.add(customer)
        self.uow.session.flush()
        self.uow.audit(f"create_{customer.type}", "customer", customer.id, {"name": customer.name})
        self.uow.emit("created", {"customer_id": customer.id, "type": customer.type,
                                  "department_id": customer.department_id, "officer_id": customer.officer_id})
        return self._dump(customer, unmask=False)

    def _scoped(self, query):
        return scoped(query, self.uow.actor, Customer.department_id, Customer.officer_id)

    def _visible(self, customer_id, read=False, lock=False):
        """A customer in the actor's data scope; to read, also the customer of a collection task given to them."""
        customer = self.uow.session.get(Customer, customer_id, with_for_update=lock)
        if customer is None or not (self.uow.actor.can_see(customer.officer_id, customer.department_id) or (
                read and granted_by_task(self.collection, self.uow.actor, customer_id=customer.id))):
            raise NotFound("no such customer", code="CUSTOMER_NOT_FOUND")
        return customer

    def _dump(self, customer, unmask):
        id_number, phone = self.pii.decrypt(customer.id_number_enc), self.pii.decrypt(customer.phone_enc)
        if not unmask:
            id_number, phone = domain.mask_id_number(id_number), domain.mask_phone(phone)
        result = {"id": customer.id, "type": customer.type, "name": customer.name, "phone": phone,
                  "address": customer.address, "department_id": customer.department_id,
                  "officer_id": customer.officer_id, "created_at": customer.created_at.isoformat()}
        if customer.type == "person":
            result.update(id_number=id_number, employer=customer.employer,
                          monthly_income=money(customer.monthly_income))
        else:
            result.update(uscc=customer.uscc, uscc_warning=customer.uscc_warning,
                          legal_representative=customer.legal_representative,
                          legal_representative_id_number=id_number,
                          registered_capital=money(customer.registered_capital))
        return result

    def _hits(self, **match):
        column, value = next(iter(match.items()))
        entries = self.uow.session.scalars(select(BlacklistEntry).where(
            getattr(BlacklistEntry, column) == value, BlacklistEntry.removed_at.is_(None))).all()
        return [(column.replace("_hash", ""), entry.reason) for entry in entries]

    def _blacklist_hits(self, customer):
        hits = self._hits(customer_id=customer.id) + self._hits(id_number_hash=customer.id_number_hash)
        if customer.uscc:
            hits += self._hits(uscc=customer.uscc)
        return hits

    def _history(self, loan_id, customer_id, status=None):
        # Locked: two events about one loan handled at once must not overwrite each other's update.
        history = self.uow.session.get(LoanHistory, loan_id, with_for_update=True)
        if history is None:
            history = LoanHistory(loan_id=loan_id, customer_id=customer_id, status=status or "active",
                                  amount=Decimal("0"), outstanding_principal=Decimal("0"), dpd=0, worst_dpd=0)
            self.uow.session.add(history)
        elif status:
            domain.advance(history, status)
        return history

    @staticmethod
    def _set_dpd(history, dpd, event):
        as_of = f"{event.business_date}|{event.occurred_at}"
        if domain.is_newer(as_of, history.dpd_as_of):
            history.dpd, history.dpd_as_of = dpd, as_of

    @staticmethod
    def _set_outstanding(history, amount, event):
        as_of = f"{event.business_date}|{event.occurred_at}"
        if domain.is_newer(as_of, history.outstanding_as_of):
            history.outstanding_principal, history.outstanding_as_of = amount, as_of

    def _loans(self, customer_id):
        rows = self.uow.session.scalars(select(LoanHistory).where(LoanHistory.customer_id == customer_id)
                                        .where(LoanHistory.status != "converted")
                                        .order_by(LoanHistory.updated_at)).all()
        return [{"loan_id": r.loan_id, "status": r.status, "amount": money(r.amount),
                 "outstanding_principal": money(r.outstanding_principal), "dpd": r.dpd,
                 "worst_dpd": r.worst_dpd, "classification": r.classification} for r in rows]

    @staticmethod
    def _credit(loans):
        booked = [loan for loan in loans if loan["status"] in domain.BOOKED]
        worst = None
        for loan in booked:
            if loan["classification"]:
                worst = domain.worse_classification(worst, loan["classification"])
        return {
            "loans_count": len(booked),
            "applications_pending": sum(1 for loan in loans if loan["status"] == "applied"),
            "total_amount": money(sum((Decimal(loan["amount"]) for loan in booked), Decimal("0"))),
            "exposure": money(sum((Decimal(loan["outstanding_principal"]) for loan in booked
                                   if loan["status"] == "active"), Decimal("0"))),
            "worst_dpd": max((loan["worst_dpd"] for loan in booked), default=0),
            "worst_classification": worst,
        }

    def _dump_entry(self, entry):
        id_number = self.pii.decrypt(entry.id_number_enc)
        return {"id": entry.id, "customer_id": entry.customer_id, "id_number": domain.mask_id_number(id_number),
                "uscc": entry.uscc, "reason": entry.reason, "created_by": entry.created_by,
                "created_at": entry.created_at.isoformat(),
                "removed_by": entry.removed_by,
                "removed_at": entry.removed_at.isoformat() if entry.removed_at else None}


def _valid_id_number(raw, field):
    value = domain.normalize_id_number(raw)
    problem = domain.id_number_problem(value)
    if problem:
        raise field_error(field, problem, code="ID_NUMBER_INVALID")
    return value


def _valid_phone(raw):
    value = (raw or "").strip()
    problem = domain.phone_problem(value)
    if problem:
        raise field_error("phone", problem, code="PHONE_INVALID")
    return value
