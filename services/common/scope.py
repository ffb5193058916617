"""Data scope (数据权限) in queries: what an actor may list, by an object's department and owner."""
from sqlalchemy import false, or_, select

from services.common.ask import ask
from services.common.errors import NotFound


def scoped(query, actor, department_column, owner_column=None):
    """Restrict `query` to the rows `actor` may see: all (scope `all`), their own (scope `own`, by
    `owner_column`), or those of the departments under their scope plus their own."""
    if actor.department_ids is None:
        return query
    mine = owner_column == actor.user_id if owner_column is not None else None
    if actor.data_scope == "own":
        return query.where(mine if mine is not None else false())
    visible = department_column.in_(actor.department_ids)
    return query.where(or_(visible, mine) if mine is not None else visible)


def scoped_rows(actor, model, owner, filters, *names):
    """The query of the `model` rows `actor`'s data scope covers (by department, or as their `owner` column), where
    each of the columns `names` equals its value in `filters` (a filter left empty is no filter): the listing every
    service's lists start from."""
    query = scoped(select(model), actor, model.department_id, getattr(model, owner))
    for name in names:
        if filters.get(name):
            query = query.where(getattr(model, name) == filters[name])
    return query


def visible(session, actor, model, object_id, code, owner="officer_id", lock=False):
    """The `model` row `object_id` if `actor`'s data scope covers it (by its department, or as its `owner`), else
    404 `code`: a row one may not see is, to them, a row that does not exist."""
    row = session.get(model, object_id, with_for_update=lock)
    if row is None or not actor.can_see(getattr(row, owner), row.department_id):
        raise NotFound(f"no such {model.__tablename__.replace('_', ' ')}", code=code)
    return row


def granted_by_task(collection, actor, **about):
    """Read access an assigned collection task gives its collector to the loan or customer it is about
    (`loan_id=` or `customer_id=`), asked of the collection service (`collection`, an RpcProxy), which owns task
    assignment. Asked only of someone who works collection tasks; the caller checks the data scope first."""
    if not actor.has("collection.task.work"):
        return False
    return bool(ask(collection, "task_grants_read", **about))
