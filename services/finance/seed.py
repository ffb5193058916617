"""First-start seeding: the default chart of accounts (docs/rules.md, "Accounting") and a default bank account
(基本户), so postings can start at once. Administrators extend both (`POST /finance/accounts`,
`/finance/bank-accounts`)."""
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common import clock
from services.common.db import make_engine
from services.finance.domain import DEFAULT_CHART
from services.finance.models import Account, BankAccount

log = logging.getLogger(__name__)


def seed(url):
    engine = make_engine(url, pool_size=0)
    with Session(engine) as session, session.begin():
        known = set(session.scalars(select(Account.code)))
        for code, (name, kind, normal_side) in DEFAULT_CHART.items():
            if code not in known:
                session.add(Account(code=code, name=name, kind=kind, normal_side=normal_side, builtin=True))
        if session.scalars(select(BankAccount.id)).first() is None:
            session.add(BankAccount(code="BASIC", name="基本存款账户", opening_balance=0, opened_on=clock.today(),
                                    is_default=True))
            log.info("seeded the chart of accounts and the default bank account")
    engine.dispose()
