"""The demo book's loans (scripts/demo.py): each story's application driven to its target, the contracts paid
out, GPS fitted and mortgages registered, repayments on their due dates and an early repayment, the close of
business, then post-loan work and provisions."""
import datetime as dt
from decimal import Decimal

from demo_api import ApiError, DemoError, wait_for
from demo_company import (CLASSIFICATION_REQUEST, COLLECTION_RECORDS, CUSTOMERS, GPS_ALERTS, RELEASED,
                          RESOLVED_WARNING, STORIES, STORIES_BY_KEY, UNFITTED)
from demo_office import Office

FEN = Decimal("0.01")


class Loans(Office):
    """The steps of the book's loans, each recognising its own work from an earlier, interrupted run."""

    # -- origination: each story's application driven up to its target ----------------------------------
    def originate(self, story, plan):
        """The application up to its target; returns the loan id once a contract is signed (else None)."""
        officer = self.staff[self.officer(story.customer)]
        customer, vehicle = self.ids[story.customer], self.ids[f"car:{story.key}"]
        found = [a for a in officer.each("/loan-applications", customer_id=customer) if a["vehicle_id"] == vehicle]
        application = found[0] if found else self.applied(officer, story, customer, vehicle)
        path = f"/loan-applications/{application['id']}"
        reject = story.target == "rejected"
        while True:
            status = application["status"]
            if status == story.target or status in ("rejected", "contracted"):
                break
            if status == "submitted":
                step = ("investigation", self.staff["risk_a"], {
                    "findings": story.findings, "recommendation": "reject" if reject else "approve",
                    "income_verified": not reject, "home_visit": "已实地走访, 居住地址属实",
                    "work_visit": "已电话核实工作单位及收入"})
            elif status == "investigated":
                step = ("decision", self.staff["risk_b"], {"approve": not reject, "comment": (
                    "负债收入比超过准入标准, 不予通过" if reject else "同意, 按调查意见放款")})
            elif status == "pending_second_approval":
                step = ("decision", self.staff["approver_a"], {"approve": True, "comment": "同意, 落实担保后签约"})
            elif status == "approved" and story.target != "approved":
                step = ("contract", officer, {"signed_on": (self.day - dt.timedelta(
                    days=self.signed_ago(story))).isoformat()})
            else:
                break
            name, actor, body = step
            try:
                answer = actor.post(f"{path}/{name}", body)
            except ApiError as exc:
                if exc.code != "APPLICATION_STATE":  # a step an interrupted run took: read where it stands
                    raise
            application = officer.get(path)
            if name == "contract" and application["status"] != "contracted":
                raise DemoError(f"{story.key}: the contract was not signed: {answer}")
        return application.get("loan_id")

    def applied(self, officer, story, customer, vehicle):
        try:
            return officer.post("/loan-applications", {"customer_id": customer, "product_id": self.product_ids[
                story.product], "vehicle_id": vehicle, "amount": story.amount, "term_months": story.term})
        except ApiError as exc:
            if exc.code != "VEHICLE_ALREADY_PLEDGED":
                raise
            return next(a for a in officer.each("/loan-applications", customer_id=customer)
                        if a["vehicle_id"] == vehicle)

    def disburse(self, story, loan_id, plan):
        """Registration by the finance clerk; for a loan paid out, the review by a finance reviewer."""
        clerk, loan = self.staff["clerk"], self.staff["clerk"].get(f"/loans/{loan_id}")
        customer = CUSTOMERS[story.customer]
        if loan["status"] == "signed" and (loan["disbursement"] or {}).get("status") != "pending_review":
            clerk.post(f"/loans/{loan_id}/disbursement", {
                "payee_name": customer.name, "payee_account": plan[f"car:{story.key}"]["card"],
                "amount": loan["net_amount"]}, headers=self.key(story.key, "disbursement"))
        if story.target in ("signed", "pending_review") or clerk.get(f"/loans/{loan_id}")["status"] != "signed":
            return
        day = self.day - dt.timedelta(days=self.signed_ago(story))
        checker = self.staff["checker_a" if int(story.key[1:]) % 2 else "checker_b"]
        checker.post(f"/loans/{loan_id}/disbursement/review", {
            "approve": True, "voucher_no": f"FK{day:%Y%m%d}{story.key[1:]}", "disbursed_on": day.isoformat(),
            "comment": "放款资料齐全, 复核通过"}, headers=self.key(story.key, "review"))

    # -- collateral: GPS fitted and mortgages registered (before anything settles and cancels them) ------
    def collateral_work(self, plan, loans):
        self.parallel(lambda story: self.disburse(story, loans[story.key], plan),
                      [story for story in STORIES if loans[story.key] and story.target != "signed"])
        clerk = self.staff["collateral"]
        paid_out = {loans[s.key]: s for s in STORIES if loans[s.key] and s.target in ("active", "settled")}
        gps = wait_for("the GPS installation tasks", lambda: (
            tasks := {t["loan_id"]: t for t in clerk.each("/gps-tasks", kind="gps_install")
                      if t["loan_id"] in paid_out}) and len(tasks) == len(paid_out) and tasks)
        mortgages = wait_for("the mortgage registration tasks", lambda: (
            tasks := {t["loan_id"]: t for t in clerk.each("/mortgages") if t["loan_id"] in paid_out})
            and len(tasks) == len(paid_out) and tasks)
        def fitted(loan_id):
            story = paid_out[loan_id]
            paid_on = self.day - dt.timedelta(days=self.signed_ago(story))
            if story.key == UNFITTED:
                return
            self.complete(clerk, f"/gps-tasks/{gps[loan_id]['id']}/complete", gps[loan_id], {
                "device_imei": plan[f"car:{story.key}"]["imei"], "installed_on": paid_on.isoformat(),
                "installer": "浙江车卫士GPS安装服务部"})
            if (self.day - paid_on).days >= 20:
                registered = paid_on + dt.timedelta(days=7)
                self.complete(clerk, f"/mortgages/{mortgages[loan_id]['id']}/register", mortgages[loan_id], {
                    "certificate_no": plan[f"car:{story.key}"]["certificate"],
                    "registered_on": registered.isoformat(), "note": "车管所办理抵押登记"})

        self.parallel(fitted, paid_out)

    def releases(self, loans):
        """The car of the loan repaid at maturity is released; the one paid off early waits in the clerk's queue."""
        clerk, story = self.staff["collateral"], STORIES_BY_KEY[RELEASED]
        tasks = wait_for("the release tasks", lambda: (found := list(clerk.each(
            "/releases", loan_id=loans[story.key]))) and found)
        gps = wait_for("the GPS removal task", lambda: [t for t in clerk.each(
            "/gps-tasks", loan_id=loans[story.key]) if t["kind"] == "gps_removal"])
        done_on = dt.date.fromisoformat(tasks[0]["opened_on"]) + dt.timedelta(days=3)
        self.complete(clerk, f"/releases/{tasks[0]['id']}/complete", tasks[0], {
            "released_on": done_on.isoformat(), "note": "借款人到场, 车管所办理解除抵押"})
        self.complete(clerk, f"/gps-tasks/{gps[0]['id']}/complete", gps[0], {
            "removed_on": done_on.isoformat(), "note": "设备已拆除回收"})

    @staticmethod
    def complete(api, path, task, body):
        if task["status"] != "open":
            return
        try:
            api.post(path, body)
        except ApiError as exc:
            if exc.code != "TASK_ALREADY_COMPLETED":
                raise

    # -- servicing: repayments on their due dates, an early repayment ------------------------------------
    def service(self, story, loan_id):
        if story.target not in ("active", "settled"):
            return
        clerk = self.staff["clerk"]
        schedule = clerk.get(f"/loans/{loan_id}/schedule")["installments"]
        for line in schedule[:story.paid]:
            due = dt.date.fromisoformat(line["due_date"])
            if due > self.day:
                raise DemoError(f"{story.key}: installment {line['no']} is not due by {self.day}")
            owed = sum(Decimal(line[p]) - Decimal(line[f"paid_{p}"]) for p in ("principal", "interest", "fees"))
            if owed <= 0:
                continue
            clerk.post(f"/loans/{loan_id}/repayments", {
                "amount": str(owed.quantize(FEN)), "paid_on": due.isoformat(),
                "channel": "auto_debit" if line["no"] % 3 else "bank_transfer",
                "voucher_no": f"HK{due:%Y%m%d}{story.key[1:]}{line['no']:02d}"},
                headers=self.key(story.key, "repayment", line["no"]))
        if story.prepay_ago is not None and clerk.get(f"/loans/{loan_id}")["status"] == "active":
            body = {"paid_on": (self.day - dt.timedelta(days=story.prepay_ago)).isoformat(), "full": True,
                    "channel": "bank_transfer"}
            quote = clerk.post(f"/loans/{loan_id}/prepayment-quote", {k: body[k] for k in ("paid_on", "full")})
            clerk.post(f"/loans/{loan_id}/prepayments", body, headers=self.key(story.key, "prepayment"))
            if Decimal(quote["amount"]) <= 0:
                raise DemoError(f"{story.key}: nothing to pay off early: {quote}")

    def close_of_business(self):
        """日终 for the book's date: the first close of a new book takes that date alone, so it is one date's work
        however far back the loans go (DPD and penalty counted from each due date)."""
        try:
            self.admin.post("/cob", {"business_date": self.day.isoformat()}, expect=(200, 202))
        except ApiError as exc:
            if exc.code != "COB_DATE_PASSED":  # closed already: by an interrupted run, or someone since
                raise
        self.closed = wait_for("the close of business", lambda: (
            run := self.admin.get("/cob"))["business_date"] >= self.day.isoformat() and run["status"] == "done"
            and run, timeout=120)

    # -- post-loan: tasks worked, a warning resolved, a grade adjustment asked, GPS alerts ---------------
    def post_loan(self, plan, loans):
        manager = self.staff["post_loan"]
        late = {s.key for s in STORIES if s.disbursed and s.disbursed[0] > 5}
        tasks = wait_for("the collection tasks", lambda: (found := {
            t["loan_id"]: t for t in manager.each("/collection/tasks", status="open")}) and all(
            loans[key] in found for key in late) and found)
        for key, channel, result, promise_days in COLLECTION_RECORDS:
            task = tasks[loans[key]]
            collector = next(self.staff[k] for k in ("collector_hz", "collector_nb") if self.ids[k] == task[
                "assignee_id"]) if task["assignee_id"] else manager
            if collector.get(f"/collection/tasks/{task['id']}")["records"]:
                continue
            body = {"channel": channel, "result": result}
            if promise_days:
                owed = collector.get(f"/loans/{loans[key]}")["next_due"]["amount"]
                body.update(promised_amount=owed,
                            promised_on=(self.day + dt.timedelta(days=promise_days)).isoformat())
            collector.post(f"/collection/tasks/{task['id']}/records", body)
        key, kind, resolution = RESOLVED_WARNING
        warning = wait_for("the first-overdue warning", lambda: [
            w for w in manager.each("/warnings", loan_id=loans[key]) if w["kind"] == kind])[0]
        if warning["status"] == "open":
            manager.post(f"/warnings/{warning['id']}/resolve", {"resolution": resolution})
        key, grade, reason = CLASSIFICATION_REQUEST
        wait_for("the grades", lambda: manager.get("/classifications", loan_id=loans[key])["items"][0]["grade"]
                 != "normal")
        try:
            manager.post(f"/classifications/{loans[key]}/adjustments", {"grade": grade, "reason": reason})
        except ApiError as exc:
            if exc.status != 409:  # already asked (an interrupted run): it waits for its checker
                raise
        gps, clerk = self.staff["gps"], self.staff["collateral"]  # the platform's account reports, staff read
        for key, kind, at in GPS_ALERTS:
            device = plan[f"car:{key}"]["imei"]
            if not any(a["kind"] == kind for a in clerk.each("/gps/alerts", loan_id=loans[key])):
                gps.post("/gps/alerts", {"device_imei": device, "kind": kind,
                                         "at": f"{self.day - dt.timedelta(days=1)}T{at}+08:00"})
        self.tasks = tasks

    def finance(self):
        """计提拨备 once the grades reached the books, by a finance reviewer."""
        checker = self.staff["checker_a"]
        overdue = sum(1 for s in STORIES if s.disbursed)
        wait_for("the grades in the books", lambda: sum(g["loans"] for g in checker.get(
            "/finance/reports/portfolio", as_of=self.day.isoformat())["grades"]
            if g["classification"] != "normal") >= overdue)
        try:
            checker.post("/finance/provisions/run", {"as_of": self.day.isoformat()})
        except ApiError as exc:
            if exc.code != "PROVISIONS_ALREADY_RUN":
                raise
