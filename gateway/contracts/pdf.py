"""借款合同 and 还款计划表 drawn with ReportLab: A4, every Chinese character from one TrueType font embedded (as a
subset), so any PDF reader shows it without fonts of its own. The same loan gives the same bytes: ReportLab's
invariant mode (no random document id, no time of day), and the creation date the loan's signing date.

The font is `CARLOAN_PDF_FONT` (default Debian's fonts-wqy-microhei, a TrueType collection) and
`CARLOAN_PDF_FONT_INDEX` its face in a collection (0, 文泉驿微米黑). OpenType fonts with CFF outlines (Noto CJK) are
not usable by ReportLab. A font that cannot be read is a 503 `PDF_FONT_MISSING`, naming the path."""
import calendar
import datetime as dt
import io
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gateway.contracts import facts as words
from services.common import config
from services.common.errors import Unavailable

DEFAULT_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FACE = "CarloanCJK"
GRID = colors.HexColor("#9ca3af")
SHADE = colors.HexColor("#f3f4f6")
_lock = threading.Lock()  # ReportLab keeps per-font and per-module state: one document at a time per process
_fonts = {}  # (path, index) → the name registered for it


def font():
    """The registered name of the configured CJK font, registering it on first use."""
    path = config.env("CARLOAN_PDF_FONT", "") or DEFAULT_FONT
    index = config.env_int("CARLOAN_PDF_FONT_INDEX", 0)
    key = (path, index)
    if key not in _fonts:
        name = f"{FACE}{len(_fonts)}"
        try:
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
        except (OSError, TTFError) as exc:
            raise Unavailable(f"the contract font {path} cannot be used: {exc}", code="PDF_FONT_MISSING",
                              extra={"path": path}) from None
        _fonts[key] = name
    return _fonts[key]


@dataclass(frozen=True)
class Papers:
    """What a loan's documents are drawn from: the placeholders' texts (gateway.contracts.facts), the borrower
    (name, ID label, ID number, phone, address), the car and the schedule as the services answered them, the
    template, and the date the documents carry (the signing date: the same loan, the same bytes)."""
    facts: dict
    borrower: tuple
    vehicle: dict
    schedule: dict
    template: object
    dated: dt.date


class _Stamp:
    """ReportLab's document time stamp, fixed at midnight UTC of a date."""

    def __init__(self, day):
        self.t = calendar.timegm(day.timetuple())
        self.lt = time.gmtime(self.t)
        self.YMDhms = tuple(self.lt)[:6]
        self.dhh = self.dmm = 0
        self.tzname = "UTC"


def _canvas_class(day, footer, face):
    """A canvas dated `day` that writes `footer` and 第 n 页 / 共 m 页 on each page once all are laid out."""

    class Dated(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = _Stamp(day)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(face, 8)
                self.setFillColor(colors.HexColor("#6b7280"))
                self.drawString(20 * mm, 12 * mm, footer)
                self.drawRightString(A4[0] - 20 * mm, 12 * mm, f"第 {number} 页 / 共 {len(self._pages)} 页")
                super().showPage()
            super().save()

    return Dated


class _Styles:
    def __init__(self, face):
        def style(name, size, **more):
            return ParagraphStyle(name, fontName=face, fontSize=size, leading=size * 1.6, wordWrap="CJK", **more)
        self.title = style("title", 18, alignment=TA_CENTER, spaceAfter=4 * mm)
        self.number = style("number", 9.5, alignment=TA_RIGHT, spaceAfter=3 * mm)
        self.heading = style("heading", 11.5, spaceBefore=3 * mm, spaceAfter=1.5 * mm)
        self.body = style("body", 10, firstLineIndent=20)
        self.cell = style("cell", 9.5)
        self.small = style("small", 8.5)
        self.figure = style("figure", 8.5, alignment=TA_RIGHT)


def _p(text, style):
    return Paragraph(escape(text), style)


def _grid(face, header=False):
    commands = [("FONT", (0, 0), (-1, -1), face, 9), ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), SHADE), ("ALIGN", (0, 0), (-1, 0), "CENTER")]
    return TableStyle(commands)


def _pairs(rows, styles, face):
    """A two-column table of (label, value) rows, labels shaded."""
    table = Table([[_p(label, styles.cell), _p(value, styles.cell)] for label, value in rows],
                  colWidths=[38 * mm, 132 * mm])
    table.setStyle(_grid(face))
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), SHADE)]))
    return table


def _lines_table(schedule, styles, face, columns):
    """The schedule as a table: `columns` are (title, width in mm, figure?, the cell's text of an installment)."""
    header = [_p(title, styles.small) for title, _, _, _ in columns]
    body = [[_p(text(line), styles.figure if figure else styles.small) for _, _, figure, text in columns]
            for line in schedule["installments"]]
    table = Table([header] + body, colWidths=[width * mm for _, width, _, _ in columns], repeatRows=1)
    table.setStyle(_grid(face, header=True))
    return table


def _document(buffer, facts, title):
    return SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                             bottomMargin=20 * mm, title=f"{title} {facts['contract_no']}",
                             author=facts["lender"], subject=facts["contract_no"], creator="车贷管理系统",
                             invariant=1)


def _build(story, papers, title):
    facts = papers.facts
    with _lock:
        face = font()
        buffer = io.BytesIO()
        _document(buffer, facts, title).build(
            story(_Styles(face), face),
            canvasmaker=_canvas_class(papers.dated, f"{title}　合同编号：{facts['contract_no']}", face))
        return buffer.getvalue()


def _paid(line):
    return sum(Decimal(line.get(key) or "0") for key in ("paid_principal", "paid_interest", "paid_fees", "paid_penalty"))


def _charges(line):
    return Decimal(line.get("fees") or "0") + Decimal(line.get("penalty") or "0")


def _status(line):
    return words.INSTALLMENT_STATUSES.get(line.get("status"), line.get("status") or words.NONE)


# The contract's schedule: what is agreed. The statement's: every installment as it stands.
SCHEDULE_COLUMNS = (("期数", 12, False, lambda line: str(line["no"])),
                    ("还款日", 26, False, lambda line: line["due_date"]),
                    ("应还本金", 30, True, lambda line: words.yuan(line["principal"])),
                    ("应还利息", 28, True, lambda line: words.yuan(line["interest"])),
                    ("应还合计", 30, True, lambda line: words.yuan(line["total"])),
                    ("剩余本金", 44, True, lambda line: words.yuan(line["balance_after"])))
STATEMENT_COLUMNS = (("期数", 12, False, lambda line: str(line["no"])),
                     ("还款日", 22, False, lambda line: line["due_date"]),
                     ("应还本金", 24, True, lambda line: words.yuan(line["principal"])),
                     ("应还利息", 21, True, lambda line: words.yuan(line["interest"])),
                     ("费用/罚息", 20, True, lambda line: words.yuan(_charges(line))),
                     ("应还合计", 24, True, lambda line: words.yuan(line["total"])),
                     ("已还", 24, True, lambda line: words.yuan(_paid(line))),
                     ("状态", 23, False, _status))


def contract(papers):
    """借款合同 as PDF bytes: title and number, the parties, the loan and the car in tables, the template's clauses
    (numbered), the whole schedule, and the signature blocks."""
    facts, template, vehicle, schedule = papers.facts, papers.template, papers.vehicle, papers.schedule
    lender, (name, id_label, id_number, phone, address) = facts["lender"], papers.borrower

    def story(styles, face):
        fill = lambda text: template.fill(text, facts)  # noqa: E731
        items = [_p(template.title, styles.title), _p(f"合同编号：{facts['contract_no']}", styles.number),
                 _p("一、合同双方", styles.heading),
                 _pairs([("甲方（出借人）", lender), ("乙方（借款人）", name), (id_label, id_number),
                         ("联系电话", phone), ("住所", address)], styles, face),
                 Spacer(1, 2 * mm), _p(fill(template.preamble), styles.body),
                 _p("二、借款要素", styles.heading),
                 _pairs([("借款金额（小写）", facts["amount"]), ("借款金额（大写）", f"人民币{facts['amount_capitals']}"),
                         ("年利率", facts["annual_rate"]), ("年化利率（含费用）", facts["apr"]),
                         ("借款期限", f"{facts['term_months']}个月"), ("还款方式", facts["method"]),
                         ("签约日", facts["signed_on"]), ("放款日", facts["disbursed_on"]),
                         ("首期还款日", facts["first_due_date"]), ("到期日", facts["maturity_date"]),
                         ("每月还款日", f"{facts['due_day']}日"), ("费用", facts["fees"]),
                         ("实际放款金额", facts["net_amount"]),
                         ("罚息", f"年利率上浮{facts['penalty_markup']}（{facts['penalty_rate']}），宽限期{facts['grace_days']}日")],
                        styles, face),
                 _p("三、抵押车辆", styles.heading),
                 _pairs([("品牌型号", facts["vehicle"]), ("车架号（VIN）", facts["vin"]),
                         ("车牌号", facts["plate_number"]), ("年份", str(vehicle.get("year") or words.NONE)),
                         ("颜色", vehicle.get("colour") or words.NONE)], styles, face),
                 _p("四、合同条款", styles.heading)]
        for number, (heading, text) in enumerate(template.clauses, start=1):
            items.append(KeepTogether([_p(f"第{words.ordinal(number)}条　{fill(heading)}", styles.cell),
                                       _p(fill(text), styles.body)]))
        items += [Spacer(1, 2 * mm), _p(fill(template.closing), styles.body),
                  _p(f"附件：{template.schedule_title}", styles.heading),
                  _lines_table(schedule, styles, face, SCHEDULE_COLUMNS),
                  _p(f"利息合计 {facts['total_interest']}　还款总额 {facts['total_payment']}", styles.figure),
                  Spacer(1, 8 * mm), _signatures(lender, name, styles, face)]
        return items

    return _build(story, papers, template.title)


def statement(papers):
    """还款计划表 as PDF bytes: the loan's terms in brief and every installment as it stands."""
    facts, template, schedule, name = papers.facts, papers.template, papers.schedule, papers.borrower[0]

    def story(styles, face):
        return [_p(template.schedule_title, styles.title), _p(f"合同编号：{facts['contract_no']}", styles.number),
                _pairs([("出借人", facts["lender"]), ("借款人", name),
                        ("借款金额", f"{facts['amount']}（人民币{facts['amount_capitals']}）"),
                        ("年利率 / 年化利率", f"{facts['annual_rate']} / {facts['apr']}"),
                        ("还款方式", f"{facts['method']}，{facts['installments']}期，每月{facts['due_day']}日还款"),
                        ("放款日", facts["disbursed_on"])], styles, face),
                Spacer(1, 4 * mm), _lines_table(schedule, styles, face, STATEMENT_COLUMNS),
                _p(f"利息合计 {facts['total_interest']}　还款总额 {facts['total_payment']}", styles.figure),
                Spacer(1, 3 * mm), _p(template.fill(template.schedule_note, facts), styles.small)]

    return _build(story, papers, template.schedule_title)


def _signatures(lender, borrower, styles, face):
    left = [_p(f"甲方（出借人）：{lender}", styles.cell), _p("（盖章）", styles.cell), Spacer(1, 6 * mm),
            _p("法定代表人或授权代表（签字）：", styles.cell), Spacer(1, 6 * mm), _p("日期：　　　年　　月　　日", styles.cell)]
    right = [_p(f"乙方（借款人）：{borrower}", styles.cell), _p("（签字并按手印）", styles.cell), Spacer(1, 6 * mm),
             _p("签字：", styles.cell), Spacer(1, 6 * mm), _p("日期：　　　年　　月　　日", styles.cell)]
    table = Table([[left, right]], colWidths=[85 * mm, 85 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONT", (0, 0), (-1, -1), face, 9)]))
    return KeepTogether([table])
