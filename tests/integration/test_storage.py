"""Object storage for documents, on both stores it runs on: a local directory, and an S3-compatible server (moto's S3
server, spoken to over HTTP through boto3 as MinIO is). An object appears whole on commit or not at all; an aborted
upload, a multipart one included, leaves nothing; a key cannot leave the store."""
import subprocess
import sys

import pytest

from services.common import storage
from tests.integration import storage_scenarios
from tests.platform import ROOT


@pytest.fixture
def local(tmp_path, monkeypatch):
    monkeypatch.delenv("CARLOAN_S3_BUCKET", raising=False)
    monkeypatch.setenv("CARLOAN_STORAGE_DIR", str(tmp_path / "documents"))
    storage.main(["setup"])
    return storage.from_env()


@pytest.mark.parametrize("scenario", storage_scenarios.SCENARIOS, ids=lambda s: s.__name__)
def test_a_local_directory(local, scenario):
    assert isinstance(local, storage.LocalStorage)
    scenario(local)


def test_a_crashed_upload_leaves_a_hidden_partial_file_that_is_no_object(local):
    local.writer("documents/2026/12/" + "e" * 32).write(b"%PDF-1.7 half")  # never committed nor aborted
    assert local.keys() == []


def test_an_s3_compatible_store():
    done = subprocess.run([sys.executable, "-m", "tests.integration.storage_scenarios"], cwd=ROOT, capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("passed ") == len(storage_scenarios.SCENARIOS), done.stdout
