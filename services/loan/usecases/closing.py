"""日终 Close of business over the loan book: the dates asked for are queued, then closed in order, each in
loan-id ranges (one transaction each, `services/loan/cob.py`) that every replica may claim; the last range
done finishes the date. A run that dies is simply run again."""
import datetime as dt
import time
from decimal import Decimal

from prometheus_client import Gauge, Histogram
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from services.common import clock, config
from services.common.clock import utcnow
from services.common.errors import Conflict, field_error
from services.loan import cob
from services.loan.domain import lifecycles
from services.loan.models import CobPartition, CobRun
from services.loan.usecases import repayments

COB_CLOSED = Gauge("carloan_cob_closed_business_date_seconds",
                   "The last business date closed (日终), as the Unix time of its midnight in CARLOAN_TIMEZONE")
COB_SECONDS = Histogram("carloan_cob_date_seconds", "Seconds from starting a business date's close to finishing it",
                        buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800))


def shown(uow, run):
    """A run with how many of its ranges are in each status, as its view wants it."""
    parts = uow.session.execute(select(CobPartition.status, func.count()).where(
        CobPartition.business_date == run.business_date).group_by(CobPartition.status)).all()
    return run, dict(parts)


def run_cob(uow, day):
    """Close each business date after the last one closed, up to `day`: queued, then closed for as long as
    `CARLOAN_COB_SYNC_SECONDS` (8) allows; the replicas' timers close the rest."""
    session = uow.session
    done = session.scalars(select(CobRun).where(CobRun.status == "done")
                           .order_by(CobRun.business_date.desc())).first()
    if done is not None and day <= done.business_date:
        if day == done.business_date:
            return shown(uow, done)
        raise Conflict(f"business date {done.business_date} is already closed", code="COB_DATE_PASSED",
                       extra={"business_date": str(done.business_date)})
    start = done.business_date + dt.timedelta(days=1) if done is not None else day
    if (day - start).days > 366:
        raise field_error("business_date", "close at most a year of business dates at once",
                          code="COB_RANGE_TOO_LONG")
    for _ in range(3):  # another replica may queue a shorter range at the same moment: queue the rest after it
        if session.get(CobRun, day) is not None:
            break
        _queue_dates(uow, day)
    else:
        raise Conflict("the business dates are being queued by another request; try again", code="COB_BUSY")
    uow.audit("run_cob", "cob_run", day.isoformat(), {"from": start.isoformat(), "to": day.isoformat()})
    _close_queued(uow, day, time.monotonic() + config.env_float("CARLOAN_COB_SYNC_SECONDS", 8))
    return shown(uow, session.get(CobRun, day))


def cob_status(uow):
    """The date being closed, or the last one closed (None before the first)."""
    last = uow.session.scalars(select(CobRun).where(CobRun.status != "queued")
                               .order_by(CobRun.business_date.desc())).first()
    return last and shown(uow, last)


def tick(uow):
    """A replica's turn: go on with the dates queued and not closed yet (claiming loan-id ranges no one holds),
    or start tonight's close when `CARLOAN_COB_AT` (local time, e.g. 00:30) passed."""
    closed = uow.session.scalar(select(func.max(CobRun.business_date)).where(CobRun.status == "done"))
    if closed is not None:
        _show_closed(closed)
    pending = uow.session.scalar(select(func.count()).select_from(CobRun).where(CobRun.status != "done"))
    if not pending:
        last = uow.session.scalar(select(func.max(CobRun.business_date)))
        day = cob.scheduled_date(dt.datetime.now(clock.zone()), config.env("CARLOAN_COB_AT", ""), last)
        if day is None:
            return
        _queue_dates(uow, day)
    _close_queued(uow, None, time.monotonic() + config.env_float("CARLOAN_COB_TICK_BUDGET_SECONDS", 120), wait=False)


def _queue_dates(uow, day):
    """Queue every business date after the last one known up to `day`."""
    session = uow.session
    latest = session.scalar(select(func.max(CobRun.business_date)))
    first = latest + dt.timedelta(days=1) if latest is not None else day
    if first > day:
        return
    try:
        session.add_all(CobRun(business_date=first + dt.timedelta(days=n), status="queued",
                               started_by=uow.actor.user_id) for n in range((day - first).days + 1))
        session.commit()
    except IntegrityError:  # another replica queued them at the same moment
        session.rollback()


def _close_queued(uow, until, deadline, wait=True):
    """Close the dates not closed yet, oldest first (up to `until`), until one cannot be finished now (its
    remaining ranges held by other replicas) or the deadline passes."""
    while time.monotonic() < deadline:
        query = select(CobRun.business_date).where(CobRun.status != "done").order_by(CobRun.business_date)
        if until is not None:
            query = query.where(CobRun.business_date <= until)
        day = uow.session.scalars(query).first()
        if day is None or _close(uow, day, wait=wait, deadline=deadline).status != "done":
            return


def _start(uow, day):
    """The date's run with its loan-id ranges, created once (by whichever replica gets there first)."""
    session = uow.session
    run = session.get(CobRun, day)
    if run is not None and run.status != "queued":
        return run
    ranges = cob.partitions(config.env_int("CARLOAN_COB_PARTITIONS", 16))
    try:
        if run is None:
            run = CobRun(business_date=day, status="running", started_by=uow.actor.user_id)
            session.add(run)
        lifecycles.COB_RUN.move(run, "running", started_at=utcnow())
        session.flush()  # the run first: its ranges refer to it
        session.add_all(CobPartition(business_date=day, part=k, low_id=low, high_id=high, status="pending")
                        for k, (low, high) in enumerate(ranges))
        session.commit()
    except IntegrityError:  # another replica started the date at the same moment
        session.rollback()
    return session.get(CobRun, day)


def _close(uow, day, wait=True, deadline=None):
    """Close `day`: claim its pending loan-id ranges one by one and close each in its own transaction; then,
    when every range is done (by this replica or others), the date is done."""
    session = uow.session
    run = _start(uow, day)
    deadline = deadline or time.monotonic() + config.env_float("CARLOAN_COB_WAIT_SECONDS", 300)
    while run.status != "done":
        part = None
        if time.monotonic() < deadline:
            part = session.scalars(select(CobPartition).where(
                CobPartition.business_date == day, CobPartition.status == "pending")
                .order_by(CobPartition.part).limit(1).with_for_update(skip_locked=True)).first()
        if part is not None:
            counts = cob.RangeClose(uow, day, part.low_id, part.high_id,
                                    lambda loan, on: repayments.apply_advance(uow, loan, on)).run()
            lifecycles.COB_PARTITION.move(part, "done", worker=cob.WORKER, finished_at=utcnow())
            part.loans, part.overdue, part.events = counts["loans"], counts["overdue"], counts["events"]
            part.seconds = Decimal(f"{counts['seconds']:.3f}")
            session.commit()  # this range is closed for the date, whatever happens next
            continue
        session.rollback()
        left = session.scalar(select(func.count()).select_from(CobPartition).where(
            CobPartition.business_date == day, CobPartition.status != "done"))
        if left == 0:
            _finish(uow, day)
            run = session.get(CobRun, day)
            break
        if not wait or time.monotonic() > deadline:
            break
        time.sleep(0.2)  # ranges held by other replicas
    session.commit()
    return run


def _finish(uow, day):
    run = uow.session.get(CobRun, day, with_for_update=True)
    if run.status == "done":
        return
    loans, overdue, events = uow.session.execute(select(
        func.sum(CobPartition.loans), func.sum(CobPartition.overdue), func.sum(CobPartition.events))
        .where(CobPartition.business_date == day)).one()
    run.loans, run.overdue, run.events = loans or 0, overdue or 0, events or 0
    lifecycles.COB_RUN.move(run, "done", finished_at=utcnow())
    uow.audit("close_of_business", "cob_run", day.isoformat(), {"loans": run.loans})
    uow.session.commit()
    COB_SECONDS.observe((run.finished_at - run.started_at).total_seconds())
    _show_closed(day)


def _show_closed(day):
    COB_CLOSED.set(dt.datetime.combine(day, dt.time(), tzinfo=clock.zone()).timestamp())
