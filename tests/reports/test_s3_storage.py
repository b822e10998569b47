"""Report files in an S3-compatible store (MEDIA_STORAGE=s3): a real local S3 server (moto's
server mode, started here on 127.0.0.1) behind django-storages."""

import hashlib
import os
import sys

import boto3
import pytest

from reports.models import ReportFile
from reports.services.generate import request_file, verify
from reports.services.records import delete_reports
from tests.daemons import Daemon, free_port

from .conftest import make_run

pytestmark = pytest.mark.usefixtures("subscribed")


@pytest.fixture
def s3(settings):
    port = free_port()
    server = os.path.join(os.path.dirname(sys.executable), "moto_server")
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
    with Daemon([server, "-H", "127.0.0.1", "-p", str(port)], port, env=env, timeout=30):
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test",
                              region_name="us-east-1")
        client.create_bucket(Bucket="reports")
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": "reports", "endpoint_url": endpoint, "region_name": "us-east-1", "access_key": "test",
            "secret_key": "test", "default_acl": None, "file_overwrite": False, "location": "cg"}}}
        yield client


def test_files_are_stored_verified_and_deleted_in_s3(s3, world, django_capture_on_commit_callbacks):
    report = make_run(world.customer, hosts=2, per_host=3)
    file = request_file(report, "pdf", "executive", run_now=True)
    assert file.status == "ready", file.error
    key = f"cg/{file.file.name}"
    body = s3.get_object(Bucket="reports", Key=key)["Body"].read()
    assert body.startswith(b"%PDF") and hashlib.sha256(body).hexdigest() == file.sha256 == ReportFile.objects.get().sha256
    assert verify(file, file.sha256) is True
    with django_capture_on_commit_callbacks(execute=True):
        delete_reports(None, [report])
    assert s3.list_objects_v2(Bucket="reports").get("KeyCount", 0) == 0
