"""Where published reports are stored: the file system under MEDIA_ROOT unless the environment
names an S3-compatible bucket."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRINT_STORAGE = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.STORAGES['default']))"
)


def default_storage_with(**environment) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings", **environment}
    done = subprocess.run(  # noqa: S603 -- this interpreter, a fixed script
        [sys.executable, "-c", PRINT_STORAGE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_published_files_go_to_the_file_system_under_media_root_by_default():
    storage = default_storage_with(MEDIA_ROOT="/srv/tracker-media")
    assert storage == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": "/srv/tracker-media"},
    }


def test_a_bucket_in_the_environment_selects_the_s3_backend_with_private_files():
    storage = default_storage_with(
        STORAGE_S3_BUCKET="tracker-reports",
        STORAGE_S3_ENDPOINT_URL="https://s3.example.org",
        STORAGE_S3_PREFIX="reports",
    )
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "tracker-reports"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.org"
    assert storage["OPTIONS"]["location"] == "reports"
    assert storage["OPTIONS"]["default_acl"] == "private"
    assert storage["OPTIONS"]["file_overwrite"] is False
