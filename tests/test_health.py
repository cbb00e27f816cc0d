from django.urls import reverse


def test_it_reports_a_healthy_database(anonymous, db):
    response = anonymous.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]
