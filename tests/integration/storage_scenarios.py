"""What every object store must do for documents, as plain functions of a store (tests/integration/test_storage.py
runs them on a local directory, and on an S3 server). `python -m tests.integration.storage_scenarios` runs them on
moto's S3 server on a loopback port, through boto3 over HTTP as MinIO is spoken to: in a process of its own,
because botocore's TLS set-up recurses forever under the test session's eventlet patching (as the gateway, which
is not patched, never does)."""
import hashlib
import os
import sys

from moto.server import ThreadedMotoServer

from services.common import storage
from tests.platform import free_port

KEY = "documents/2026/12/"


def put(store, key, data, chunk=64 * 1024):
    upload = store.writer(key)
    for start in range(0, len(data), chunk):
        upload.write(data[start:start + chunk])
    return upload


def an_object_is_read_back_byte_for_byte_and_deleted(store):
    data = os.urandom(300_000)
    upload = put(store, KEY + "a" * 32, data)
    assert not store.exists(KEY + "a" * 32)  # nothing before the commit
    upload.commit()
    assert store.exists(KEY + "a" * 32)
    assert b"".join(store.read(KEY + "a" * 32)) == data
    assert store.keys() == [KEY + "a" * 32]
    store.delete(KEY + "a" * 32)
    store.delete(KEY + "a" * 32)  # twice is no error
    assert store.keys() == []
    try:
        b"".join(store.read(KEY + "a" * 32))
    except storage.ObjectMissing:
        pass
    else:
        raise AssertionError("a deleted object was read")


def an_aborted_upload_leaves_nothing(store):
    put(store, KEY + "b" * 32, os.urandom(100_000)).abort()
    assert store.keys() == []


def a_file_of_several_parts_is_streamed_in_parts_and_whole_when_committed(store):
    part, storage.PART = storage.PART, 5 * 1024 * 1024  # S3's smallest part
    try:
        data = os.urandom(11 * 1024 * 1024 + 123)
        upload = put(store, KEY + "c" * 32, data, chunk=1024 * 1024)
        if isinstance(store, storage.S3Storage):
            assert len(upload.parts) == 2 and len(upload.buffer) < storage.PART  # memory holds at most a part
        upload.commit()
        assert hashlib.sha256(b"".join(store.read(KEY + "c" * 32))).digest() == hashlib.sha256(data).digest()
        put(store, KEY + "d" * 32, data, chunk=1024 * 1024).abort()
        assert store.keys() == [KEY + "c" * 32]
        if isinstance(store, storage.S3Storage):
            assert store.client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", []) == []
        store.delete(KEY + "c" * 32)
    finally:
        storage.PART = part


def a_key_cannot_leave_the_store(store):
    for key in ("../escape", "documents/../../etc/passwd", "/absolute", "documents/.hidden", "", "documents//twice",
                "документ"):
        try:
            store.writer(key)
        except ValueError:
            continue
        raise AssertionError(f"{key!r} was taken as a key")


SCENARIOS = (an_object_is_read_back_byte_for_byte_and_deleted, an_aborted_upload_leaves_nothing,
             a_file_of_several_parts_is_streamed_in_parts_and_whole_when_committed, a_key_cannot_leave_the_store)


def main():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        os.environ.update(CARLOAN_S3_ENDPOINT=f"http://127.0.0.1:{port}", CARLOAN_S3_BUCKET="carloan-documents",
                          CARLOAN_S3_ACCESS_KEY="test-access", CARLOAN_S3_SECRET_KEY="test-secret")
        store = storage.from_env()
        assert isinstance(store, storage.S3Storage)
        storage.main(["setup"])  # the command compose and Kubernetes run; idempotent
        storage.main(["setup"])
        for scenario in SCENARIOS:
            scenario(store)
            print("passed", scenario.__name__, flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
