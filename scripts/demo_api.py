"""The gateway's public API as the demo book uses it (scripts/demo.py): JSON over HTTP as one signed-in user,
retried through a service restarting, its refusals as `ApiError`, and `wait_for` what events bring about."""
import json
import time
import urllib.error
import urllib.parse
import urllib.request


class DemoError(Exception):
    """The demo book cannot go on: what was asked, and what the platform answered."""


class Api:
    """JSON over HTTP to the gateway, as one signed-in user. A 5xx or a broken connection (a service restarting) is
    retried for a while: the steps recognise work of theirs that took effect before its answer was lost, and money
    commands replay under their Idempotency-Key."""

    def __init__(self, url, token=None, who="anonymous"):
        self.url, self.token, self.who = url.rstrip("/"), token, who

    def call(self, method, path, body=None, params=None, headers=None, expect=(200, 201), attempts=6):
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        request_headers = {"Content-Type": "application/json", "Accept": "application/json", **(headers or {})}
        if self.token:
            request_headers["Authorization"] = f"Bearer {self.token}"
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        for attempt in range(attempts):
            request = urllib.request.Request(f"{self.url}/api/v1{path}{query}", data=data, method=method,
                                             headers=request_headers)
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    status, payload = response.status, response.read()
            except urllib.error.HTTPError as exc:
                status, payload = exc.code, exc.read()
            except (urllib.error.URLError, OSError) as exc:
                status, payload = None, str(exc).encode()
            if status is not None and status < 500:
                break
            time.sleep(min(0.5 * 2 ** attempt, 5))
        try:
            answer = json.loads(payload) if payload else None
        except ValueError:
            answer = payload.decode(errors="replace")
        if status not in expect:
            raise ApiError(method, path, self.who, status, answer)
        return answer

    def get(self, path, **params):
        return self.call("GET", path, params=params or None)

    def post(self, path, body, **kwargs):
        return self.call("POST", path, body, **kwargs)

    def each(self, path, **params):
        """Every item of a list endpoint, page by page."""
        page = 1
        while True:
            answer = self.get(path, page=page, page_size=100, **params)
            yield from answer["items"]
            if page * 100 >= answer["total"]:
                return
            page += 1


class ApiError(DemoError):
    """An answer other than the one expected: its status, problem `code` and body are kept for the caller."""

    def __init__(self, method, path, who, status, answer):
        self.status, self.answer = status, answer if isinstance(answer, dict) else {"detail": answer}
        self.code = self.answer.get("code")
        super().__init__(f"{method} {path} as {who}: {status} {self.code or ''} {self.answer.get('detail') or ''} "
                         f"{self.answer.get('errors') or ''}".strip())


def wait_for(what, predicate, timeout=60.0):
    """Poll until `predicate()` is truthy (events reach the other services in a moment) and return its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise DemoError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(0.3)
