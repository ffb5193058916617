"""The contract's words, one template per product: `<templates dir>/<product code>.toml`, falling back to
`default.toml` for a product without one, and key by key to the default for what a product's template leaves out.
The directory is `CARLOAN_CONTRACT_TEMPLATES` (default: `templates/` beside this module); a directory without a
`default.toml` of its own takes the one shipped here.

A template holds texts: `title` (借款合同's title), `schedule_title`, `preamble`, `clauses` (a list of
`{heading, text}`, numbered 第一条, 第二条… in their order), `closing` and `schedule_note`. A text names the loan's
figures as `{placeholder}` (`{amount_capitals}`, `{vin}`, `{penalty_rate}`…: FIELDS below); `{{` and `}}` are
braces. A template naming anything else, or missing a text, is refused when it is read (TemplateError), so a typo
never reaches a printed contract."""
import re
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

from services.common import config

BUILT_IN = Path(__file__).parent / "templates"
DEFAULT = "default"
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z", re.ASCII)  # a product code that can name a file
TEXTS = ("title", "schedule_title", "preamble", "closing", "schedule_note")

# What a text may name: the figures of gateway.contracts.facts, each a ready-worded string.
FIELDS = {
    "contract_no": "合同编号",
    "lender": "出借人名称 (CARLOAN_LENDER_NAME)",
    "borrower": "借款人名称",
    "borrower_id_label": "证件名称: 身份证号, or 统一社会信用代码 of an enterprise",
    "borrower_id": "证件号码, masked unless the caller may unmask",
    "amount": "借款金额 in figures: ¥150,000.00",
    "amount_capitals": "借款金额 in capitals: 人民币壹拾伍万元整",
    "annual_rate": "年利率: 8.88%",
    "apr": "年化利率 (APR, fees included)",
    "term_months": "借款期限, months",
    "method": "还款方式",
    "signed_on": "签约日",
    "disbursed_on": "放款日, or 以实际放款日为准 before the payout",
    "first_due_date": "首期还款日",
    "maturity_date": "到期日",
    "due_day": "每月还款日: the day of the month",
    "installments": "期数",
    "total_interest": "利息合计",
    "total_payment": "还款总额",
    "fees": "费用: each one's name and amount",
    "fees_total": "费用合计",
    "net_amount": "实际放款金额",
    "vehicle": "品牌型号",
    "vin": "车架号",
    "plate_number": "车牌号",
    "penalty_markup": "罚息上浮比例: 50%",
    "penalty_rate": "罚息年利率 = 年利率 × (1 + 上浮比例)",
    "penalty_daily_rate": "罚息日利率 = 罚息年利率 / 360",
    "penalty_base": "罚息的计算基数: 逾期本金, or 逾期本金及利息 when the product compounds",
    "grace_days": "宽限期, days",
    "grace_terms": "宽限期的约定, a sentence",
    "prepayment_terms": "提前还款手续费的约定, a sentence",
    "allocation_terms": "还款冲抵顺序, a sentence",
}


class TemplateError(ValueError):
    """A template that cannot be used: unreadable, a text missing, or a placeholder no loan has."""


@dataclass(frozen=True)
class Template:
    name: str  # the file it came from: a product code or "default"
    title: str
    schedule_title: str
    preamble: str
    clauses: tuple  # ((heading, text), …)
    closing: str
    schedule_note: str

    def fill(self, text, facts):
        """`text` with its placeholders replaced by the loan's `facts`."""
        return text.format_map(facts)


def directory():
    return Path(config.env("CARLOAN_CONTRACT_TEMPLATES", "") or BUILT_IN)


def _read(path):
    try:
        with open(path, "rb") as file:
            return tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"template {Path(path).stem} ({path}): {exc}") from None


def placeholders(text):
    """The names a text's `{placeholders}` give; refuses a format spec, conversion or index (`{amount:>10}`)."""
    names = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise TemplateError(f"{text[:40]!r}…: {exc}") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise TemplateError(f"placeholder {{{name}}} must be a plain name")
        names.add(name)
    return names


def _checked(name, values):
    missing = [key for key in (*TEXTS, "clauses") if not values.get(key)]
    if missing:
        raise TemplateError(f"template {name}: missing {', '.join(missing)}")
    clauses = values["clauses"]
    if not isinstance(clauses, list) or not all(isinstance(c, dict) and isinstance(c.get("heading"), str)
                                                and isinstance(c.get("text"), str) for c in clauses):
        raise TemplateError(f"template {name}: each of clauses needs a heading and a text")
    texts = [values[key] for key in TEXTS] + [c["heading"] for c in clauses] + [c["text"] for c in clauses]
    if not all(isinstance(text, str) for text in texts):
        raise TemplateError(f"template {name}: every text is a string")
    try:
        named = set().union(*(placeholders(text) for text in texts))
    except TemplateError as exc:
        raise TemplateError(f"template {name}: {exc}") from None
    unknown = sorted(named - set(FIELDS))
    if unknown:
        raise TemplateError(f"template {name}: unknown placeholders {', '.join(unknown)}")
    return Template(name=name, clauses=tuple((c["heading"], c["text"]) for c in clauses),
                    **{key: values[key] for key in TEXTS})


def template_for(product_code, where=None):
    """The template of the product `product_code`: its own file over the default, or the default alone."""
    where = Path(where) if where is not None else directory()
    default_path = where / f"{DEFAULT}.toml"
    values = _read(default_path if default_path.is_file() else BUILT_IN / f"{DEFAULT}.toml")
    name = DEFAULT
    own = where / f"{product_code}.toml" if product_code and _CODE.match(product_code) else None
    if own is not None and product_code != DEFAULT and own.is_file():
        values = {**values, **_read(own)}
        name = product_code
    return _checked(name, values)
