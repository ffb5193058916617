"""The staff console as people use it: Playwright (playwright-core) drives Debian's Chromium through the console the
gateway serves, against the real platform. The browser tests live in `web/e2e/*.e2e.ts`; this test gives them a
platform of their own (the browser logs in from 127.0.0.1 many times, wrong passwords included, and must not use up
the login throttle of the address other tests share), one employee per built-in role, and runs them."""
import json
import os
import shutil
import subprocess
import time

import jwt
import pytest

from services.org.domain import BUILTIN_ROLES
from tests.e2e.conftest import ROOT, create_employee, unique
from tests.platform import running_platform

WEB = ROOT / "web"
CHROMIUM = os.environ.get("CARLOAN_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = WEB / "e2e" / "screenshots"


def expired(token, secret):
    """The same employee's token, expired a minute ago (as after a night away from the desk)."""
    claims = jwt.decode(token, options={"verify_signature": False})
    claims.update(iat=int(time.time()) - 3600, exp=int(time.time()) - 60)
    return jwt.encode(claims, secret, algorithm="HS256")


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    with running_platform(tmp_path_factory.mktemp("console"), prefix="console", ready_timeout=180) as platform:
        yield platform


@pytest.fixture(scope="module")
def admin(platform):
    return platform.client(platform.login("admin", platform.admin_password))


@pytest.fixture(scope="module")
def role_users(platform, admin):
    department = admin.post("/api/v1/departments", json={"code": unique("WEB"), "name": "杭州分公司"}).json()
    users = {}
    for role in BUILTIN_ROLES:
        if role.code == "admin":
            users["admin"] = {"username": "admin", "password": platform.admin_password}
            continue
        _, username, password = create_employee(admin, [role.code], department_id=department["id"])
        users[role.code] = {"username": username, "password": password}
    # A second appraiser: maker and checker of a valuation are two people.
    _, username, password = create_employee(admin, ["appraiser"], department_id=department["id"])
    users["appraiser_2"] = {"username": username, "password": password}
    return users


@pytest.mark.timeout(900)
def test_the_console_in_chromium(platform, role_users):
    if not (WEB / "dist" / "index.html").is_file():
        pytest.fail("web/dist is not built: `make test` builds it (scripts/build_console.sh)")
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    if shutil.which("node") is None:
        pytest.fail("Node.js is missing: the console's tests need it")
    token = platform.login("admin", platform.admin_password)
    env = {**os.environ,
           "CARLOAN_E2E_URL": platform.url,
           "CARLOAN_E2E_USERS": json.dumps(role_users),
           "CARLOAN_E2E_EXPIRED_TOKEN": expired(token, platform.jwt_secret),
           "CARLOAN_E2E_SCREENSHOTS": str(SCREENSHOTS),
           "CARLOAN_CHROMIUM": CHROMIUM}
    only = os.environ.get("CARLOAN_E2E_FILES", "").split()  # e.g. "e2e/org.e2e.ts": some files, while working on them
    run = subprocess.run([str(WEB / "node_modules" / ".bin" / "vitest"), "run", "--config", "vitest.e2e.config.ts",
                          *only],
                         cwd=WEB, env=env, capture_output=True, text=True, timeout=840)
    report = run.stdout + run.stderr
    print(report)
    assert run.returncode == 0, report[-6000:]
    assert " passed" in report and "failed" not in report.split("Test Files")[-1], report[-3000:]
