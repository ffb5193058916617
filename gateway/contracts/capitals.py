"""大写金额: an amount of yuan in Chinese capitals as a contract, a cheque or a voucher writes it.

The rules (those of the People's Bank's payment and settlement rules and of bookkeeping practice):
- digits 零壹贰叁肆伍陆柒捌玖, places 拾佰仟 within a group of four, groups 万 and 亿 (万亿 above that), then 元, 角, 分;
  a ten is always 壹拾 (壹拾伍万, never 拾伍万), so nothing can be written in front of it;
- zeros inside the figure are one 零 however many there are (1005 → 壹仟零伍), and none at the end of a group
  (1500 → 壹仟伍佰); a group after a 万 or 亿 with fewer than four digits is preceded by 零 (10005 → 壹万零伍,
  100005000 → 壹亿零伍仟), an empty group writes nothing (150000 → 壹拾伍万);
- 元 with no 角 or 分 after it ends with 整 (壹拾伍万元整), and so does 角 with no 分 (伍角整); 分 never does;
- a zero 角 before 分 is 零 (壹佰元零伍分); an amount under one yuan has no 元 (伍角陆分); zero is 零元整.
Negative amounts, fractions of a fen and amounts of 10^16 yuan or more are refused (NUMERIC(18,2) holds none)."""
from decimal import Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ((1000, "仟"), (100, "佰"), (10, "拾"), (1, ""))
LIMIT = 10 ** 16  # NUMERIC(18,2): 16 digits of yuan


def _group(n):
    """1 ≤ n ≤ 9999 in capitals: one 零 for the zeros between digits, none before or after them."""
    text, gap = "", False
    for value, place in PLACES:
        digit = n // value % 10
        if digit:
            if gap and text:
                text += "零"
            text += DIGITS[digit] + place
            gap = False
        else:
            gap = True
    return text


def _yuan(n):
    """A whole number of yuan, 1 ≤ n < 10^16, in capitals (without 元)."""
    for size, name in ((10 ** 8, "亿"), (10 ** 4, "万")):
        if n >= size:
            high, rest = divmod(n, size)
            if not rest:
                return _yuan(high) + name
            return _yuan(high) + name + ("零" if rest < size // 10 else "") + _yuan(rest)
    return _group(n)


def in_capitals(amount):
    """`amount` (a Decimal, or its text: "150000.00") in Chinese capitals: 壹拾伍万元整."""
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"not an amount: {amount!r}") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"not an amount that can be written in capitals: {amount!r}")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"an amount in capitals is to the fen: {amount!r}")
    fen_total = int(value * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    if yuan >= LIMIT:
        raise ValueError(f"too large to be written in capitals: {amount!r}")
    if not fen_total:
        return "零元整"
    text = _yuan(yuan) + "元" if yuan else ""
    if jiao:
        text += DIGITS[jiao] + "角"
    elif fen and yuan:
        text += "零"
    if fen:
        return text + DIGITS[fen] + "分"
    return text + "整"
