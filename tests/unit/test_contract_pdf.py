"""套打 without a platform: the amount in Chinese capitals (大写金额) by the rules for 零 and 整, the template of a
product falling back to the default, the wording of the terms, and a contract drawn twice to the same bytes whose
text holds the borrower, the capitals and every due date (gateway/contracts)."""
import datetime as dt
import io
from decimal import Decimal

import pypdf
import pytest

from gateway.contracts import facts, pdf, templates
from gateway.contracts.capitals import in_capitals
from services.common.errors import Unavailable


@pytest.mark.parametrize("amount, capitals", [
    ("150000.00", "壹拾伍万元整"),
    ("234567.89", "贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    ("10.00", "壹拾元整"),  # a ten is 壹拾, never 拾
    ("1005.00", "壹仟零伍元整"),  # the zeros inside: one 零
    ("1500.00", "壹仟伍佰元整"),  # none at the end of a group
    ("10005.00", "壹万零伍元整"),  # a short group after 万: 零
    ("100010.00", "壹拾万零壹拾元整"),
    ("1010101.01", "壹佰零壹万零壹佰零壹元零壹分"),
    ("20000000.00", "贰仟万元整"),  # an empty group writes nothing
    ("100005000.00", "壹亿零伍仟元整"),  # 零 across an empty 万 group
    ("110000000.00", "壹亿壹仟万元整"),
    ("1000000000001.00", "壹万亿零壹元整"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),  # 角 zero before 分: 零
    ("107000.53", "壹拾万柒仟元伍角叁分"),
    ("10.50", "壹拾元伍角整"),  # 整 after 角 with no 分
    ("0.56", "伍角陆分"),  # under a yuan: no 元
    ("0.05", "伍分"),
    ("0.00", "零元整"),
    (Decimal("9999999999999999.99"), "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
])
def test_an_amount_in_capitals_follows_the_rules_for_zero_and_whole(amount, capitals):
    assert in_capitals(amount) == capitals


@pytest.mark.parametrize("amount", ["-1.00", "1.005", "10000000000000000.00", "NaN", "Infinity", "abc", None])
def test_what_no_contract_holds_cannot_be_written_in_capitals(amount):
    with pytest.raises(ValueError):
        in_capitals(amount)


# -- templates ----------------------------------------------------------------------------------------------------
def test_a_product_without_a_template_gets_the_default():
    template = templates.template_for("NO-SUCH-PRODUCT")
    assert template.name == "default" and template.title == "汽车抵押借款合同"
    assert "抵押条款" in [heading for heading, _ in template.clauses]


def test_a_products_template_replaces_what_it_names_and_keeps_the_rest_of_the_default(tmp_path, monkeypatch):
    (tmp_path / "CAR36.toml").write_text('title = "二手车抵押借款合同"\n', encoding="utf-8")
    monkeypatch.setenv("CARLOAN_CONTRACT_TEMPLATES", str(tmp_path))  # no default.toml there: the shipped one
    own, other = templates.template_for("CAR36"), templates.template_for("BUL1")
    assert (own.name, own.title) == ("CAR36", "二手车抵押借款合同")
    assert own.clauses == other.clauses == templates.template_for("x", templates.BUILT_IN).clauses
    assert (other.name, other.title) == ("default", "汽车抵押借款合同")


def test_a_code_that_is_not_a_file_name_never_reaches_outside_the_directory(tmp_path):
    (tmp_path / "evil.toml").write_text('title = "外面的"\n', encoding="utf-8")
    inner = tmp_path / "templates"
    inner.mkdir()
    assert templates.template_for("../evil", inner).name == "default"
    assert templates.template_for("default", inner).name == "default"


@pytest.mark.parametrize("text, problem", [
    ('title = "{borrowr}的合同"\n', "unknown placeholders borrowr"),
    ('title = "{amount:>10}"\n', "plain name"),
    ('title = "{amount"\n', "expected '}'"),
    ('title = ""\n', "missing title"),
    ('[[clauses]]\nheading = "只有标题"\n', "heading and a text"),
    ('title = \n', "BAD.toml"),  # not TOML
])
def test_a_template_with_a_mistake_is_refused_when_read(tmp_path, text, problem):
    (tmp_path / "BAD.toml").write_text(text, encoding="utf-8")
    with pytest.raises(templates.TemplateError, match="template BAD") as refused:
        templates.template_for("BAD", tmp_path)
    assert problem in str(refused.value)


def test_every_placeholder_the_templates_may_name_is_worded_for_a_loan():
    assert set(contract_facts()) == set(templates.FIELDS)
    for path in templates.BUILT_IN.glob("*.toml"):
        template = templates.template_for(path.stem)
        for text in (template.preamble, template.closing, *(text for _, text in template.clauses)):
            assert "{" not in template.fill(text, contract_facts())


# -- the terms, worded -------------------------------------------------------------------------------------------
def sample(**loan_changes):
    lines, balance = [], Decimal("120000.00")
    for no in range(1, 13):
        principal = Decimal("10000.00")
        balance -= principal
        lines.append({"no": no, "due_date": dt.date(2026, no, 20).isoformat(), "principal": str(principal),
                      "interest": "888.00", "total": str(principal + Decimal("888.00")), "balance_after": str(balance),
                      "paid_principal": "0.00", "paid_interest": "0.00", "fees": "0.00", "paid_fees": "0.00",
                      "penalty": "0.00", "paid_penalty": "0.00", "status": "pending"})
    loan = {"contract_no": "CL20251220-0007", "customer_name": "王小明", "principal": "120000.00",
            "annual_rate": "0.088800", "apr": "0.1023", "term_months": 12, "repayment_method": "equal_principal",
            "repayment_method_label": "等额本金", "penalty_markup": "0.500000", "grace_days": 3,
            "fees": [{"name": "GPS费", "amount": "1500.00"}], "fees_total": "1500.00", "net_amount": "118500.00",
            "signed_on": "2025-12-20", "disbursed_on": "2025-12-20", "first_due_date": "2026-01-20",
            "maturity_date": "2026-12-20", **loan_changes}
    schedule = {"installments": lines, "total_interest": "10656.00", "total_payment": "130656.00"}
    product = {"code": "CAR12", "prepayment_fee_rate": "0.020000", "prepayment_fee_free_after_months": 6,
               "allocation": "installment_first", "compound_penalty": False}
    customer = {"type": "person", "name": "王小明", "id_number": "110***********1234", "phone": "139****5678",
                "address": "杭州市西湖区文三路 1 号"}
    vehicle = {"vin": "LSVAM4187C2184847", "plate_number": "浙A12345", "brand": "日产", "model": "轩逸",
               "year": 2022, "colour": "白色"}
    return loan, schedule, product, customer, vehicle


def contract_facts(**loan_changes):
    return facts.contract_facts(*sample(**loan_changes), "示例汽车金融有限公司")


def test_the_terms_are_worded_from_the_loan_and_its_product():
    worded = contract_facts()
    assert (worded["amount"], worded["amount_capitals"]) == ("¥120,000.00", "壹拾贰万元整")
    assert (worded["annual_rate"], worded["apr"], worded["due_day"]) == ("8.88%", "10.23%", "20")
    # 罚息 = rate × (1 + markup): 8.88 % × 1.5, and by the day / 360
    assert (worded["penalty_markup"], worded["penalty_rate"], worded["penalty_daily_rate"]) == (
        "50%", "13.32%", "0.0370%")
    assert "3日（含）内为宽限期" in worded["grace_terms"]
    assert worded["prepayment_terms"] == "并按提前偿还本金的2.00%支付提前还款手续费（自放款日起满6个月后提前还款的，免收手续费）。"
    assert worded["signed_on"] == "2025年12月20日" and worded["fees"] == "GPS费¥1,500.00"
    before_payout = contract_facts(disbursed_on=None, grace_days=0, penalty_markup="0.300000")
    assert before_payout["disbursed_on"] == "以实际放款日为准"
    assert before_payout["grace_terms"] == "自应还款日次日起计收罚息。"
    assert before_payout["penalty_daily_rate"] == "约0.0321%"  # 11.544 % / 360, rounded: said so


# -- the document ------------------------------------------------------------------------------------------------
def papers():
    loan, schedule, product, customer, vehicle = sample()
    return pdf.Papers(facts=contract_facts(), borrower=facts.borrower(customer, loan), vehicle=vehicle,
                      schedule=schedule, template=templates.template_for("CAR12"), dated=dt.date(2025, 12, 20))


def text_of(body):
    reader = pypdf.PdfReader(io.BytesIO(body))
    return reader, "".join(page.extract_text() for page in reader.pages)


def test_a_contract_holds_the_borrower_the_capitals_and_every_due_date_and_is_the_same_every_time():
    body = pdf.contract(papers())
    assert body.startswith(b"%PDF-") and pdf.contract(papers()) == body
    reader, text = text_of(body)
    for expected in ("王小明", "壹拾贰万元整", "LSVAM4187C2184847", "浙A12345", "抵押条款", "13.32%", "示例汽车金融有限公司"):
        assert expected in text, expected
    assert all(line["due_date"] in text for line in sample()[1]["installments"])
    assert reader.metadata.creation_date.date() == dt.date(2025, 12, 20)
    fonts = {font["/BaseFont"] for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert any("WenQuanYi" in str(name) for name in fonts), fonts  # embedded, not a reader's own


def test_a_schedule_shows_each_installment_as_it_stands():
    loan, schedule, *_ = sample()
    schedule["installments"][0].update(paid_principal="10000.00", paid_interest="888.00", status="paid")
    body = pdf.statement(papers().__class__(**{**papers().__dict__, "schedule": schedule}))
    _, text = text_of(body)
    assert "已还清" in text and "¥10,888.00" in text and "待还" in text
    assert all(line["due_date"] in text for line in schedule["installments"])


def test_a_font_that_cannot_be_read_is_a_clear_503(monkeypatch, tmp_path):
    monkeypatch.setenv("CARLOAN_PDF_FONT", str(tmp_path / "none.ttf"))
    with pytest.raises(Unavailable) as refused:
        pdf.contract(papers())
    assert refused.value.code == "PDF_FONT_MISSING" and refused.value.extra["path"].endswith("none.ttf")
