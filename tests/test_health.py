from unittest.mock import patch

from django.urls import reverse


def test_it_reports_a_healthy_database(anonymous, db):
    response = anonymous.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_a_database_that_does_not_answer_is_a_503_that_names_no_host(anonymous, db):
    """psycopg's message names the host, port and role; anyone may call /healthz."""
    from django.db import OperationalError, connection

    def refuse():
        raise OperationalError(
            'connection to server at "db.internal.example" (10.0.0.7), port 5432 failed: '
            'FATAL: password authentication failed for user "wsis"'
        )

    with patch.object(connection, "cursor", refuse):
        response = anonymous.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
    assert b"internal" not in response.content and b"10.0.0.7" not in response.content
