"""Excel exports (`format=xlsx`): openpyxl's write-only (streaming) workbook, headers in the request's language
(Chinese unless English is asked for), and every text cell written as text: a value starting with = + - @ is
never a formula a spreadsheet would run."""
import io
import re
import urllib.parse
from decimal import Decimal

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 1_000_000  # Excel's limit is 1,048,576
AMOUNT = re.compile(r"-?[0-9]{1,15}\.[0-9]{2}", re.ASCII)  # what services write; "１２.００" typed by someone is text
TEXT_KEYS = {"customer_name", "counterparty", "summary", "voucher_no", "contract_no", "memo", "name"}


def _cell(sheet, value, key=None):
    if isinstance(value, str) and key not in TEXT_KEYS and AMOUNT.fullmatch(value):
        cell = WriteOnlyCell(sheet, value=Decimal(value))  # an amount: a number the sheet can sum
        cell.number_format = "#,##0.00"
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, whatever it starts with
    return cell


def workbook(title, columns, rows):
    """An .xlsx of `rows` (dicts) under `columns` ([key, title] pairs), as bytes."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    bold = Font(bold=True)
    header = []
    for _, label in columns:
        cell = _cell(sheet, label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            break
        sheet.append([_cell(sheet, row.get(key), key) for key, _ in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def response(filename, title, columns, rows):
    quoted = urllib.parse.quote(f"{filename}.xlsx")
    return Response(workbook(title, columns, rows), mimetype=MIME, headers={
        "Content-Disposition": f"attachment; filename=\"{filename.encode('ascii', 'ignore').decode() or 'export'}"
                               f".xlsx\"; filename*=UTF-8''{quoted}"})
