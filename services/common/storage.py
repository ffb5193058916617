"""Object storage for the bytes of documents (影像资料): a directory under the data dir by default, any S3-compatible
store (MinIO, AWS S3, …) when `CARLOAN_S3_BUCKET` is set. Bytes never travel over the message bus: the gateway
writes an upload here as it arrives and streams a download back from here; the document service keeps only the key.

`storage = from_env()`; `upload = storage.writer(key)`, then `upload.write(chunk)` as often as needed and
`upload.commit()` (the object appears whole, or not at all) or `upload.abort()` (nothing is left);
`storage.read(key)` yields the bytes in chunks, `storage.delete(key)`, `storage.exists(key)`, `storage.keys()`.
`python -m services.common.storage setup` creates the S3 bucket (compose's and Kubernetes' storage-setup).

Configuration: `CARLOAN_S3_BUCKET` (S3 when set), `CARLOAN_S3_ENDPOINT` (e.g. http://minio:9000; unset: AWS),
`CARLOAN_S3_ACCESS_KEY`, `CARLOAN_S3_SECRET_KEY`, `CARLOAN_S3_REGION` (us-east-1); else `CARLOAN_STORAGE_DIR`
(default `<CARLOAN_DATA_DIR>/documents`).
"""
import argparse
import os
import re
import secrets
import sys
from pathlib import Path

import boto3
import botocore.config
import botocore.exceptions

from services.common import config

CHUNK = 64 * 1024
PART = 8 * 1024 * 1024  # S3 multipart: every part but the last at least 5 MiB
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*", re.ASCII)


class StorageError(Exception):
    """The store could not be reached or refused the operation (the caller answers 503)."""


class ObjectMissing(StorageError):
    """No object under that key."""


def check_key(key):
    """A key is slash-separated names of letters, digits, `.`, `_` and `-`, none starting with a dot: it cannot leave
    the storage directory (`..`), nor name a hidden file."""
    if not isinstance(key, str) or len(key) > 500 or not _KEY.fullmatch(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


# -- a local directory -------------------------------------------------------------------------------------------
class LocalStorage:
    """Objects as files under `root`; an upload is written beside its place under a hidden name, fsynced, and renamed
    into place on commit, so a reader never sees half a file."""

    def __init__(self, root):
        self.root = Path(root)

    def __repr__(self):
        return f"LocalStorage({str(self.root)!r})"

    def _path(self, key):
        return self.root / check_key(key)

    def writer(self, key):
        return _LocalUpload(self._path(key))

    def read(self, key, chunk_size=CHUNK):
        try:
            handle = open(self._path(key), "rb")
        except FileNotFoundError:
            raise ObjectMissing(key) from None
        return _chunks(handle, chunk_size)

    def exists(self, key):
        return self._path(key).is_file()

    def delete(self, key):
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            pass

    def keys(self):
        """Every key stored (uploads in progress or left by a crash, hidden, are not objects)."""
        if not self.root.is_dir():
            return []
        return sorted(str(path.relative_to(self.root)) for path in self.root.rglob("*")
                      if path.is_file() and not any(part.startswith(".") for part in path.relative_to(self.root).parts))

    def setup(self):
        self.root.mkdir(parents=True, exist_ok=True)


def _chunks(handle, chunk_size):
    with handle:
        while chunk := handle.read(chunk_size):
            yield chunk


class _LocalUpload:
    def __init__(self, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        self.handle = open(self.partial, "xb")

    def write(self, data):
        self.handle.write(data)

    def commit(self):
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.partial, self.path)

    def abort(self):
        if not self.handle.closed:
            self.handle.close()
        try:
            self.partial.unlink()
        except FileNotFoundError:
            pass


# -- S3 and compatible stores ------------------------------------------------------------------------------------
class S3Storage:
    """Objects in one bucket. An upload of at most one part is one PUT on commit; a longer one is a multipart upload
    whose parts are sent as they fill (so memory holds one part, never the file), completed on commit and aborted
    on abort."""

    def __init__(self, client, bucket):
        self.client, self.bucket = client, bucket

    def __repr__(self):
        return f"S3Storage({self.client.meta.endpoint_url!r}, {self.bucket!r})"

    def writer(self, key):
        return _S3Upload(self, check_key(key))

    def read(self, key, chunk_size=CHUNK):
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=check_key(key))["Body"]
        except botocore.exceptions.ClientError as exc:
            if _status(exc) == 404:
                raise ObjectMissing(key) from None
            raise StorageError(str(exc)) from exc
        except botocore.exceptions.BotoCoreError as exc:
            raise StorageError(str(exc)) from exc
        return _s3_chunks(body, chunk_size)

    def exists(self, key):
        try:
            self.client.head_object(Bucket=self.bucket, Key=check_key(key))
            return True
        except botocore.exceptions.ClientError as exc:
            if _status(exc) == 404:
                return False
            raise StorageError(str(exc)) from exc

    def delete(self, key):
        self._call("delete_object", Bucket=self.bucket, Key=check_key(key))

    def keys(self):
        found = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            found.extend(item["Key"] for item in page.get("Contents", []))
        return sorted(found)

    def setup(self):
        """Create the bucket unless it exists (idempotent)."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except botocore.exceptions.ClientError as exc:
            if _status(exc) != 404:
                raise StorageError(str(exc)) from exc
            self._call("create_bucket", Bucket=self.bucket)

    def _call(self, method, **kwargs):
        try:
            return getattr(self.client, method)(**kwargs)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
            raise StorageError(f"{method}: {exc}") from exc


def _status(exc):
    return exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")


def _s3_chunks(body, chunk_size):
    try:
        yield from body.iter_chunks(chunk_size)
    finally:
        body.close()


class _S3Upload:
    def __init__(self, storage, key):
        self.storage, self.key = storage, key
        self.buffer, self.upload_id, self.parts = bytearray(), None, []

    def write(self, data):
        self.buffer += data
        while len(self.buffer) >= PART:
            self._send(bytes(self.buffer[:PART]))
            del self.buffer[:PART]

    def _send(self, data):
        s3 = self.storage
        if self.upload_id is None:
            self.upload_id = s3._call("create_multipart_upload", Bucket=s3.bucket, Key=self.key)["UploadId"]
        number = len(self.parts) + 1
        answer = s3._call("upload_part", Bucket=s3.bucket, Key=self.key, UploadId=self.upload_id,
                          PartNumber=number, Body=data)
        self.parts.append({"ETag": answer["ETag"], "PartNumber": number})

    def commit(self):
        s3 = self.storage
        if self.upload_id is None:
            s3._call("put_object", Bucket=s3.bucket, Key=self.key, Body=bytes(self.buffer))
        else:
            if self.buffer:  # the last part may be shorter than the others
                self._send(bytes(self.buffer))
            s3._call("complete_multipart_upload", Bucket=s3.bucket, Key=self.key, UploadId=self.upload_id,
                     MultipartUpload={"Parts": self.parts})
        self.buffer = bytearray()

    def abort(self):
        self.buffer = bytearray()
        if self.upload_id is not None:
            s3 = self.storage
            s3._call("abort_multipart_upload", Bucket=s3.bucket, Key=self.key, UploadId=self.upload_id)
            self.upload_id = None


# -- configuration -----------------------------------------------------------------------------------------------
def from_env():
    """The store the environment configures: S3 when `CARLOAN_S3_BUCKET` is set, else the local directory."""
    bucket = config.env("CARLOAN_S3_BUCKET")
    if not bucket:
        return LocalStorage(config.env("CARLOAN_STORAGE_DIR") or config.data_dir() / "documents")
    client = boto3.session.Session().client(
        "s3", endpoint_url=config.env("CARLOAN_S3_ENDPOINT"), region_name=config.env("CARLOAN_S3_REGION", "us-east-1"),
        aws_access_key_id=config.env("CARLOAN_S3_ACCESS_KEY"),
        aws_secret_access_key=config.env("CARLOAN_S3_SECRET_KEY"),
        config=botocore.config.Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3},
                                      connect_timeout=5, read_timeout=30))
    return S3Storage(client, bucket)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m services.common.storage")
    parser.add_argument("command", choices=["setup", "show"],
                        help="setup: create the bucket (or the directory); show: print the store configured")
    args = parser.parse_args(argv)
    storage = from_env()
    if args.command == "setup":
        storage.setup()
    print(storage)


if __name__ == "__main__":
    sys.exit(main())
