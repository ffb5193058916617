"""Statuses move only along their lifecycle: a move from anywhere else is refused as a conflict, naming both."""
from types import SimpleNamespace

import pytest

from services.common.errors import Conflict, from_refusal
from services.common.refusal import Refused
from services.common.states import Lifecycle
from services.loan.domain import lifecycles
from services.loan.domain.origination import APPLICATION_STATUSES, LOAN_STATUSES


def test_a_move_sets_the_status_and_what_goes_with_it():
    loan = SimpleNamespace(status="signed", disbursed_on=None)
    lifecycles.LOAN.move(loan, "active", disbursed_on="2026-12-03")
    assert (loan.status, loan.disbursed_on) == ("active", "2026-12-03")


@pytest.mark.parametrize("lifecycle, current, target", [
    (lifecycles.LOAN, "signed", "settled"),             # never paid out
    (lifecycles.LOAN, "settled", "active"),
    (lifecycles.DISBURSEMENT, "approved", "approved"),  # reviewed twice
    (lifecycles.DISBURSEMENT, "rejected", "approved"),
    (lifecycles.APPLICATION, "submitted", "approved"),  # not investigated
    (lifecycles.APPLICATION, "rejected", "contracted"),
    (lifecycles.REPAYMENT, "reversed", "reversed"),
    (lifecycles.COB_RUN, "done", "running"),            # a closed date is not closed again
])
def test_a_move_from_elsewhere_is_refused_and_changes_nothing(lifecycle, current, target):
    thing = SimpleNamespace(status=current, note="as it was")
    with pytest.raises(Refused) as refused:
        lifecycle.move(thing, target, note="changed")
    assert (thing.status, thing.note) == (current, "as it was")
    assert refused.value.code == lifecycle.code and refused.value.extra == {"status": current, "to": target}
    assert isinstance(from_refusal(refused.value), Conflict)


def test_a_status_no_move_leads_to_is_a_programming_error():
    with pytest.raises(ValueError):
        Lifecycle("thing", {"done": ("open",)}).move(SimpleNamespace(status="open"), "gone")


def test_the_lifecycles_know_exactly_the_statuses_the_loan_service_shows():
    assert lifecycles.APPLICATION.statuses == set(APPLICATION_STATUSES)
    assert lifecycles.LOAN.statuses == set(LOAN_STATUSES)
