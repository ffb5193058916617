"""The gateway serves the built staff console at `/`: its files by name, every page of the single-page app by
index.html, hashed assets kept for good, index.html checked again, only its own origin allowed."""
import pytest

from gateway.app import create_app
from gateway.settings import Settings


@pytest.fixture
def console_dir(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<!doctype html><div id="app"></div><script src="/assets/index-Ab12.js">',
                                         encoding="utf-8")
    (tmp_path / "assets" / "index-Ab12.js").write_text("console.log('console')", encoding="utf-8")
    (tmp_path / "favicon.svg").write_text("<svg/>", encoding="utf-8")
    return tmp_path


def client_for(directory):
    app = create_app(Settings.from_env(jwt_secret="x" * 48, console_directory=str(directory)), start_listener=False)
    return app.test_client()


def test_the_console_opens_at_the_root_and_at_any_page_of_it(console_dir):
    client = client_for(console_dir)
    for path in ("/", "/login", "/customers/123", "/org/employees?page=2"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.mimetype == "text/html" and b'<div id="app">' in response.data
        assert response.headers["Cache-Control"] == "no-cache"  # a new build is seen on the next load


def test_hashed_assets_are_cached_for_good_and_a_missing_one_is_not_answered_with_the_page(console_dir):
    client = client_for(console_dir)
    asset = client.get("/assets/index-Ab12.js")
    assert asset.status_code == 200 and asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "javascript" in asset.mimetype
    assert client.get("/assets/index-Old9.js").status_code == 404  # never index.html served as a script
    assert client.get("/favicon.svg").headers["Cache-Control"] == "no-cache"


def test_the_console_allows_only_its_own_origin(console_dir):
    policy = client_for(console_dir).get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert "http" not in policy  # no CDN anywhere


def test_api_paths_stay_the_api_s(console_dir):
    client = client_for(console_dir)
    unknown = client.get("/api/v1/no-such-thing")
    assert unknown.status_code == 404 and unknown.mimetype == "application/problem+json"
    assert client.post("/customers").status_code in (404, 405)  # only GET and HEAD open console pages
    assert client.get("/api/v1/me").status_code == 401  # the console's fallback never skips authentication


def test_a_gateway_without_a_built_console_says_how_to_build_it(tmp_path):
    response = client_for(tmp_path).get("/")
    assert response.status_code == 503 and "npm run build" in response.get_data(as_text=True)
