"""Settings for the Celery worker that test_worker.py starts: mail lands in files it can read."""

import os

from wsis.settings import *  # noqa: F403

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": os.environ["WSIS_TEST_MAIL_DIR"]},
    }
}
