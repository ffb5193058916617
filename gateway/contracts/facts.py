"""The loan's figures as a contract prints them, worded from what the services answered (the loan, its schedule,
its product, the borrower, the car): amounts as ¥150,000.00 and in capitals, rates as percentages, dates as
2026年3月15日, and the sentences of the terms that depend on the product (grace, prepayment fee, allocation). Each
key is a placeholder a template may name (gateway.contracts.templates.FIELDS). Pure: no request, no RPC."""
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from gateway.contracts.capitals import in_capitals

NONE = "—"
ID_LABELS = {"person": "身份证号", "enterprise": "统一社会信用代码"}
ALLOCATION = {
    "installment_first": "先冲抵最早一期的欠款，同一期内依次冲抵费用、罚息、利息、本金",
    "type_first": "依次冲抵全部到期的费用、罚息、利息，最后冲抵本金，同类款项先冲抵最早一期",
}
INSTALLMENT_STATUSES = {"pending": "待还", "partial": "部分已还", "overdue": "逾期", "paid": "已还清",
                        "prepaid": "已提前还款"}


def yuan(amount):
    """¥150,000.00 (the text of a Decimal to the fen)."""
    value = Decimal(amount)
    return f"{'-' if value < 0 else ''}¥{abs(value):,.2f}"


def percent(rate, places=2):
    """A rate as a percentage, at least `places` decimals and no trailing zeros beyond: 0.088800 → 8.88%."""
    value = (Decimal(rate) * 100).normalize()
    if value.as_tuple().exponent > -places:
        value = value.quantize(Decimal(1).scaleb(-places))
    return f"{value:f}%"


def chinese_date(iso):
    """2026-03-05 → 2026年3月5日."""
    day = dt.date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def ordinal(n):
    """第n条's numeral, 1 ≤ n ≤ 99: 一, 十, 十一, 二十三."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else digits[tens]) + "十" if tens else "") + (digits[ones] if ones else "")


def _grace(days):
    if not days:
        return "自应还款日次日起计收罚息。"
    return f"应还款日后{days}日（含）内为宽限期，宽限期内还清的不计罚息；超过宽限期的，自应还款日次日起计收罚息。"


def _prepayment(product):
    fee = Decimal(product.get("prepayment_fee_rate") or 0)
    if not fee:
        return "不收取提前还款手续费。"
    text = f"并按提前偿还本金的{percent(fee)}支付提前还款手续费"
    free_after = product.get("prepayment_fee_free_after_months")
    if free_after:
        text += f"（自放款日起满{free_after}个月后提前还款的，免收手续费）"
    return text + "。"


def _daily(annual):
    """The daily rate (annual / 360) to 4 decimals of a percent, 约 when that rounded it."""
    daily = annual / 360
    shown = daily.quantize(Decimal("0.000001"), ROUND_HALF_UP)
    return ("" if shown == daily else "约") + percent(shown, 4)


def _fees(loan):
    fees = [f"{fee['name']}{yuan(fee['amount'])}" for fee in loan.get("fees") or []]
    return "、".join(fees) if fees else "无"


def borrower(customer, loan):
    """(name, ID label, ID number, phone, address) of the borrower; an enterprise by its USCC."""
    kind = customer.get("type", "person")
    number = customer.get("id_number") if kind == "person" else customer.get("uscc")
    return (customer.get("name") or loan["customer_name"], ID_LABELS.get(kind, "证件号码"), number or NONE,
            customer.get("phone") or NONE, customer.get("address") or NONE)


def contract_facts(loan, schedule, product, customer, vehicle, lender):
    """Every placeholder's text for this loan."""
    rate, markup = Decimal(loan["annual_rate"]), Decimal(loan["penalty_markup"])
    penalty = rate * (1 + markup)
    lines = schedule["installments"]
    name, id_label, id_number, _, _ = borrower(customer, loan)
    first_due = loan.get("first_due_date") or (lines[0]["due_date"] if lines else None)
    maturity = loan.get("maturity_date") or (lines[-1]["due_date"] if lines else None)
    return {
        "contract_no": loan["contract_no"], "lender": lender, "borrower": name,
        "borrower_id_label": id_label, "borrower_id": id_number,
        "amount": yuan(loan["principal"]), "amount_capitals": in_capitals(loan["principal"]),
        "annual_rate": percent(rate), "apr": percent(loan["apr"]), "term_months": str(loan["term_months"]),
        "method": loan.get("repayment_method_label") or loan["repayment_method"],
        "signed_on": chinese_date(loan["signed_on"]),
        "disbursed_on": chinese_date(loan["disbursed_on"]) if loan.get("disbursed_on") else "以实际放款日为准",
        "first_due_date": chinese_date(first_due) if first_due else NONE,
        "maturity_date": chinese_date(maturity) if maturity else NONE,
        "due_day": str(dt.date.fromisoformat(first_due).day) if first_due else NONE,
        "installments": str(len(lines)), "total_interest": yuan(schedule["total_interest"]),
        "total_payment": yuan(schedule["total_payment"]),
        "fees": _fees(loan), "fees_total": yuan(loan["fees_total"]), "net_amount": yuan(loan["net_amount"]),
        "vehicle": " ".join(part for part in (vehicle.get("brand"), vehicle.get("model")) if part) or NONE,
        "vin": vehicle.get("vin") or NONE, "plate_number": vehicle.get("plate_number") or NONE,
        "penalty_markup": percent(markup, 0), "penalty_rate": percent(penalty),
        "penalty_daily_rate": _daily(penalty),
        "penalty_base": "逾期本金及逾期利息" if product.get("compound_penalty") else "逾期本金",
        "grace_days": str(loan.get("grace_days") or 0), "grace_terms": _grace(loan.get("grace_days")),
        "prepayment_terms": _prepayment(product),
        "allocation_terms": ALLOCATION.get(product.get("allocation"), ALLOCATION["installment_first"]),
    }
