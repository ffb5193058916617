"""The demo company as data (scripts/demo.py): its branches, positions and staff, the customers and their cars,
the products, the stories each loan is driven through, the post-loan work, and `plan_book`, every generated value
of the book drawn from one seed. Pure: nothing here talks to the platform."""
import datetime as dt
import random
from dataclasses import dataclass

from demo_values import USCC_ALPHABET, bank_card, id_number, imei, phone, plate, uscc, vin


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
