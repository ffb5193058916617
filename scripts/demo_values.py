"""The demo book's pure helpers (scripts/demo.py): identity numbers with the check characters their owners' services
verify (resident ID, unified social credit code, VIN, Luhn for IMEIs and bank cards), phones and plates, staff
passwords, month arithmetic and the demo-users table. Standard library only."""
import datetime as dt
import secrets
import string
import unicodedata


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
