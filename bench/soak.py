"""Soak: the whole platform under a steady mixed load at half its capacity for N minutes; errors, latency and the
memory of every process at the start and at the end.

Run from the repository root (RabbitMQ with its management plugin, PostgreSQL on 127.0.0.1:5432):

    .venv/bin/python bench/soak.py                    # 30 minutes at half the rate a short calibration finds
    .venv/bin/python bench/soak.py --minutes 3 --rate 12 --json

1. Starts every service and the gateway as processes on PostgreSQL databases and a RabbitMQ vhost of their own
   (`tests/platform.py`, as the chaos suite does; all dropped at the end, logs kept in a temp dir).
2. Calibration (unless `--rate`): `--calibration-workers` clients send the mixed load back to back for
   `--calibration-seconds`; capacity = requests answered per second; the soak rate is half of it.
3. Soak: `--workers` clients share `--rate` requests per second for `--minutes` (`tests/load.py`: new loans from
   application to reviewed disbursement, repayments under Idempotency-Key, a close of business every
   `--cob-every` seconds). A line per minute on stderr.
4. Prints requests, errors (5xx or no answer), refusals (4xx), p50 / p99 / max latency, and the resident memory
   (RSS) of each process when the soak started and when it ended. Exit 1 if the platform failed to start, 0
   otherwise (errors are a finding, reported).
"""
import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.load import Load, prepare  # noqa: E402
from tests.platform import SERVICES, descendants, resident_kib, running_platform  # noqa: E402


def note(message):
    print(f"[soak] {message}", file=sys.stderr, flush=True)


def memory(platform):
    """RSS in MiB of each service and of the gateway (master and workers together)."""
    sizes = {}
    for name in (*SERVICES, "gateway"):
        leader = platform.children[name].pid
        kib = [resident_kib(pid) for pid in (leader, *descendants(leader))]
        sizes[name] = round(sum(k for k in kib if k) / 1024, 1)
    return sizes


def calibrate(platform, tokens, product_id, workers, seconds):
    load = Load(platform.url, tokens, product_id, workers=workers, rate=None, cob_every=0).start()
    time.sleep(5)  # warm-up: connections, caches
    since = time.monotonic()
    time.sleep(seconds)
    figures = load.figures(since=since)
    load.stop()
    answered = figures["requests"] - figures["errors"]
    return answered / seconds, figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--rate", type=float, help="requests per second (default: half the calibrated capacity)")
    parser.add_argument("--workers", type=int, default=4, help="clients sharing the rate")
    parser.add_argument("--calibration-seconds", type=float, default=30)
    parser.add_argument("--calibration-workers", type=int, default=8)
    parser.add_argument("--cob-every", type=float, default=60, help="seconds between two closes of business")
    parser.add_argument("--json", action="store_true", help="the results as JSON on stdout")
    args = parser.parse_args(argv)

    data_dir = Path(tempfile.mkdtemp(prefix="carloan-soak-"))
    note(f"starting the platform (logs in {data_dir})")
    try:
        context = running_platform(data_dir, prefix="soak", env={"CARLOAN_GATEWAY_WORKERS": "2"})
        platform = context.__enter__()
    except Exception as exc:
        note(f"the platform did not start: {exc}")
        return 1
    try:
        tokens, product_id = prepare(platform.url, platform.admin_password)
        calibration = None
        rate = args.rate
        if rate is None:
            note(f"calibrating: {args.calibration_workers} clients back to back for {args.calibration_seconds:g} s")
            capacity, calibration = calibrate(platform, tokens, product_id, args.calibration_workers,
                                              args.calibration_seconds)
            calibration["capacity_per_s"] = round(capacity, 1)
            rate = round(capacity / 2, 1)
            note(f"capacity {capacity:.1f} requests/s; soaking at {rate:g}/s")
        load = Load(platform.url, tokens, product_id, workers=args.workers, rate=rate, cob_every=args.cob_every)
        memory_start = memory(platform)
        began = time.monotonic()
        load.start()
        end = began + args.minutes * 60
        minute = began
        while time.monotonic() < end:
            time.sleep(min(60, max(end - time.monotonic(), 0)))
            now = time.monotonic()
            window = load.figures(since=minute)
            note(f"{(now - began) / 60:5.1f} min: {window['requests'] / (now - minute):5.1f} req/s, "
                 f"errors {window['errors']}, p50 {window['p50_ms']} ms, p99 {window['p99_ms']} ms")
            minute = now
        load.stop()
        elapsed = time.monotonic() - began
        memory_end = memory(platform)
        figures = load.figures(since=began)
        figures["per_s"] = round(figures["requests"] / elapsed, 1)
        result = {"config": {"minutes": args.minutes, "rate": rate, "workers": args.workers,
                             "cob_every": args.cob_every},
                  "calibration": calibration, "soak": figures,
                  "loans": len(load.loans), "repayments": len(load.of_kind("repayment")),
                  "dates_closed": len(load.of_kind("cob")), "abandoned": load.abandoned,
                  "routes": {route: {"requests": n, "p50_ms": p50, "p99_ms": p99}
                             for route, (n, p50, p99) in load.by_route(since=began).items()},
                  "memory_mib": {name: {"start": memory_start[name], "end": memory_end[name]}
                                 for name in memory_start}}
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            print(f"soak: {args.minutes:g} min at {rate:g} requests/s ({args.workers} clients)")
            if calibration:
                print(f"calibration: {calibration['capacity_per_s']} requests/s, p99 {calibration['p99_ms']} ms")
            print(f"requests {figures['requests']} ({figures['per_s']}/s), errors {figures['errors']}, "
                  f"refused {figures['refused_4xx']}, p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, "
                  f"max {figures['max_ms']} ms")
            print(f"loans {result['loans']}, repayments {result['repayments']}, dates closed "
                  f"{result['dates_closed']}, loans abandoned {result['abandoned']}")
            print(f"{'route':<22}{'requests':>9}{'p50 ms':>9}{'p99 ms':>9}")
            for route, figures_of in result["routes"].items():
                print(f"{route:<22}{figures_of['requests']:>9}{figures_of['p50_ms']:>9}{figures_of['p99_ms']:>9}")
            print(f"{'process':<12}{'RSS start MiB':>15}{'RSS end MiB':>13}")
            for name, sizes in result["memory_mib"].items():
                print(f"{name:<12}{sizes['start']:>15}{sizes['end']:>13}")
        return 0
    except KeyboardInterrupt:
        return 130
    finally:
        context.__exit__(None, None, None)


if __name__ == "__main__":
    sys.exit(main())
