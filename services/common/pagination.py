"""The pagination envelope of every list: `{items, total, page, page_size}`."""
from sqlalchemy import func, select

MAX_PAGE_SIZE = 100


def paginate(session, query, page=1, page_size=20, dump=lambda row: row):
    page = max(int(page or 1), 1)
    page_size = min(max(int(page_size or 20), 1), MAX_PAGE_SIZE)
    total = session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    rows = session.execute(query.limit(page_size).offset((page - 1) * page_size)).scalars().all()
    return {"items": [dump(row) for row in rows], "total": total, "page": page, "page_size": page_size}
