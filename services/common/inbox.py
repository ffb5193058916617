"""我的待办 plumbing: what a service's `inbox` RPC answers (each kind of work waiting for the caller, capped and
counted) and how its items read. Which rows wait for whom is each service's own rule."""
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func

from services.common.pagination import MAX_PAGE_SIZE

DEFAULT_LIMIT = 20
SEPARATOR = " · "


def limit_of(value):
    """Items per kind: 1 to 100, 20 when not given."""
    return min(max(int(value or DEFAULT_LIMIT), 1), MAX_PAGE_SIZE)


def yuan(amount):
    """An amount as staff read it in a title: ¥128,000.00 (the API's own fields stay decimal strings)."""
    if amount is None:
        return ""
    return f"¥{Decimal(amount).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def title(*parts):
    """Parts of a title or summary joined by " · ", empty ones left out."""
    return SEPARATOR.join(str(part) for part in parts if part not in (None, ""))


def item(kind, label, object_id, heading, summary, created_at, link, action=None):
    """One piece of work: `link` is where to read the object, `action` where to act on it (a POST)."""
    return {"kind": kind, "kind_label": label, "id": object_id, "title": heading, "summary": summary,
            "created_at": created_at.isoformat(), "link": link, "action": action}


class Inbox:
    """The caller's work in one service: add each kind they may act on (`query` selects the rows waiting for them,
    oldest first; `dump` makes an item of the entities a row holds); `result()` answers `{items, counts}`: at most
    `limit` items of each kind, oldest first, and how many of each kind wait."""

    def __init__(self, session, limit):
        self.session = session
        self.limit = limit_of(limit)
        self.items, self.counts = [], {}

    def add(self, kind, query, dump):
        # counted in the same statement (a window count), as the lists are
        rows = self.session.execute(query.add_columns(func.count().over()).limit(self.limit)).all()
        self.counts[kind] = rows[0][-1] if rows else 0
        self.items.extend(dump(*row[:-1]) for row in rows)

    def result(self):
        return {"items": sorted(self.items, key=lambda entry: entry["created_at"]), "counts": self.counts}
