"""The chart of accounts (会计科目) and the company's bank accounts (银行账户): listed, and added by an
administrator (accounts are never removed or recoded)."""
from sqlalchemy import select

from services.common.errors import Conflict
from services.finance.models import Account, BankAccount


def list_accounts(uow, data=None):
    """Every account of the chart, by code."""
    return uow.session.scalars(select(Account).order_by(Account.code)).all()


def create_account(uow, data):
    """A new account (409 ACCOUNT_DUPLICATE for a code there is); its normal side is its kind's unless given."""
    if uow.session.get(Account, data["code"]):
        raise Conflict(f"account {data['code']} exists", code="ACCOUNT_DUPLICATE", extra={"account": data["code"]})
    normal = data["normal_side"] or ("debit" if data["kind"] in ("asset", "expense") else "credit")
    account = Account(code=data["code"], name=data["name"], kind=data["kind"], normal_side=normal, builtin=False)
    uow.session.add(account)
    uow.audit("create_account", "account", account.code, {"name": account.name})
    return account


def list_bank_accounts(uow, data=None):
    """Every bank account, by code."""
    return uow.session.scalars(select(BankAccount).order_by(BankAccount.code)).all()


def create_bank_account(uow, data):
    """A new bank account (409 BANK_ACCOUNT_DUPLICATE for a code there is); made the default, it is the only one."""
    if uow.session.scalars(select(BankAccount.id).where(BankAccount.code == data["code"])).first():
        raise Conflict(f"bank account {data['code']} exists", code="BANK_ACCOUNT_DUPLICATE",
                       extra={"bank_account": data["code"]})
    if data["is_default"]:
        for other in uow.session.scalars(select(BankAccount).where(BankAccount.is_default.is_(True))):
            other.is_default = False
    bank = BankAccount(**data)
    uow.session.add(bank)
    uow.session.flush()
    uow.audit("create_bank_account", "bank_account", bank.id, {"code": bank.code})
    return bank
