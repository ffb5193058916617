"""The pagination envelope of every list: `{items, total, page, page_size}`."""
from sqlalchemy import func, select

MAX_PAGE_SIZE = 100


def paginate(session, query, page=1, page_size=20, dump=lambda row: row):
    """One page of an ORM or column query, counted in the same statement (a window count)."""
    page = max(int(page or 1), 1)
    page_size = min(max(int(page_size or 20), 1), MAX_PAGE_SIZE)
    rows = session.execute(query.add_columns(func.count().over().label("_total"))
                           .limit(page_size).offset((page - 1) * page_size)).all()
    if rows:
        total = rows[0][-1]
    else:  # past the last page: count separately
        total = session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    return {"items": [dump(row[0]) for row in rows], "total": total, "page": page, "page_size": page_size}
