"""A steady mixed load through the gateway, for the chaos suite and the soak benchmark: loans taken from
application to disbursement, repayments, close of business. Every request is timed; every money-moving command
is kept with its Idempotency-Key and retried with that same key until it is answered, so afterwards one can
check that each answered command took effect exactly once."""
import datetime as dt
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

import requests

from services.common import clock
from tests.helpers import new_id_number, new_vin

# Who does what in a loan's life: role of each member of the branch's staff (close of business: admin).
STAFF_ROLES = {"officer": "loan_officer", "appraiser_a": "appraiser", "appraiser_b": "appraiser",
               "reviewer_1": "risk_reviewer", "reviewer_2": "risk_reviewer", "clerk": "finance_clerk",
               "checker": "finance_reviewer"}


def prepare(base_url, admin_password):
    """A branch with its staff and a 36-month product, through the gateway: (tokens by member, product id)."""
    base = base_url.rstrip("/") + "/api/v1"

    def login(username, password):
        response = requests.post(f"{base}/auth/login", json={"username": username, "password": password}, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    tokens = {"cob": login("admin", admin_password)}
    admin = requests.Session()
    admin.headers["Authorization"] = f"Bearer {tokens['cob']}"
    tag = uuid.uuid4().hex[:6]
    branch = admin.post(f"{base}/departments", json={"code": f"LOAD{tag}", "name": "压测分公司"}, timeout=30)
    assert branch.status_code == 201, branch.text
    for member, role in STAFF_ROLES.items():
        username, password = f"load{member.replace('_', '')}{tag}", f"Load-{uuid.uuid4().hex[:12]}!"
        created = admin.post(f"{base}/employees", timeout=30, json={
            "username": username, "password": password, "name": f"压测{member}", "roles": [role],
            "department_id": branch.json()["id"]})
        assert created.status_code == 201, created.text
        tokens[member] = login(username, password)
    product = admin.post(f"{base}/products", timeout=30, json={
        "code": f"LOAD{tag}", "name": "压测车贷 36期", "repayment_method": "equal_installment",
        "annual_rate": "0.088800", "min_term_months": 12, "max_term_months": 36, "min_amount": "10000.00",
        "max_amount": "500000.00", "max_ltv": "0.80", "grace_days": 3, "prepayment_fee_rate": "0.02",
        "upfront_fees": [{"name": "GPS费", "amount": "1500.00"}]})
    assert product.status_code == 201, product.text
    return tokens, product.json()["id"]


class Unanswered(Exception):
    """A step still failing (5xx, timeout, broken connection) when its retry time ran out."""


@dataclass
class Command:
    """A money-moving command as the load generator sent it: retried under one key until answered."""
    kind: str  # disbursement | repayment | cob
    key: str
    path: str
    body: dict
    loan_id: str = None
    statuses: list = field(default_factory=list)  # every attempt's status (0: no answer)
    answer: dict = None  # the body of the 2xx that answered it

    @property
    def answered(self):
        return self.answer is not None

    @property
    def status(self):
        return self.statuses[-1] if self.statuses else None


@dataclass
class Sample:
    at: float
    seconds: float
    status: int  # 0: no answer (timeout, connection refused or reset)
    route: str


class Load:
    """`workers` threads, each taking a new loan from application to disbursement or making a repayment on a
    loan already out; one more thread closes a business date every `cob_every` seconds. `rate` caps the
    requests per second of all of them together (None: each worker sends as fast as it is answered)."""

    def __init__(self, base_url, tokens, product_id, workers=3, rate=None, cob_every=15.0, retry_for=120.0,
                 new_loan_share=0.2, seed=None):
        self.base, self.tokens, self.product_id = base_url.rstrip("/") + "/api/v1", tokens, product_id
        self.workers, self.rate, self.cob_every, self.retry_for = workers, rate, cob_every, retry_for
        self.new_loan_share = new_loan_share
        self.random = random.Random(seed)
        self.samples, self.commands, self.loans, self.abandoned, self.failures = [], [], [], 0, []
        self.abandon_reasons, self.concurrent_changes = [], 0
        self.created = {"customers": [], "applications": []}
        self.business_date = clock.today() - dt.timedelta(days=1)  # the next close is today's
        self._lock = threading.Lock()
        self._next_slot = time.monotonic()
        self._stop = threading.Event()
        self._threads = []

    # -- running -------------------------------------------------------------------------------
    def start(self):
        self._threads = [threading.Thread(target=self._work, name=f"load-{n}", daemon=True)
                         for n in range(self.workers)]
        if self.cob_every:
            self._threads.append(threading.Thread(target=self._close_days, name="load-cob", daemon=True))
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout=None):
        """Stop starting new work; wait for what is under way (each command retried until answered)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout if timeout is not None else self.retry_for + 60)

    def _work(self):
        sessions = {name: self._session(token) for name, token in self.tokens.items()}
        while not self._stop.is_set():
            try:
                with self._lock:
                    loans = list(self.loans)
                if len(loans) < 3 or self.random.random() < self.new_loan_share:
                    self.new_loan(sessions)
                else:
                    self.repay(sessions["clerk"], self.random.choice(loans))
            except Unanswered as exc:
                with self._lock:
                    self.abandoned += 1
                    self.abandon_reasons.append(str(exc))
            except Exception as exc:  # a state the platform should never be in: reported, and the load goes on
                with self._lock:
                    self.failures.append(f"{type(exc).__name__}: {exc}")

    def _close_days(self):
        session = self._session(self.tokens["cob"])
        while not self._stop.wait(self.cob_every):
            with self._lock:
                self.business_date += dt.timedelta(days=1)
                date = self.business_date
            command = Command("cob", f"cob-{date}", "/cob", {"business_date": date.isoformat()})
            with self._lock:
                self.commands.append(command)
            self._until_answered(session, command)

    @staticmethod
    def _session(token):
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        return session

    # -- one request ---------------------------------------------------------------------------
    def _pace(self):
        if not self.rate:
            return
        with self._lock:
            slot = max(self._next_slot, time.monotonic())
            self._next_slot = slot + 1.0 / self.rate
        time.sleep(max(slot - time.monotonic(), 0))

    def request(self, session, method, path, route, **kwargs):
        """One timed request; (status, body), status 0 when no answer came."""
        self._pace()
        began = time.monotonic()
        try:
            response = session.request(method, self.base + path, timeout=30, **kwargs)
            status = response.status_code
            try:
                body = response.json()
            except ValueError:
                body = None
        except requests.RequestException:
            status, body = 0, None
        with self._lock:
            self.samples.append(Sample(began, time.monotonic() - began, status, route))
        return status, body

    def _again(self, status, body):
        """Whether to send the request again: no answer, a 5xx, or 409 CONCURRENT_CHANGE (it lost a race with
        data written at the same time, nothing was done, and the platform says the caller may retry)."""
        if status == 409 and isinstance(body, dict) and body.get("code") == "CONCURRENT_CHANGE":
            with self._lock:
                self.concurrent_changes += 1
            return True
        return not status or status >= 500

    def _retrying(self, session, method, path, route, ok, **kwargs):
        """Send until the answer is not a 5xx or a missing answer; give up after `retry_for` seconds."""
        deadline, pause = time.monotonic() + self.retry_for, 0.25
        while True:
            status, body = self.request(session, method, path, route, **kwargs)
            if not self._again(status, body):
                if status not in ok:
                    raise Unanswered(f"{method} {route}: {status} {body}")
                return status, body
            if time.monotonic() > deadline:
                raise Unanswered(f"{method} {route}: no answer in {self.retry_for:g} s (last {status})")
            time.sleep(pause)
            pause = min(pause * 2, 4)

    def _until_answered(self, session, command, route=None):
        """A money-moving command: the same body under the same Idempotency-Key until a 2xx or a 4xx answers
        it (a 4xx is a refusal, kept in `statuses`)."""
        deadline, pause = time.monotonic() + self.retry_for, 0.25
        while True:
            status, body = self.request(session, "POST", command.path, route or command.kind, json=command.body,
                                        headers={"Idempotency-Key": command.key})
            command.statuses.append(status)
            if 200 <= status < 300:
                command.answer = body
                return body
            if not self._again(status, body):
                raise Unanswered(f"{command.kind} {command.key} refused: {status} {body}")
            if time.monotonic() > deadline:
                raise Unanswered(f"{command.kind} {command.key}: no answer in {self.retry_for:g} s")
            time.sleep(pause)
            pause = min(pause * 2, 4)

    # -- the workload --------------------------------------------------------------------------
    def new_loan(self, s):
        """A customer with a car, valued and reviewed; application, investigation, approval, contract;
        disbursement registered and reviewed. A retried step that had already taken effect is recognised
        (409 with the existing id, or the state it left) and the loan goes on."""
        today = clock.today().isoformat()
        officer = s["officer"]
        status, body = self._retrying(officer, "POST", "/customers/persons", "customer", (201, 409), json={
            "name": "压测客户", "id_number": new_id_number(), "phone": f"139{uuid.uuid4().int % 10 ** 8:08d}"})
        customer_id = body["id"] if status == 201 else body["existing_id"]
        if status == 201:
            with self._lock:
                self.created["customers"].append(customer_id)
        status, body = self._retrying(officer, "POST", "/vehicles", "vehicle", (201, 409), json={
            "vin": new_vin(), "brand": "吉利", "model": "星越", "year": 2023, "owner_customer_id": customer_id})
        vehicle_id = body["id"] if status == 201 else body["existing_id"]
        _, valuation = self._retrying(s["appraiser_a"], "POST", f"/vehicles/{vehicle_id}/valuations", "valuation",
                                      (201,), json={"appraised_value": "200000.00", "method": "market"})
        self._retrying(s["appraiser_b"], "POST", f"/valuations/{valuation['id']}/review", "valuation review",
                       (200, 409), json={"approve": True})
        amount = Decimal(self.random.randrange(50, 120)) * 1000
        status, body = self._retrying(officer, "POST", "/loan-applications", "application", (201, 422), json={
            "customer_id": customer_id, "product_id": self.product_id, "vehicle_id": vehicle_id,
            "amount": f"{amount:.2f}", "term_months": 36})
        if status == 422:  # an earlier attempt took effect: the vehicle is pledged to it
            assert body["code"] == "VEHICLE_ALREADY_PLEDGED", body
            _, listed = self._retrying(officer, "GET", "/loan-applications", "applications", (200,),
                                       params={"customer_id": customer_id})
            assert len(listed["items"]) == 1, f"application refused ({body}), yet {listed['total']} of them"
            [body] = listed["items"]
        application_id = body["id"]
        with self._lock:
            self.created["applications"].append(application_id)
        path = f"/loan-applications/{application_id}"
        self._retrying(s["reviewer_1"], "POST", f"{path}/investigation", "investigation", (200, 201, 409),
                       json={"findings": "收入稳定", "recommendation": "approve"})
        self._retrying(s["reviewer_2"], "POST", f"{path}/decision", "decision", (200, 409), json={"approve": True})
        status, loan = self._retrying(officer, "POST", f"{path}/contract", "contract", (200, 201, 409),
                                      json={"signed_on": today})
        if status == 409:  # signed by an earlier attempt
            _, listed = self._retrying(officer, "GET", "/loans", "loans", (200,), params={"customer_id": customer_id})
            assert len(listed["items"]) == 1, f"contract refused ({loan}), yet {listed['total']} loan(s)"
            [loan] = listed["items"]
        self._retrying(s["clerk"], "POST", f"/loans/{loan['id']}/disbursement", "disbursement", (201, 409), json={
            "payee_name": "压测客户", "payee_account": "6222020200112233445", "amount": loan["net_amount"]})
        key = uuid.uuid4().hex
        command = Command("disbursement", key, f"/loans/{loan['id']}/disbursement/review",
                          {"approve": True, "voucher_no": f"FK{key[:16]}", "disbursed_on": today}, loan["id"])
        with self._lock:
            self.commands.append(command)
        self._until_answered(s["checker"], command, "disbursement review")
        with self._lock:
            self.loans.append(loan["id"])

    def repay(self, clerk, loan_id):
        key = uuid.uuid4().hex
        amount = Decimal(self.random.randrange(5000, 50000)) / 100
        command = Command("repayment", key, f"/loans/{loan_id}/repayments", {
            "amount": f"{amount:.2f}", "paid_on": clock.today().isoformat(), "channel": "bank_transfer",
            "payer_name": "压测客户", "voucher_no": f"HK{key[:20]}"}, loan_id)
        with self._lock:
            self.commands.append(command)
        self._until_answered(clerk, command)

    # -- figures -------------------------------------------------------------------------------
    def of_kind(self, kind):
        return [command for command in self.commands if command.kind == kind]

    def figures(self, since=None):
        """Requests, errors (5xx or no answer), 4xx, p50 / p99 / max latency in ms over the samples."""
        samples = [s for s in self.samples if since is None or s.at >= since]
        latencies = sorted(s.seconds for s in samples)

        def rank(q):
            return round(latencies[min(len(latencies) - 1, max(0, int(q * len(latencies) + 0.999999) - 1))]
                         * 1000, 1) if latencies else None

        return {"requests": len(samples), "errors": sum(1 for s in samples if s.status == 0 or s.status >= 500),
                "refused_4xx": sum(1 for s in samples if 400 <= s.status < 500),
                "p50_ms": rank(0.50), "p99_ms": rank(0.99), "max_ms": rank(1.0)}

    def by_route(self, since=None):
        """{route: (requests, p50 ms, p99 ms)}, slowest median first."""
        routes = {}
        for sample in self.samples:
            if since is None or sample.at >= since:
                routes.setdefault(sample.route, []).append(sample.seconds)
        result = {}
        for route, seconds in routes.items():
            seconds.sort()
            result[route] = (len(seconds), round(seconds[len(seconds) // 2] * 1000, 1),
                             round(seconds[min(len(seconds) - 1, int(0.99 * len(seconds)))] * 1000, 1))
        return dict(sorted(result.items(), key=lambda item: -item[1][1]))
