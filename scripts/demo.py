"""演示数据 The demo book: seeds a small car-loan company into a new platform through the gateway's public API.

`make run` calls it once the platform is ready, on a new data directory only; it also runs on its own against
any running gateway:

    python scripts/demo.py --url http://127.0.0.1:8000 --data-dir var

It acts as the seeded `admin` (password from CARLOAN_ADMIN_PASSWORD or `<data dir>/admin-password`) for the
organisation, the products and the close of business, and as the demo staff it creates for everything else, so
every maker-checker rule is met by two real people and the audit log reads like a working office.

Runs once. `<data dir>/demo-seeded` marks the book as done (or as not seeded because it already held business);
while seeding, `<data dir>/demo-seeding` (mode 0600) holds what must survive an interruption: the dates the book
is built around, the generators' seed and the staff passwords. An interrupted seeding is resumed at the next run:
every step recognises what it already did (a 409 with the existing id, a state already reached, the same
Idempotency-Key on money), so a resumed book ends up the same as one seeded in a single go. The staff
credentials go to `<data dir>/demo-users` (mode 0600). Never in production (CARLOAN_ENV=production refuses).

Standard library only: it is a client of the API, and knows nothing of the services' code.
"""
import argparse
import datetime as dt
import json
import os
import random
import secrets
import string
import sys
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

MARKER, JOURNAL, USERS = "demo-seeded", "demo-seeding", "demo-users"
WORKERS = 4  # commands in flight at once: enough to keep every service busy on two cores
FEN = Decimal("0.01")


# -- identity numbers (pure) ------------------------------------------------------------------------------
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(region, born, sequence, male):
    """An 18-character resident ID number (GB 11643): region, birth date, a 3-digit sequence whose last digit is
    odd for men and even for women, and the ISO 7064 MOD 11-2 check character."""
    sequence = sequence % 500 * 2 + (1 if male else 0)
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, ID_WEIGHTS))
    return body + "10X98765432"[total % 11]


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code(body):
    """A 9-character organisation code (GB 11714): 8 characters and their check character."""
    total = sum((int(c) if c.isdigit() else ord(c) - ord("A") + 10) * w for c, w in zip(body, _ORG_WEIGHTS))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def uscc(region, org_body):
    """A unified social credit code (GB 32100) of a company (91) registered in `region`: the organisation code,
    then the MOD 31 check character over the first 17."""
    body = f"91{region}{organisation_code(org_body)}"
    total = sum(USCC_ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(body))
    return body + USCC_ALPHABET[(31 - total % 31) % 31]


_VIN_VALUES = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9))),
               **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10)))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_YEARS = dict(zip(range(2010, 2031), "ABCDEFGHJKLMNPRSTVWXY"))  # the 10th character (ISO 3779)


def vin(wmi, vds, year, plant, serial):
    """A 17-character VIN: maker (WMI), vehicle description, the check digit (9th, ISO 3779 / GB 16735), model
    year, plant and a 6-digit serial."""
    draft = f"{wmi}{vds}0{VIN_YEARS[year]}{plant}{serial:06d}"
    remainder = sum(_VIN_VALUES[c] * w for c, w in zip(draft, _VIN_WEIGHTS)) % 11
    return draft[:8] + ("X" if remainder == 10 else str(remainder)) + draft[9:]


def luhn(digits):
    """`digits` with their Luhn check digit appended (IMEIs, bank card numbers)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 0:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return digits + str(-total % 10)


PHONE_PREFIXES = ("135", "136", "137", "138", "139", "150", "151", "157", "158", "159", "182", "187", "188",
                  "130", "131", "155", "156", "185", "186", "133", "153", "177", "180", "189", "199")
PLATE_SERIAL = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"  # no I or O


def phone(rng):
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"


def plate(rng, city_letter, new_energy=False):
    """浙A12345, or 浙AD12345 for a small new-energy car (GA 36-2018)."""
    if new_energy:
        return f"浙{city_letter}{rng.choice('DF')}{rng.choice(PLATE_SERIAL)}{rng.randrange(10000):04d}"
    serial = [rng.choice("0123456789") for _ in range(5)]
    serial[rng.randrange(2)] = rng.choice(PLATE_SERIAL[:24])  # one letter near the front, as most plates have
    return f"浙{city_letter}{''.join(serial)}"


def imei(rng):
    return luhn("86" + f"{rng.randrange(10 ** 12):012d}")


def bank_card(rng, bin_prefix):
    return luhn(bin_prefix + "".join(rng.choice("0123456789") for _ in range(18 - len(bin_prefix))))


PASSWORD_SYMBOLS = "!#%*+-=?@^_"
PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI") + PASSWORD_SYMBOLS


def password(length=14):
    """A strong random password (from `secrets`): every kind of character, nothing easily misread."""
    while True:
        candidate = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        if (any(c.islower() for c in candidate) and any(c.isupper() for c in candidate)
                and any(c.isdigit() for c in candidate) and any(c in PASSWORD_SYMBOLS for c in candidate)):
            return candidate


def add_months(day, months):
    """The same day `months` later (earlier if negative), on the month's last day when it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def display_width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(rows):
    """Rows as aligned text columns (Chinese characters count double, as a terminal shows them)."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell + " " * (widths[i] - display_width(cell)) for i, cell in enumerate(row)).rstrip()
                     for row in rows) + "\n"


def parse_users(text):
    """The rows of a demo-users file: {role, username, password, name, department} each."""
    rows = [line.split() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return [dict(zip(("role", "username", "password", "name", "department"), row)) for row in rows[1:]]


# -- the company (pure data) -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    key: str
    name: str
    male: bool
    region: str  # district code (行政区划代码) of the ID number and the address
    address: str
    employer: str
    income: str


@dataclass(frozen=True)
class Enterprise:
    key: str
    name: str
    region: str
    address: str
    representative: str
    representative_male: bool
    capital: str


@dataclass(frozen=True)
class Car:
    brand: str
    model: str
    wmi: str
    vds: str
    plant: str
    new_energy: bool = False


@dataclass(frozen=True)
class Story:
    """One customer's loan, driven through the platform's commands up to `target`: an application status
    (submitted, investigated, pending_second_approval, approved, rejected), or a loan one (signed, pending_review,
    active, settled). `paid` installments are repaid on their due dates; `prepay_ago` pays the loan off early."""
    key: str
    customer: str
    car: str
    value: str
    year: int
    product: str
    amount: str
    term: int
    target: str
    signed_ago: int = 0  # days before the book's date it is signed (and, if paid out, disbursed the same day)
    disbursed: tuple = ()  # or (days, installment no): paid out when that installment falls due so many days ago
    paid: int = 0
    prepay_ago: int | None = None
    findings: str = "收入稳定, 征信无不良记录, 车辆权属清晰"


DEPARTMENTS = (("HZ", "杭州分公司"), ("NB", "宁波分公司"))

POSITIONS = (("GM", "总经理"), ("IT", "信息管理员"), ("AM", "客户经理"), ("RISK", "风控专员"), ("APPROVER", "审批经理"),
             ("APPRAISER", "车辆评估师"), ("ACCOUNTANT", "会计"), ("FIN_LEAD", "财务主管"), ("MORTGAGE", "抵押专员"),
             ("COLLECTOR", "催收专员"), ("POSTLOAN", "贷后主管"), ("AUDIT", "内审专员"), ("SYSTEM", "系统接口"))

# key, role, username, name, department (HQ, HZ, NB), position
STAFF = (
    ("it", "admin", "zhou.jianguo", "周建国", "HQ", "IT"),
    ("officer_hz", "loan_officer", "zhang.wei", "张伟", "HZ", "AM"),
    ("officer_nb", "loan_officer", "lin.xiao", "林晓", "NB", "AM"),
    ("risk_a", "risk_reviewer", "wang.lei", "王磊", "HQ", "RISK"),
    ("risk_b", "risk_reviewer", "liu.yang", "刘洋", "HQ", "RISK"),
    ("approver_a", "approver", "chen.jing", "陈静", "HQ", "APPROVER"),
    ("approver_b", "approver", "yang.fan", "杨帆", "HQ", "GM"),
    ("appraiser_a", "appraiser", "zhao.min", "赵敏", "HQ", "APPRAISER"),
    ("appraiser_b", "appraiser", "sun.hao", "孙浩", "HQ", "APPRAISER"),
    ("clerk", "finance_clerk", "li.na", "李娜", "HQ", "ACCOUNTANT"),
    ("checker_a", "finance_reviewer", "wu.fang", "吴芳", "HQ", "FIN_LEAD"),
    ("checker_b", "finance_reviewer", "zheng.kai", "郑凯", "HQ", "FIN_LEAD"),
    ("collateral", "collateral_clerk", "huang.wei", "黄伟", "HQ", "MORTGAGE"),
    ("collector_hz", "collector", "ma.chao", "马超", "HZ", "COLLECTOR"),
    ("collector_nb", "collector", "luo.gang", "罗刚", "NB", "COLLECTOR"),
    ("post_loan", "post_loan_manager", "he.yong", "何勇", "HQ", "POSTLOAN"),
    ("auditor", "auditor", "xu.li", "许丽", "HQ", "AUDIT"),
    ("gps", "gps_platform", "gps.platform", "GPS平台接口", "HQ", "SYSTEM"),
)

PERSONS = (
    Person("P01", "陈志强", True, "330109", "浙江省杭州市萧山区北干街道金城路318号", "杭州恒通机械制造有限公司", "18000.00"),
    Person("P02", "王丽娟", False, "330106", "浙江省杭州市西湖区文三路158号", "杭州文澜教育咨询有限公司", "12500.00"),
    Person("P03", "李建华", True, "330102", "浙江省杭州市上城区解放路225号", "个体经营(建材批发)", "22000.00"),
    Person("P04", "张敏", False, "330108", "浙江省杭州市滨江区江南大道3888号", "杭州星链网络科技有限公司", "26000.00"),
    Person("P05", "刘强", True, "330110", "浙江省杭州市余杭区五常街道文一西路998号", "杭州仁和医院", "15000.00"),
    Person("P06", "周晓燕", False, "330105", "浙江省杭州市拱墅区莫干山路100号", "杭州运河物业服务有限公司", "9800.00"),
    Person("P07", "吴国平", True, "330109", "浙江省杭州市萧山区宁围街道市心北路857号", "杭州萧然汽配有限公司", "16000.00"),
    Person("P08", "徐静", False, "330106", "浙江省杭州市西湖区古墩路415号", "杭州西溪茶舍餐饮有限公司", "11000.00"),
    Person("P09", "孙立军", True, "330105", "浙江省杭州市拱墅区湖墅南路103号", "杭州北城建设工程有限公司", "17500.00"),
    Person("P10", "胡海峰", True, "330110", "浙江省杭州市余杭区临平街道世纪大道66号", "个体经营(餐饮)", "20000.00"),
    Person("P11", "朱丽", False, "330102", "浙江省杭州市上城区望江东路332号", "杭州钱塘会计师事务所", "14000.00"),
    Person("P12", "高俊", True, "330108", "浙江省杭州市滨江区长河街道滨盛路1505号", "杭州海创电子有限公司", "19000.00"),
    Person("P13", "林志明", True, "330212", "浙江省宁波市鄞州区天童南路588号", "宁波甬江电器有限公司", "15500.00"),
    Person("P14", "郑美玲", False, "330203", "浙江省宁波市海曙区中山西路138号", "宁波天一阁文化传播有限公司", "10500.00"),
    Person("P15", "黄建国", True, "330206", "浙江省宁波市北仑区新碶街道明州路201号", "宁波北仑港通物流有限公司", "16500.00"),
    Person("P16", "钱晓东", True, "330205", "浙江省宁波市江北区人民路132号", "宁波江北精密模具有限公司", "14500.00"),
    Person("P17", "邵芳", False, "330211", "浙江省宁波市镇海区骆驼街道镇骆东路888号", "宁波镇海精细化工有限公司", "13000.00"),
    Person("P18", "应志刚", True, "330213", "浙江省宁波市奉化区岳林街道南山路150号", "个体经营(水蜜桃种植)", "28000.00"),
    Person("P19", "俞佳", False, "330212", "浙江省宁波市鄞州区钟公庙街道四明中路999号", "宁波鄞州口腔诊所", "12000.00"),
    Person("P20", "董海波", True, "330203", "浙江省宁波市海曙区药行街56号", "个体经营(服装批发)", "21000.00"),
    Person("P21", "蒋丽萍", False, "330205", "浙江省宁波市江北区洪塘街道裘市路72号", "宁波江北区第二中学", "11500.00"),
    Person("P22", "袁军", True, "330206", "浙江省宁波市北仑区大碶街道庐山西路18号", "宁波大碶五金加工厂", "9000.00"),
    Person("P23", "史晓峰", True, "330211", "浙江省宁波市镇海区庄市街道兴庄路5号", "宁波甬港化工有限公司", "23000.00"),
    Person("P24", "乐静", False, "330212", "浙江省宁波市鄞州区首南街道日丽中路757号", "宁波鼓楼百货商店", "9500.00"),
)

ENTERPRISES = (
    Enterprise("E01", "杭州运达物流有限公司", "330109", "浙江省杭州市萧山区萧山经济技术开发区建设二路666号", "陈建明", True,
               "5000000.00"),
    Enterprise("E02", "宁波港通汽车租赁有限公司", "330206", "浙江省宁波市北仑区新碶街道长江路1078号", "林海涛", True,
               "3000000.00"),
    Enterprise("E03", "杭州绿筑建材有限公司", "330110", "浙江省杭州市余杭区仁和街道仁河大道38号", "王志刚", True,
               "8000000.00"),
    Enterprise("E04", "宁波甬盛贸易有限公司", "330203", "浙江省宁波市海曙区灵桥路255号", "邵伟", True, "2000000.00"),
    Enterprise("E05", "杭州云帆信息科技有限公司", "330108", "浙江省杭州市滨江区网商路699号", "赵雪", False, "1000000.00"),
    Enterprise("E06", "宁波海汇水产有限公司", "330206", "浙江省宁波市北仑区梅山街道梅山大道288号", "应建平", True,
               "6000000.00"),
)
CITY = {"3301": ("HZ", "A"), "3302": ("NB", "B")}  # officer's branch and the plate's city letter, by region

CARS = {
    "lavida": Car("大众", "朗逸", "LSV", "AB41E", "S"),
    "passat": Car("大众", "帕萨特", "LSV", "CD43F", "S"),
    "camry": Car("丰田", "凯美瑞", "LVG", "BF1AK", "G"),
    "accord": Car("本田", "雅阁", "LHG", "CV165", "G"),
    "crv": Car("本田", "CR-V", "LHG", "RW286", "W"),
    "sylphy": Car("日产", "轩逸", "LGB", "H12B2", "Y"),
    "gl8": Car("别克", "GL8", "LSG", "UA52L", "S"),
    "han": Car("比亚迪", "汉EV", "LC0", "C76B4", "H", True),
    "qin": Car("比亚迪", "秦PLUS DM-i", "LC0", "CH4D1", "S", True),
    "xingyue": Car("吉利", "星越L", "L6T", "79G2E", "N"),
    "h6": Car("长城", "哈弗H6", "LGW", "EF6A8", "D"),
    "gle": Car("奔驰", "GLE 350", "LE4", "ZF8JB", "A"),
    "x3": Car("宝马", "X3", "LBV", "TY310", "B"),
    "transit": Car("福特", "全顺", "LJX", "PGD21", "N"),
}

PRODUCTS = (
    {"code": "CAR-USED", "name": "二手车按揭贷款", "repayment_method": "equal_installment", "annual_rate": "0.088800",
     "min_term_months": 24, "max_term_months": 36, "min_amount": "50000.00", "max_amount": "500000.00",
     "max_ltv": "0.80", "grace_days": 3, "prepayment_fee_rate": "0.02", "prepayment_fee_free_after_months": 12,
     "upfront_fees": [{"name": "GPS安装费", "amount": "1200.00"}, {"name": "服务费", "rate": "0.005"}]},
    {"code": "CAR-NEW", "name": "新车分期贷款", "repayment_method": "equal_principal", "annual_rate": "0.072000",
     "min_term_months": 12, "max_term_months": 60, "min_amount": "30000.00", "max_amount": "800000.00",
     "max_ltv": "0.80", "grace_days": 3, "prepayment_fee_rate": "0.01",
     "upfront_fees": [{"name": "GPS安装费", "amount": "1200.00"}]},
    {"code": "CAR-BIZ", "name": "经营用车抵押贷款", "repayment_method": "interest_first", "annual_rate": "0.096000",
     "min_term_months": 6, "max_term_months": 24, "min_amount": "50000.00", "max_amount": "1000000.00",
     "max_ltv": "0.70", "grace_days": 5, "prepayment_fee_rate": "0.00"},
    {"code": "CAR-BRIDGE", "name": "车辆抵押过桥贷", "repayment_method": "bullet", "annual_rate": "0.060000",
     "min_term_months": 1, "max_term_months": 6, "min_amount": "10000.00", "max_amount": "200000.00",
     "max_ltv": "0.60", "grace_days": 0, "prepayment_fee_rate": "0.00"},
)

# The book as a user meets it: every state a loan passes through, and what post-loan staff work on.
STORIES = (
    Story("S01", "P02", "accord", "168000.00", 2022, "CAR-USED", "120000.00", 36, "submitted"),
    Story("S02", "P14", "lavida", "92000.00", 2021, "CAR-USED", "60000.00", 24, "submitted"),
    Story("S03", "P03", "gl8", "255000.00", 2023, "CAR-USED", "180000.00", 36, "investigated",
          findings="建材批发经营八年, 近一年银行流水月均入账约三十万元, 名下房产一套无抵押"),
    Story("S04", "E01", "gle", "560000.00", 2024, "CAR-BIZ", "350000.00", 24, "pending_second_approval",
          findings="物流主业经营稳定, 近两年营收增长, 法定代表人提供连带责任担保"),
    Story("S05", "P15", "camry", "185000.00", 2022, "CAR-USED", "130000.00", 36, "approved"),
    Story("S06", "P06", "sylphy", "78000.00", 2020, "CAR-USED", "60000.00", 36, "rejected",
          findings="月收入9800元, 现有信用卡及消费贷月还款约6200元, 负债收入比过高"),
    Story("S07", "P04", "han", "205000.00", 2024, "CAR-NEW", "150000.00", 48, "signed", signed_ago=3),
    Story("S08", "E02", "transit", "240000.00", 2023, "CAR-BIZ", "160000.00", 24, "signed", signed_ago=1,
          findings="租赁车队六十余辆, 出租率稳定, 应收账款回款正常"),
    Story("S09", "P16", "xingyue", "142000.00", 2023, "CAR-USED", "100000.00", 36, "pending_review", signed_ago=2),
    Story("S10", "P05", "passat", "176000.00", 2022, "CAR-USED", "120000.00", 36, "active", signed_ago=8),
    Story("S11", "P17", "h6", "108000.00", 2021, "CAR-USED", "80000.00", 24, "active", signed_ago=40, paid=1),
    Story("S12", "P07", "camry", "190000.00", 2023, "CAR-NEW", "140000.00", 36, "active", signed_ago=100, paid=3),
    Story("S13", "E03", "transit", "230000.00", 2022, "CAR-BIZ", "150000.00", 24, "active", signed_ago=190, paid=6),
    Story("S14", "P18", "x3", "320000.00", 2023, "CAR-USED", "240000.00", 36, "active", signed_ago=250, paid=8),
    Story("S15", "P08", "lavida", "90000.00", 2022, "CAR-USED", "65000.00", 24, "active", disbursed=(2, 1)),
    Story("S16", "P19", "sylphy", "84000.00", 2021, "CAR-USED", "60000.00", 24, "active", disbursed=(15, 2),
          paid=1),
    Story("S17", "P09", "accord", "160000.00", 2021, "CAR-USED", "110000.00", 36, "active", disbursed=(48, 3),
          paid=2),
    Story("S18", "E04", "gl8", "250000.00", 2022, "CAR-BIZ", "170000.00", 24, "active", disbursed=(125, 3),
          paid=2),
    Story("S19", "P10", "xingyue", "140000.00", 2022, "CAR-USED", "100000.00", 36, "active", disbursed=(200, 2),
          paid=1),
    Story("S20", "P20", "passat", "170000.00", 2021, "CAR-USED", "120000.00", 36, "active", disbursed=(300, 2),
          paid=1),
    Story("S21", "P11", "qin", "98000.00", 2023, "CAR-BRIDGE", "50000.00", 3, "settled", signed_ago=115, paid=1),
    Story("S22", "P21", "crv", "175000.00", 2022, "CAR-USED", "120000.00", 24, "settled", signed_ago=140, paid=4,
          prepay_ago=10),
)
STORIES_BY_KEY = {story.key: story for story in STORIES}
CUSTOMERS = {customer.key: customer for customer in (*PERSONS, *ENTERPRISES)}
RELEASED = "S21"  # repaid at maturity: its mortgage released and GPS removed
UNFITTED = "S15"  # its GPS installation left open, and overdue, in the collateral clerk's queue
# Prospects: a car waiting for its valuation's review, and a borrower the risk team blacklisted.
PENDING_VALUATIONS = (("P01", "h6", "112000.00", 2022), ("P13", "crv", "168000.00", 2021))
BLACKLISTED = ("P22", "法院失信被执行人名单在册, 拒绝准入")

# Post-loan work on the late loans: (story, channel, result, promise in days or None)
COLLECTION_RECORDS = (
    ("S16", "call", "电话联系借款人, 称本月工资延迟发放, 承诺五日内还清逾期款项", 5),
    ("S17", "visit", "上门走访借款人工作单位, 工程款未结算, 同意先还一期并提交还款计划", 10),
    ("S18", "letter", "已向借款企业寄送律师函, 要求十日内结清欠息, 否则申请处置抵押车辆", None),
    ("S19", "call", "借款人电话无人接听, 已向紧急联系人发送短信提醒", None),
    ("S20", "visit", "上门未见借款人, 邻居称已搬离半年; 车辆GPS信号异常", None),
)
CLASSIFICATION_REQUEST = ("S19", "doubtful", "借款人失联, 抵押车辆下落不明, 已向公安机关报案")
RESOLVED_WARNING = ("S15", "first_overdue", "已电话提醒借款人, 系银行代扣失败, 客户承诺三日内补缴")
GPS_ALERTS = (("S20", "removed", "02:13:08"), ("S19", "offline", "21:40:00"))


def plan_book(seed, day):
    """Every generated value of the book (ID numbers, credit codes, phones, VINs, plates, devices, accounts),
    drawn in one fixed order from `seed`: a resumed seeding draws the same ones. No two are alike."""
    rng, plan, seen = random.Random(seed), {}, set()

    def unique(draw, *args):
        while (value := draw(*args)) in seen:
            pass
        seen.add(value)
        return value

    def resident(region, born_after, years, male):
        return id_number(region, born_after + dt.timedelta(days=rng.randrange(365 * years)), rng.randrange(500), male)

    for _, _, username, *_ in STAFF:
        plan[username] = unique(phone, rng)
    for person in PERSONS:
        plan[person.key] = {"id_number": unique(resident, person.region, dt.date(1968, 1, 1), 32, person.male),
                            "phone": unique(phone, rng)}
    for enterprise in ENTERPRISES:
        plan[enterprise.key] = {
            # registered with the city's market regulator
            "uscc": unique(lambda region: uscc(region, "MA2" + "".join(rng.choice(USCC_ALPHABET) for _ in range(5))),
                           enterprise.region[:4] + "00"),
            "phone": unique(phone, rng),
            "representative_id": unique(resident, enterprise.region, dt.date(1965, 1, 1), 25,
                                        enterprise.representative_male)}
    cars = [(s.key, s.customer, s.car, s.year) for s in STORIES] + [
        (f"V-{customer}", customer, car, year) for customer, car, _, year in PENDING_VALUATIONS]
    for key, customer, car_key, year in cars:
        car, region = CARS[car_key], CUSTOMERS[customer].region
        plan[f"car:{key}"] = {
            "vin": unique(lambda car, year: vin(car.wmi, car.vds, year, car.plant, rng.randrange(10 ** 6)), car, year),
            "plate": unique(plate, rng, CITY[region[:4]][1], car.new_energy),
            "mileage_km": max(day.year - year, 1) * rng.randrange(9000, 18000) + rng.randrange(300, 3000),
            "imei": unique(imei, rng),
            "card": unique(lambda: bank_card(rng, rng.choice(("622202", "621700", "622848", "621483")))),
            "certificate": unique(lambda city: f"{city}{rng.randrange(10 ** 8):08d}", region[:4])}
    return plan


# -- the gateway's API ---------------------------------------------------------------------------------
class DemoError(Exception):
    """The demo book cannot go on: what was asked, and what the platform answered."""


class Api:
    """JSON over HTTP to the gateway, as one signed-in user. A 5xx or a broken connection (a service restarting) is
    retried for a while: the steps recognise work of theirs that took effect before its answer was lost, and money
    commands replay under their Idempotency-Key."""

    def __init__(self, url, token=None, who="anonymous"):
        self.url, self.token, self.who = url.rstrip("/"), token, who

    def call(self, method, path, body=None, params=None, headers=None, expect=(200, 201), attempts=6):
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        request_headers = {"Content-Type": "application/json", "Accept": "application/json", **(headers or {})}
        if self.token:
            request_headers["Authorization"] = f"Bearer {self.token}"
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        for attempt in range(attempts):
            request = urllib.request.Request(f"{self.url}/api/v1{path}{query}", data=data, method=method,
                                             headers=request_headers)
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    status, payload = response.status, response.read()
            except urllib.error.HTTPError as exc:
                status, payload = exc.code, exc.read()
            except (urllib.error.URLError, OSError) as exc:
                status, payload = None, str(exc).encode()
            if status is not None and status < 500:
                break
            time.sleep(min(0.5 * 2 ** attempt, 5))
        try:
            answer = json.loads(payload) if payload else None
        except ValueError:
            answer = payload.decode(errors="replace")
        if status not in expect:
            raise ApiError(method, path, self.who, status, answer)
        return answer

    def get(self, path, **params):
        return self.call("GET", path, params=params or None)

    def post(self, path, body, **kwargs):
        return self.call("POST", path, body, **kwargs)

    def each(self, path, **params):
        """Every item of a list endpoint, page by page."""
        page = 1
        while True:
            answer = self.get(path, page=page, page_size=100, **params)
            yield from answer["items"]
            if page * 100 >= answer["total"]:
                return
            page += 1


class ApiError(DemoError):
    """An answer other than the one expected: its status, problem `code` and body are kept for the caller."""

    def __init__(self, method, path, who, status, answer):
        self.status, self.answer = status, answer if isinstance(answer, dict) else {"detail": answer}
        self.code = self.answer.get("code")
        super().__init__(f"{method} {path} as {who}: {status} {self.code or ''} {self.answer.get('detail') or ''} "
                         f"{self.answer.get('errors') or ''}".strip())


def wait_for(what, predicate, timeout=60.0):
    """Poll until `predicate()` is truthy (events reach the other services in a moment) and return its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise DemoError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(0.3)


# -- the seeding -----------------------------------------------------------------------------------------
class Journal:
    """What an interrupted seeding needs to resume as it began, kept in `<data dir>/demo-seeding` (mode 0600)."""

    def __init__(self, path, state):
        self.path, self.state = path, state

    @classmethod
    def open(cls, path, today):
        if path.exists():
            return cls(path, json.loads(path.read_text())), True
        journal = cls(path, {"book_date": today.isoformat(), "seed": secrets.randbits(32),
                             "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                             "passwords": {}})
        journal.save()
        return journal, False

    def save(self):
        write_private(self.path, json.dumps(self.state, ensure_ascii=False, indent=1))


def write_private(path, text):
    """Write a file only its owner can read (credentials): created 0600, never briefly readable by others."""
    scratch = path.with_name(path.name + ".tmp")
    descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
    os.chmod(scratch, 0o600)
    os.replace(scratch, path)


class Seeder:
    """The seeding itself: each step does its part of the book, or finds it done by an earlier, interrupted run."""

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

    # -- entry point --------------------------------------------------------------------------------
    def run(self, today):
        started = time.monotonic()
        marker = self.data_dir / MARKER
        if marker.exists():
            self.say(f"the demo book is already in place ({marker}); nothing to do")
            return False
        self.admin.token = self.login("admin", self.admin_password)
        path = self.data_dir / JOURNAL
        if not path.exists():
            held = self.business_held()
            if held:
                marker.write_text(f"not seeded on {today.isoformat()}: the book already held {held}\n")
                self.say(f"not seeding the demo book: the platform already holds {held} ({marker} written)")
                return False
        journal, resumed = Journal.open(path, today)
        self.journal, self.day = journal, dt.date.fromisoformat(journal.state["book_date"])
        self.say(("resuming the interrupted demo book of " if resumed else "seeding the demo book as of ")
                 + self.day.isoformat())
        plan = plan_book(journal.state["seed"], self.day)
        steps = (
            ("organisation", lambda: self.organisation(plan),
             lambda: f"{len(self.departments)} departments, {len(STAFF)} staff"),
            ("customers", lambda: (self.products(), self.customers(plan)),
             lambda: f"{len(PERSONS)} persons and {len(ENTERPRISES)} enterprises, {len(self.vehicles)} cars valued"),
            ("origination", lambda: loans.update(zip(STORIES_BY_KEY, self.parallel(
                lambda story: self.originate(story, plan), STORIES))),
             lambda: f"{len(STORIES)} applications, {sum(1 for loan in loans.values() if loan)} contracts"),
            ("disbursement", lambda: self.collateral_work(plan, loans), lambda: "paid out, GPS fitted, mortgages"),
            ("repayments", lambda: self.parallel(lambda story: self.service(story, loans[story.key]), STORIES),
             lambda: "on their due dates; one loan repaid at maturity, one paid off early"),
            ("close of business", lambda: (self.releases(loans), self.close_of_business()),
             lambda: f"{self.day}: {self.closed['loans']} active loans, {self.closed['overdue']} overdue"),
            ("post-loan", lambda: (self.post_loan(plan, loans), self.finance()),
             lambda: f"{len(self.tasks)} collection tasks ({len(COLLECTION_RECORDS)} worked), warnings, "
                     "a grade adjustment asked, provisions"),
        )
        loans = {}
        for name, step, summary in steps:
            began = time.monotonic()
            step()
            self.say(f"  {name}: {summary()} ({time.monotonic() - began:.1f} s)")
        users = self.users_table()
        write_private(self.data_dir / USERS, users)
        marker.write_text(f"seeded on {self.day.isoformat()} in {time.monotonic() - started:.0f} s\n")
        path.unlink()
        self.say(f"demo book ready in {time.monotonic() - started:.0f} s; staff accounts in {self.data_dir / USERS}")
        return True

    def business_held(self):
        """What the platform already holds beyond its first-start seed, in words, or '' if it is new."""
        counts = {"employees": self.admin.get("/employees", page_size=1)["total"] - 1,
                  "customers": self.admin.get("/customers", page_size=1)["total"],
                  "products": self.admin.get("/products", page_size=1)["total"],
                  "departments": self.admin.get("/departments", page_size=1)["total"] - 1}
        return ", ".join(f"{count} {what}" for what, count in counts.items() if count > 0)

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

    # -- origination: each story's application driven up to its target ----------------------------------
    def signed_ago(self, story):
        """Days before the book's date the contract is signed (and, for a loan paid out, the money paid)."""
        if story.disbursed:
            late, installment = story.disbursed
            return (self.day - add_months(self.day - dt.timedelta(days=late), -installment)).days
        return story.signed_ago

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

    def key(self, *parts):
        """An Idempotency-Key of this book's own: a resumed run replays money commands instead of repeating them."""
        return {"Idempotency-Key": "demo-" + "-".join(str(p) for p in (self.journal.state["seed"], *parts))}

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

    def users_table(self):
        passwords = self.journal.state["passwords"]
        rows = [("角色", "用户名", "密码", "姓名", "部门")] + [
            (role, username, passwords[username], name, self.department_names[self.departments[department]])
            for _, role, username, name, department, _ in STAFF]
        return (f"# 演示账号: the demo book's staff, seeded {self.day.isoformat()} ({self.url}).\n"
                "# The admin account is `admin` (its password is CARLOAN_ADMIN_PASSWORD or admin-password).\n"
                + table(rows))


# -- command line ------------------------------------------------------------------------------------------
def book_date():
    """Today where the business is (CARLOAN_TIMEZONE, as the services count it)."""
    from zoneinfo import ZoneInfo
    return dt.datetime.now(ZoneInfo(os.environ.get("CARLOAN_TIMEZONE") or "Asia/Shanghai")).date()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    port = os.environ.get("CARLOAN_GATEWAY_PORT", "8000")
    parser.add_argument("--url", default=f"http://127.0.0.1:{port}", help="the gateway (default %(default)s)")
    parser.add_argument("--data-dir", default=os.environ.get("CARLOAN_DATA_DIR", "var"),
                        help="where the marker, the journal and demo-users go (default %(default)s)")
    args = parser.parse_args(argv)

    def say(message):
        print(f"[demo] {message}", flush=True)

    if os.environ.get("CARLOAN_ENV", "development") == "production":
        say("refusing: the demo book is never seeded in production (CARLOAN_ENV=production)")
        return 2
    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    if (data_dir / MARKER).exists():
        (data_dir / JOURNAL).unlink(missing_ok=True)  # left by a run stopped between its last two writes
        say(f"the demo book is already in place ({data_dir / MARKER}); nothing to do")
        return 0
    secret = os.environ.get("CARLOAN_ADMIN_PASSWORD")
    if not secret:
        try:
            secret = (data_dir / "admin-password").read_text().strip()
        except OSError:
            say(f"no admin password: set CARLOAN_ADMIN_PASSWORD or keep it in {data_dir / 'admin-password'}")
            return 1
    try:
        Seeder(args.url, data_dir, secret, say).run(book_date())
    except DemoError as exc:
        say(f"the demo book is not complete: {exc}")
        if (data_dir / JOURNAL).exists():
            say(f"the next run resumes it where it stopped ({data_dir / JOURNAL} keeps what it needs)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
