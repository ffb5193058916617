"""First-start seeding: the one-year and five-year LPR as published by the NIFC (全国银行间同业拆借中心),
so the interest cap can be checked from day one. Administrators add later fixings (`POST /lpr`)."""
import datetime as dt
import logging
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.loan.models import LprRate

log = logging.getLogger(__name__)

PUBLISHED_LPR = (  # effective date, 1-year, 5-year and above
    (dt.date(2024, 10, 21), Decimal("0.031000"), Decimal("0.036000")),
    (dt.date(2025, 5, 20), Decimal("0.030000"), Decimal("0.035000")),
)


def seed(url):
    engine = make_engine(url, pool_size=0)
    with Session(engine) as session, session.begin():
        if session.scalars(select(LprRate.effective_on)).first() is None:
            session.add_all(LprRate(effective_on=day, one_year=one, five_year=five, created_by="seed")
                            for day, one, five in PUBLISHED_LPR)
            log.info("seeded the LPR table")
    engine.dispose()
