"""The staff console's two figures: the JS+CSS a browser loads before the login and home pages (gzipped, budget
400 KB, as `npm run build` checks it) and the time from navigation to a rendered 20-row customer list in Chromium,
median of 10 fresh loads.

    .venv/bin/python bench/console.py            # builds web/dist if needed; --runs N

Starts the platform as processes (tests/platform.py: PostgreSQL databases and a RabbitMQ vhost of its own, dropped
at the end), enters 25 customers through the API, then times `web/scripts/bench-customer-list.mjs`.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.load import new_id_number  # noqa: E402
from tests.platform import running_platform  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    budget = subprocess.run(["npm", "run", "--silent", "build"], cwd=ROOT / "web", capture_output=True, text=True,
                            check=True).stdout.strip().splitlines()[-1]
    print(budget)
    with tempfile.TemporaryDirectory(prefix="carloan-bench-console-") as data_dir:
        with running_platform(Path(data_dir), prefix="bench") as platform:
            admin = platform.client(platform.login("admin", platform.admin_password))
            for n in range(25):
                response = admin.post("/api/v1/customers/persons", json={
                    "name": f"客户{n:02d}", "id_number": new_id_number(),
                    "phone": f"139{random.randrange(10**8):08d}"})
                assert response.status_code == 201, response.text
            run = subprocess.run(["node", str(ROOT / "web" / "scripts" / "bench-customer-list.mjs")], cwd=ROOT / "web",
                                 capture_output=True, text=True, env={
                                     **os.environ, "CARLOAN_E2E_URL": platform.url,
                                     "CARLOAN_BENCH_TOKEN": platform.login("admin", platform.admin_password),
                                     "CARLOAN_BENCH_RUNS": str(args.runs)})
            if run.returncode:
                sys.exit(f"web/scripts/bench-customer-list.mjs failed:\n{run.stdout}{run.stderr}")
            figures = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"navigation to a rendered 20-row customer list: median {figures['median_ms']} ms over {figures['runs']} "
          f"loads (min {figures['min_ms']}, max {figures['max_ms']})")


if __name__ == "__main__":
    main()
