"""财务 Accounting rules (docs/rules.md, "Accounting"): the chart, balanced journal entries built from loan events,
reversals, provisions, and the figures the ledgers and reports show. Plain Python, `Decimal` only."""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from services.collection import contract as collection_contract
from services.common.states import Lifecycle

ZERO = Decimal("0")
FEN = Decimal("0.01")

# code: (name, kind, normal side). A contra account's normal side is the opposite of its kind's.
DEFAULT_CHART = {
    "1002": ("银行存款", "asset", "debit"),
    "1301": ("贷款本金", "asset", "debit"),
    "1302": ("应收利息", "asset", "debit"),
    "1303": ("应收罚息", "asset", "debit"),
    "1304": ("贷款损失准备", "asset", "credit"),  # contra-asset
    "2241": ("预收款", "liability", "credit"),
    "6011": ("利息收入", "income", "credit"),
    "6012": ("罚息收入", "income", "credit"),
    "6021": ("手续费收入", "income", "credit"),
    "6701": ("拨备支出", "expense", "debit"),
}
KINDS = ("asset", "liability", "equity", "income", "expense")
BANK, PRINCIPAL, PROVISION, ADVANCE = "1002", "1301", "1304", "2241"
INTEREST_INCOME, PENALTY_INCOME, FEE_INCOME, PROVISION_EXPENSE = "6011", "6012", "6021", "6701"

# 《银行贷款损失准备计提指引》 default rates of outstanding principal, by five-level grade.
PROVISION_RATES = {"normal": Decimal("0.01"), "special_mention": Decimal("0.02"), "substandard": Decimal("0.25"),
                   "doubtful": Decimal("0.50"), "loss": Decimal("1.00")}
GRADE_LABELS = collection_contract.GRADES  # the collection service grades; finance provisions by them
DPD_BUCKETS = ((1, 30, "M1 (1-30)"), (31, 60, "M2 (31-60)"), (61, 90, "M3 (61-90)"), (91, 180, "M4-M6 (91-180)"),
               (181, None, "M6+ (>180)"))


class Unbalanced(ValueError):
    """An entry whose debits and credits differ, or with a negative or fractional-fen amount."""


@dataclass(frozen=True)
class Line:
    account: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO


@dataclass(frozen=True)
class Entry:
    memo: str
    lines: tuple
    cash: tuple = field(default=())  # (direction "in"|"out", amount) movements on the bank account


def fen(value):
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def balanced(memo, lines, cash=()):
    """An entry of the non-zero lines, refused unless debits equal credits (to the fen) and are not all zero."""
    kept = tuple(line for line in lines if line.debit or line.credit)
    for line in kept:
        if line.debit < 0 or line.credit < 0 or (line.debit and line.credit):
            raise Unbalanced(f"{line.account}: a line is either a debit or a credit, never negative")
        if line.debit != line.debit.quantize(FEN) or line.credit != line.credit.quantize(FEN):
            raise Unbalanced(f"{line.account}: amounts are in fen")
    debits = sum((line.debit for line in kept), ZERO)
    credits = sum((line.credit for line in kept), ZERO)
    if debits != credits:
        raise Unbalanced(f"debits {debits} != credits {credits}")
    if not kept:
        raise Unbalanced("an entry moves some money")
    return Entry(memo, kept, tuple(cash))


# -- postings from loan events ---------------------------------------------------------------------
def disbursement(principal, net_amount, fees_total):
    """放款: Dr 1301 principal / Cr 1002 net paid out, Cr 6021 fees deducted."""
    principal, net_amount, fees_total = fen(principal), fen(net_amount), fen(fees_total)
    return balanced("放款", [Line(PRINCIPAL, debit=principal), Line(BANK, credit=net_amount),
                            Line(FEE_INCOME, credit=fees_total)], cash=(("out", net_amount),))


def repayment(amount, principal=ZERO, interest=ZERO, penalty=ZERO, fees=ZERO, advance=ZERO, memo="还款"):
    """还款: Dr 1002 received / Cr 1301, 6011, 6012, 6021, 2241 as the loan service allocated it (cash basis:
    interest and penalty are income when received)."""
    amount = fen(amount)
    return balanced(memo, [Line(BANK, debit=amount), Line(PRINCIPAL, credit=fen(principal)),
                           Line(INTEREST_INCOME, credit=fen(interest)), Line(PENALTY_INCOME, credit=fen(penalty)),
                           Line(FEE_INCOME, credit=fen(fees)), Line(ADVANCE, credit=fen(advance))],
                    cash=(("in", amount),))


def advance_applied(principal=ZERO, interest=ZERO, penalty=ZERO, fees=ZERO):
    """预收款冲抵: the advance held pays installments now due. Dr 2241 / Cr 1301, 6011, 6012, 6021; no cash moves
    (the money came in with the repayment that left the advance)."""
    parts = [Line(PRINCIPAL, credit=fen(principal)), Line(INTEREST_INCOME, credit=fen(interest)),
             Line(PENALTY_INCOME, credit=fen(penalty)), Line(FEE_INCOME, credit=fen(fees))]
    return balanced("预收款冲抵", [Line(ADVANCE, debit=sum((line.credit for line in parts), ZERO)), *parts])


def prepayment(amount, principal, interest=ZERO, fee=ZERO, advance_used=ZERO):
    """提前还款: Dr 1002 received (and Dr 2241 the advance it used up) / Cr 1301 principal prepaid, Cr 6011 accrued
    interest, Cr 6021 prepayment fee."""
    amount = fen(amount)
    return balanced("提前还款", [Line(BANK, debit=amount), Line(ADVANCE, debit=fen(advance_used)),
                               Line(PRINCIPAL, credit=fen(principal)), Line(INTEREST_INCOME, credit=fen(interest)),
                               Line(FEE_INCOME, credit=fen(fee))], cash=(("in", amount),) if amount else ())


def extension_fee(fee):
    """展期手续费, received when the extension is approved: Dr 1002 / Cr 6021 (cash basis, as the prepayment fee).
    None for an extension without a fee: no money moves, the loan's book alone shows the new maturity."""
    fee = fen(fee)
    if fee == 0:
        return None
    return balanced("展期手续费", [Line(BANK, debit=fee), Line(FEE_INCOME, credit=fee)], cash=(("in", fee),))


def penalty_adjustment(refunded, principal=ZERO, interest=ZERO, penalty=ZERO, fees=ZERO, advance=ZERO):
    """罚息调整: a repayment recorded late had its penalty recomputed, and penalty income already received beyond it
    (`refunded`) now pays what the loan owes (`principal`, `interest`, other `penalty`, `fees`) or is held as an
    advance: Dr 6012 (less the penalty it pays again) / Cr 1301, 6011, 6021, 2241; no cash moves. None when no
    penalty received was in excess (cash basis: penalty never received was never income)."""
    back = fen(refunded) - fen(penalty)
    if back <= 0:
        return None
    return balanced("罚息调整", [Line(PENALTY_INCOME, debit=back), Line(PRINCIPAL, credit=fen(principal)),
                             Line(INTEREST_INCOME, credit=fen(interest)), Line(FEE_INCOME, credit=fen(fees)),
                             Line(ADVANCE, credit=fen(advance))])


def provision_change(booked, required):
    """拨备: the change in required provision; Dr 6701 / Cr 1304 when it grows, the reverse when it falls."""
    change = fen(required) - fen(booked)
    if change == 0:
        return None
    if change > 0:
        return balanced("计提贷款损失准备", [Line(PROVISION_EXPENSE, debit=change), Line(PROVISION, credit=change)])
    return balanced("冲回贷款损失准备", [Line(PROVISION, debit=-change), Line(PROVISION_EXPENSE, credit=-change)])


def reversal(memo, lines, cash=()):
    """红字冲销: the same lines with sides swapped; entries themselves are never changed or deleted."""
    flipped = [Line(line.account, debit=line.credit, credit=line.debit) for line in lines]
    opposite = {"in": "out", "out": "in"}
    return balanced(f"冲销: {memo}", flipped, cash=tuple((opposite[d], amount) for d, amount in cash))


# -- figures ---------------------------------------------------------------------------------------
def required_provision(outstanding_principal, grade, rates=None):
    return fen(outstanding_principal * (rates or PROVISION_RATES)[grade or "normal"])


def account_balance(normal_side, debit_total, credit_total):
    """A balance on the account's normal side (positive when it holds what it should)."""
    return debit_total - credit_total if normal_side == "debit" else credit_total - debit_total


# The accounts a repayment ledger row shows: cash received, then where it went.
REPAYMENT_ACCOUNTS = (BANK, PRINCIPAL, INTEREST_INCOME, PENALTY_INCOME, FEE_INCOME, ADVANCE)


def repayment_figures(sums, reversed_=False):
    """A repayment ledger row's figures from its entry's (debit, credit) per account: the cash debited to 1002 and
    what each other account was credited. A reversal's row shows the repayment's figures, negative."""
    cash, other = (1, 0) if reversed_ else (0, 1)
    figures = {code: sums[code][cash if code == BANK else other] for code in REPAYMENT_ACCOUNTS}
    return {code: -value if reversed_ and value else value for code, value in figures.items()}


def dpd_bucket(dpd):
    if dpd <= 0:
        return "current"
    for low, high, label in DPD_BUCKETS:
        if dpd >= low and (high is None or dpd <= high):
            return label
    return DPD_BUCKETS[-1][2]


def par(outstanding_by_dpd, threshold=30):
    """PAR30: share of outstanding principal in loans more than `threshold` days past due, 4 decimals."""
    total = sum((amount for _, amount in outstanding_by_dpd), ZERO)
    if not total:
        return ZERO.quantize(Decimal("0.0001"))
    at_risk = sum((amount for dpd, amount in outstanding_by_dpd if dpd > threshold), ZERO)
    return (at_risk / total).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


# -- lifecycles (services.common.states) --------------------------------------------------------------------
# A loan's books follow the loan service's loan.
LOAN_BOOK = Lifecycle("loan_book", {"settled": ("active", "settled")})
