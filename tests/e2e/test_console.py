"""The staff console as people use it: Playwright (playwright-core) drives Debian's Chromium through the console the
gateway serves, against the real platform. The browser tests live in `web/e2e/*.e2e.ts`; this test gives them a
platform of their own (the browser logs in from 127.0.0.1 many times, wrong passwords included, and must not use up
the login throttle of the address other tests share), one employee per built-in role, and runs them. The whole story
of one loan (`web/e2e/story.e2e.ts`) gets a second platform, started after the first is gone: it closes business
dates, which the page tests must not see happen under them.

    CARLOAN_E2E_FILES="e2e/org.e2e.ts" pytest tests/e2e/test_console.py -k chromium   # some page tests only
    pytest tests/e2e/test_console.py -k story                                          # the story only"""
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


@pytest.fixture
def platform(tmp_path_factory):
    with running_platform(tmp_path_factory.mktemp("console"), prefix="console", ready_timeout=180) as platform:
        yield platform


def staff(platform):
    """One employee per built-in role in one branch, and the second people maker-checker rules need: a second
    appraiser (valuation) and a second risk reviewer (who investigated may not give the first approval)."""
    admin = platform.client(platform.login("admin", platform.admin_password))
    department = admin.post("/api/v1/departments", json={"code": unique("WEB"), "name": "杭州分公司"}).json()
    users = {"admin": {"username": "admin", "password": platform.admin_password}}
    for role in [r.code for r in BUILTIN_ROLES if r.code != "admin"] + ["appraiser_2", "risk_reviewer_2"]:
        _, username, password = create_employee(admin, [role.removesuffix("_2")], department_id=department["id"])
        users[role] = {"username": username, "password": password}
    return users


def run_browser_tests(platform, users, config, files=()):
    """Runs the browser tests of a vitest config against `platform` as `users`; fails with their report."""
    if not (WEB / "dist" / "index.html").is_file():
        pytest.fail("web/dist is not built: `make test` builds it (scripts/build_console.sh)")
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    if shutil.which("node") is None:
        pytest.fail("Node.js is missing: the console's tests need it")
    token = platform.login("admin", platform.admin_password)
    env = {**os.environ,
           "CARLOAN_E2E_URL": platform.url,
           "CARLOAN_E2E_USERS": json.dumps(users),
           "CARLOAN_E2E_EXPIRED_TOKEN": expired(token, platform.jwt_secret),
           "CARLOAN_E2E_SCREENSHOTS": str(SCREENSHOTS),
           "CARLOAN_CHROMIUM": CHROMIUM}
    run = subprocess.run([str(WEB / "node_modules" / ".bin" / "vitest"), "run", "--config", config, *files],
                         cwd=WEB, env=env, capture_output=True, text=True, timeout=840)
    report = run.stdout + run.stderr
    print(report)
    assert run.returncode == 0, report[-6000:]
    assert " passed" in report and "failed" not in report.split("Test Files")[-1], report[-3000:]


@pytest.mark.timeout(900)
def test_the_console_in_chromium(platform):
    only = os.environ.get("CARLOAN_E2E_FILES", "").split()  # e.g. "e2e/org.e2e.ts": some files, while working on them
    run_browser_tests(platform, staff(platform), "vitest.e2e.config.ts", only)


@pytest.fixture
def story_platform(tmp_path_factory):
    with running_platform(tmp_path_factory.mktemp("story"), prefix="story", ready_timeout=180) as platform:
        yield platform


@pytest.mark.timeout(600)
def test_the_story_of_one_loan_by_clicking(story_platform):
    """web/e2e/story.e2e.ts: on a platform of its own, as it closes business dates."""
    run_browser_tests(story_platform, staff(story_platform), "vitest.story.config.ts")
