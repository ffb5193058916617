"""Positions (职务): the job titles an employee may hold."""
from sqlalchemy import select

from services.common import audit
from services.common.errors import NotFound
from services.common.pagination import paginate
from services.org.models import Position
from services.org.usecases.checks import ensure_code_free


def list_positions(uow, page=1, page_size=20):
    """One page of positions by code: the pagination envelope with Position rows as its items."""
    return paginate(uow.session, select(Position).order_by(Position.code), page, page_size)


def create_position(uow, data):
    ensure_code_free(uow, Position, data["code"], "POSITION_CODE_TAKEN")
    position = Position(**data)
    uow.session.add(position)
    uow.session.flush()
    uow.audit("create_position", "position", position.id, data)
    return position


def update_position(uow, position_id, data):
    """A new name (audited if it differs)."""
    position = uow.session.get(Position, position_id, with_for_update=True)
    if position is None:
        raise NotFound("no such position", code="POSITION_NOT_FOUND")
    changes = audit.changes({"name": position.name}, data)
    if changes:
        position.name = data["name"]
        uow.audit("update_position", "position", position.id, changes)
    return position
