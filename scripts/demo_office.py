"""The demo book's office (scripts/demo.py): the staff it signs in and what every step shares, then its first steps:
branches, positions and staff, the products, the customers, their cars and valuations."""
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from demo_api import Api, ApiError
from demo_company import (BLACKLISTED, CARS, CITY, CUSTOMERS, DEPARTMENTS, ENTERPRISES, PENDING_VALUATIONS, PERSONS,
                          POSITIONS, PRODUCTS, STAFF, STORIES, Person)
from demo_values import add_months, password

WORKERS = 4  # commands in flight at once: enough to keep every service busy on two cores


class Office:
    """The demo staff at work, and what every step of the seeding shares: the signed-in users (`staff`, by key),
    the ids of what they made (`ids`), a 409 recognised as work already done, the journal's Idempotency-Keys; and
    the book's first steps: the organisation, the products, the customers and their cars. `journal` and `day` are
    the seeding's (scripts/demo.py, `Seeder.run`)."""

    def __init__(self, url, data_dir, admin_password, say=print):
        self.url, self.data_dir, self.say = url, Path(data_dir), say
        self.admin, self.admin_password = Api(url, who="admin"), admin_password
        self.staff, self.ids, self.vehicles = {}, {}, {}

    def parallel(self, function, items):
        """`function` over `items` a few at a time (the services work while the gateway waits), in order."""
        with ThreadPoolExecutor(WORKERS) as pool:
            return list(pool.map(function, items))

    def login(self, username, secret):
        answer = Api(self.url, who=username).post("/auth/login", {"username": username, "password": secret})
        return answer["access_token"]

    def created(self, path, body, existing, api=None):
        """POST a new object; on a 409 (made by an interrupted run, or another copy of this one) find it."""
        try:
            return (api or self.admin).post(path, body)
        except ApiError as exc:
            if exc.status != 409:
                raise
            if exc.answer.get("existing_id"):
                return {"id": exc.answer["existing_id"]}
            return existing()

    def key(self, *parts):
        """An Idempotency-Key of this book's own: a resumed run replays money commands instead of repeating them."""
        return {"Idempotency-Key": "demo-" + "-".join(str(p) for p in (self.journal.state["seed"], *parts))}

    def signed_ago(self, story):
        """Days before the book's date the contract is signed (and, for a loan paid out, the money paid)."""
        if story.disbursed:
            late, installment = story.disbursed
            return (self.day - add_months(self.day - dt.timedelta(days=late), -installment)).days
        return story.signed_ago

    # -- organisation --------------------------------------------------------------------------------
    def organisation(self, plan):
        departments = {d["code"]: d for d in self.admin.each("/departments")}
        head_office = departments["HQ"]["id"] if "HQ" in departments else next(
            d["id"] for d in departments.values() if d["parent_id"] is None)
        self.departments = {"HQ": head_office}
        self.department_names = {head_office: departments.get("HQ", {}).get("name", "总部")}
        for code, name in DEPARTMENTS:
            if code not in departments:
                departments[code] = self.created("/departments", {"code": code, "name": name, "parent_id": head_office},
                                                 lambda code=code: next(d for d in self.admin.each("/departments")
                                                                        if d["code"] == code))
            self.departments[code] = departments[code]["id"]
            self.department_names[departments[code]["id"]] = departments[code]["name"]
        positions = {p["code"]: p["id"] for p in self.admin.each("/positions")}
        for code, name in POSITIONS:
            if code not in positions:
                positions[code] = self.created("/positions", {"code": code, "name": name}, lambda code=code: next(
                    p for p in self.admin.each("/positions") if p["code"] == code))["id"]
        passwords = self.journal.state["passwords"]
        for key, role, username, name, department, position in STAFF:
            if username not in passwords:
                passwords[username] = password()
                self.journal.save()  # before the account exists: a resumed run signs in with the same password
        existing = {e["username"]: e for e in self.admin.each("/employees")}

        def employee(member):
            key, role, username, name, department, position = member
            found = existing.get(username) or self.created("/employees", {
                "username": username, "password": passwords[username], "name": name, "phone": plan[username],
                "department_id": self.departments[department], "position_id": positions[position],
                "roles": [role]}, lambda: next(e for e in self.admin.each("/employees") if e["username"] == username))
            self.ids[key] = found["id"]
            self.staff[key] = Api(self.url, self.login(username, passwords[username]), who=username)

        self.parallel(employee, STAFF)

    def products(self):
        known = {p["code"]: p["id"] for p in self.admin.each("/products")}
        self.product_ids = {}
        for product in PRODUCTS:
            self.product_ids[product["code"]] = known.get(product["code"]) or self.created(
                "/products", product, lambda code=product["code"]: next(
                    p for p in self.admin.each("/products") if p["code"] == code))["id"]

    # -- customers and their cars ----------------------------------------------------------------------
    def officer(self, customer_key):
        customer = CUSTOMERS[customer_key]
        return "officer_hz" if CITY[customer.region[:4]][0] == "HZ" else "officer_nb"

    def customers(self, plan):
        def register(customer):
            officer, facts = self.staff[self.officer(customer.key)], plan[customer.key]
            if isinstance(customer, Person):
                self.ids[customer.key] = self.created("/customers/persons", {
                    "name": customer.name, "id_number": facts["id_number"], "phone": facts["phone"],
                    "address": customer.address, "employer": customer.employer,
                    "monthly_income": customer.income}, None, api=officer)["id"]
            else:
                self.ids[customer.key] = self.created("/customers/enterprises", {
                    "name": customer.name, "uscc": facts["uscc"], "legal_representative": customer.representative,
                    "legal_representative_id_number": facts["representative_id"], "phone": facts["phone"],
                    "address": customer.address, "registered_capital": customer.capital}, None, api=officer)["id"]

        self.parallel(register, (*PERSONS, *ENTERPRISES))
        customer, reason = BLACKLISTED
        risk = self.staff["risk_a"]
        if not any(e["customer_id"] == self.ids[customer] for e in risk.each("/blacklist")):
            risk.post("/blacklist", {"customer_id": self.ids[customer], "reason": reason})
        self.parallel(lambda story: self.vehicle(
            story.key, story.customer, story.car, story.year, story.value, plan,
            valued_on=self.day - dt.timedelta(days=min(self.signed_ago(story) + 3, 85))), STORIES)
        for customer, car, value, year in PENDING_VALUATIONS:
            self.vehicle(f"V-{customer}", customer, car, year, value, plan, valued_on=self.day, review=False)

    def vehicle(self, key, customer, car_key, year, value, plan, valued_on, review=True):
        car, facts = CARS[car_key], plan[f"car:{key}"]
        officer = self.staff[self.officer(customer)]
        vehicle_id = self.created("/vehicles", {
            "vin": facts["vin"], "plate_number": facts["plate"], "brand": car.brand, "model": car.model, "year": year,
            "mileage_km": facts["mileage_km"], "owner_customer_id": self.ids[customer]}, None, api=officer)["id"]
        self.ids[f"car:{key}"] = self.vehicles[key] = vehicle_id
        appraiser, reviewer = self.staff["appraiser_a"], self.staff["appraiser_b"]
        if int(key[-2:]) % 2:  # the two appraisers take turns, each reviewing the other's work
            appraiser, reviewer = reviewer, appraiser
        valuations = list(appraiser.each("/valuations", vehicle_id=vehicle_id))
        valuation = valuations[0] if valuations else appraiser.post(f"/vehicles/{vehicle_id}/valuations", {
            "appraised_value": value, "method": "market", "valued_on": valued_on.isoformat(),
            "notes": f"{year}年{car.brand}{car.model}, 车况良好, 参照同城近三月同款成交价"})
        if review and valuation["status"] == "submitted":
            try:
                reviewer.post(f"/valuations/{valuation['id']}/review", {"approve": True, "comment": "复核无误"})
            except ApiError as exc:
                if exc.code != "VALUATION_ALREADY_REVIEWED":
                    raise
