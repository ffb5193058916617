"""Schedule engine and calculator endpoint: schedules per second for a 60-month 等额本息 loan, in process and
through the gateway (`POST /api/v1/calculator/schedule`).

Run from the repository root (RabbitMQ on 127.0.0.1:5672, guest/guest, management API on :15672):

    .venv/bin/python bench/calculator.py
    .venv/bin/python bench/calculator.py --concurrency 16 --duration 10 --json

1. In process: one thread builds the schedule (60 lines, fen rounding, APR by Decimal IRR with an upfront fee)
   back to back for `--duration` seconds; also without the APR, to show what the IRR costs.
2. Through the gateway: a temporary vhost and data dir, `services.org` and `services.loan` (one process each),
   the gunicorn gateway (`--workers` x `--threads`), `--concurrency` keep-alive clients posting the same
   request; every answer must be 200 with 60 installments.
Prints schedules/s, requests/s and latency percentiles; the gateway/in-process ratio is how much of one core's
engine throughput the whole HTTP -> AMQP -> service path keeps.
"""
import argparse
import datetime as dt
import json
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gateway_vs_amqp import BenchError, Broker, HttpClient, Stack, _terminate, log, run_phase  # noqa: E402

from services.loan.domain import schedule as engine  # noqa: E402

REQUEST = {"amount": "150000.00", "annual_rate": "0.088800", "term_months": 60,
           "repayment_method": "equal_installment", "start_date": "2026-01-31", "upfront_fee": "3000.00"}


def in_process(duration, with_apr=True):
    amount, rate, fee = Decimal(REQUEST["amount"]), Decimal(REQUEST["annual_rate"]), Decimal(REQUEST["upfront_fee"])
    start = dt.date.fromisoformat(REQUEST["start_date"])
    count, began = 0, time.perf_counter()
    deadline = began + duration
    while time.perf_counter() < deadline:
        if with_apr:
            schedule = engine.build(amount, rate, 60, "equal_installment", start, upfront_fee=fee)
        else:
            schedule = list(engine._lines(amount, rate / 12, 60, "equal_installment"))
        count += 1
    elapsed = time.perf_counter() - began
    assert schedule  # noqa: S101 - the loop ran
    return {"schedules": count, "seconds": round(elapsed, 2), "per_second": round(count / elapsed, 1),
            "mean_us": round(elapsed / count * 1e6, 1)}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("-c", "--concurrency", type=int, default=16)
    parser.add_argument("-d", "--duration", type=float, default=10.0, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--amqp-host", default="127.0.0.1")
    parser.add_argument("--amqp-port", type=int, default=5672)
    parser.add_argument("--amqp-user", default="guest")
    parser.add_argument("--amqp-password", default="guest")
    parser.add_argument("--management-port", type=int, default=15672)
    parser.add_argument("--vhost", default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    args.org_processes, args.services = 1, ("loan",)
    return args


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    log(f"in process: {args.duration:g} s of 60-month equal_installment schedules")
    engine_full = in_process(args.duration)
    engine_lines = in_process(min(args.duration, 3.0), with_apr=False)
    workdir = Path(tempfile.mkdtemp(prefix="carloan-bench-"))
    broker, stack, stop, keep = Broker(args), None, threading.Event(), args.keep
    try:
        broker.setup()
        stack = Stack(args, broker, workdir)
        stack.start()
        token = stack.login()
        status, body = stack.http("POST", "/api/v1/calculator/schedule", REQUEST, token=token)
        if status != 200 or len(json.loads(body)["installments"]) != 60:
            raise BenchError(f"calculator: HTTP {status}: {body[:300]!r}")
        log(f"gateway phase: {args.concurrency} clients, POST /api/v1/calculator/schedule")
        gateway = run_phase("gateway", args.concurrency, args.warmup, args.duration,
                            lambda: HttpClient(stack.gateway_port, "/api/v1/calculator/schedule", token,
                                               method="POST", body=REQUEST), stop)
        if gateway.errors or not gateway.completed:
            raise BenchError(f"{gateway.errors} failed requests, e.g. {gateway.error_samples[:2]}")
        result = {"engine": engine_full, "engine_without_apr": engine_lines, "gateway": asdict(gateway),
                  "gateway_vs_engine": round(gateway.per_second / engine_full["per_second"], 3)}
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            print(f"engine, one thread       {engine_full['per_second']:>9,.0f} schedules/s "
                  f"({engine_full['mean_us']:,.0f} us each, APR included)")
            print(f"engine, lines only       {engine_lines['per_second']:>9,.0f} schedules/s "
                  f"({engine_lines['mean_us']:,.0f} us each)")
            print(f"calculator via gateway   {gateway.per_second:>9,.1f} requests/s  p50 {gateway.p50_ms:.1f} ms  "
                  f"p99 {gateway.p99_ms:.1f} ms  ({args.concurrency} clients, {args.workers}x{args.threads})")
            print(f"gateway / engine         {result['gateway_vs_engine']:>9.1%}")
        return 0
    except BenchError as exc:
        log(f"FAILED: {exc}")
        keep = True
        if stack is not None:
            stack.dump_logs()
        return 1
    finally:
        stop.set()
        if stack is not None:
            stack.stop()
        broker.teardown()
        if keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
