"""The one Celery app. Tasks take primary keys; their state is kept in Postgres."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsis.settings")

app = Celery("wsis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The mail task lives outside the apps' ``tasks`` modules, which autodiscovery looks in.
app.autodiscover_tasks(["wsis"], related_name="mail")
