"""The silence page for each persona: the facilitator starts, extends and ends silence, a focal
point breaks it, everyone sees whether it holds; reasons only once published."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.silence.conftest import broken_by, end_now
from wsis.silence.models import Break, Silence

pytestmark = pytest.mark.django_db

ARGS = ["wsis20", "Zero draft"]


def url(name):
    return reverse(f"silence:{name}", args=ARGS)


def text(response):
    """The page's words, tags left out."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_a_facilitator_puts_the_version_under_silence_in_the_consultations_zone(
    version, facilitator
):
    response = facilitator.post(url("start"), {"deadline": "2031-06-02T18:00"}, follow=True)
    silence = Silence.objects.get()
    # 18:00 in New York in June is 22:00 UTC.
    assert silence.deadline.isoformat() == "2031-06-02T22:00:00+00:00"
    page = text(response)
    assert "Under silence until 2 June 2031, 18:00 New York (22:00 UTC)" in page
    assert 'data-zone="America/New_York"' in response.content.decode()


def test_a_deadline_in_the_past_comes_back_with_what_was_typed(version, facilitator):
    response = facilitator.post(url("start"), {"deadline": "2001-01-01T12:00"})
    assert response.status_code == 400
    page = text(response)
    assert "The deadline has passed already" in page
    assert 'value="2001-01-01T12:00"' in response.content.decode()
    assert not Silence.objects.exists()


def test_a_facilitator_extends_and_ends_silence(silence, facilitator):
    later = timezone.localtime(
        silence.deadline + timedelta(days=1), silence.version.consultation.tz
    )
    response = facilitator.post(url("extend"), {"deadline": later.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    silence.refresh_from_db()
    assert silence.deadline == later.replace(second=0, microsecond=0)
    response = facilitator.post(url("end"), follow=True)
    silence.refresh_from_db()
    assert silence.ended_early
    assert "Silence was ended early" in text(response)


def test_an_extension_before_the_deadline_is_refused(silence, facilitator):
    earlier = timezone.localtime(
        silence.deadline - timedelta(hours=1), silence.version.consultation.tz
    )
    response = facilitator.post(url("extend"), {"deadline": earlier.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 400
    assert "after the current deadline" in text(response)


def test_extending_without_a_silence_is_not_found(version, facilitator):
    assert facilitator.post(url("extend"), {"deadline": "2031-06-02T18:00"}).status_code == 404


@pytest.mark.parametrize("persona", ["delegate_a", "focal_a", "delegate_b"])
def test_only_facilitators_change_the_procedure(request, silence, persona):
    client = request.getfixturevalue(persona)
    assert client.post(url("end")).status_code == 403
    assert client.post(url("extend"), {"deadline": "2031-06-02T18:00"}).status_code == 403
    assert client.post(url("publish"), {"published": "1"}).status_code == 403
    silence.refresh_from_db()
    assert silence.is_running() and not silence.reasons_published


def test_a_focal_point_breaks_silence_on_a_paragraph(silence, focal_a, org_a):
    paragraph = silence.version.paragraphs.get(label="26")
    page = text(focal_a.get(url("version")))
    assert "Break silence for Kenya" in page
    response = focal_a.post(
        url("break"),
        {"paragraph": paragraph.pk, "reason": "Too weak.", "proposal": "Stronger wording."},
        follow=True,
    )
    assert "Kenya broke silence on OP 26." in text(response)
    broken = Break.objects.get()
    assert (broken.organisation, broken.proposal) == (org_a, "Stronger wording.")
    assert "Your delegation has broken silence on: OP 26" in text(response)


def test_a_break_without_a_reason_is_refused_and_keeps_the_proposal(silence, focal_a):
    paragraph = silence.version.paragraphs.get(label="26")
    response = focal_a.post(
        url("break"), {"paragraph": paragraph.pk, "reason": "", "proposal": "My wording."}
    )
    assert response.status_code == 400
    assert "My wording." in text(response)
    assert not Break.objects.exists()


def test_a_second_break_on_the_same_paragraph_is_refused(silence, focal_a, org_a):
    broken_by(silence, focal_a.user, org_a, "26")
    paragraph = silence.version.paragraphs.get(label="26")
    response = focal_a.post(url("break"), {"paragraph": paragraph.pk, "reason": "Again."})
    assert response.status_code == 400
    assert "Kenya has broken silence on OP 26 already." in text(response)


def test_a_break_after_the_deadline_is_refused(silence, focal_a):
    end_now(silence)
    paragraph = silence.version.paragraphs.get(label="26")
    response = focal_a.post(url("break"), {"paragraph": paragraph.pk, "reason": "Late."})
    assert response.status_code == 400
    assert "This silence procedure is over" in text(response)
    assert "Late." in text(response)  # what was typed is not lost
    assert not Break.objects.exists()


@pytest.mark.parametrize("persona", ["delegate_a", "delegate_b", "facilitator"])
def test_only_focal_points_break_silence(request, silence, persona):
    paragraph = silence.version.paragraphs.get(label="26")
    client = request.getfixturevalue(persona)
    response = client.post(url("break"), {"paragraph": paragraph.pk, "reason": "No."})
    assert response.status_code == 403
    assert "Break silence for" not in text(client.get(url("version")))
    assert not Break.objects.exists()


def test_participants_see_where_silence_was_broken_once_it_ends_but_not_why(
    silence, focal_a, org_a, delegate_b, anonymous
):
    broken_by(silence, focal_a.user, org_a, "44", reason="Our capital objects.")
    # While it runs, only the facilitators see the breaks.
    assert "OP 44" not in text(delegate_b.get(url("version")))
    end_now(silence)
    for client in (delegate_b, anonymous):
        page = text(client.get(url("version")))
        assert "Silence was broken on 1 paragraph: OP 44 : Kenya" in page
        assert "Our capital objects." not in page
    reader = text(anonymous.get(reverse("drafts:version", args=ARGS)))
    assert "Silence was broken on OP 44" in reader


def test_published_reasons_are_seen_by_everyone(silence, focal_a, org_a, facilitator, anonymous):
    broken_by(silence, focal_a.user, org_a, "44", reason="Our capital objects.")
    end_now(silence)
    assert "Our capital objects." in text(facilitator.get(url("version")))
    facilitator.post(url("publish"), {"published": "1"})
    assert "Our capital objects." in text(anonymous.get(url("version")))
    facilitator.post(url("publish"), {"published": "0"})
    assert "Our capital objects." not in text(anonymous.get(url("version")))


def test_silence_that_held_says_so(silence, anonymous):
    end_now(silence)
    assert "Silence holds: no delegation broke it." in text(anonymous.get(url("version")))
    assert "Silence held" in text(anonymous.get(reverse("drafts:version", args=ARGS)))


def test_the_facilitators_matrix(silence, focal_a, org_a, delegate_b, org_b, facilitator):
    broken_by(silence, focal_a.user, org_a, "44", reason="Our capital objects.")
    broken_by(silence, delegate_b.user, org_b, "44", reason="Postal.", proposal="New words.")
    broken_by(silence, delegate_b.user, org_b, "26", reason="Postal too.")
    page = text(facilitator.get(url("matrix")))
    assert "Broken on 2 of" in page
    assert page.index("KEN") < page.index("UPU")
    assert page.index("OP 26") < page.index("OP 44")
    assert "New words." in page and "Our capital objects." in page
    # While silence runs there is no letter yet.
    assert "once silence has ended" in page
    end_now(silence)
    assert "Draft letter as PDF" in text(facilitator.get(url("matrix")))


def test_the_matrix_without_a_silence_is_not_found(version, facilitator):
    assert facilitator.get(url("matrix")).status_code == 404


def test_the_reader_shows_the_running_silence(silence, anonymous):
    page = text(anonymous.get(reverse("drafts:version", args=ARGS)))
    assert re.search(r"Under silence until \d+ \w+ \d{4}, [\d:]+ New York \( [\d:]+ UTC \)", page)


def test_the_extension_form_proposes_a_day_after_the_deadline(silence, facilitator):
    proposed = timezone.localtime(silence.deadline, silence.version.consultation.tz)
    proposed = proposed.replace(minute=0, second=0, microsecond=0) + timedelta(hours=24)
    page = facilitator.get(url("version")).content.decode()
    assert f'value="{proposed:%Y-%m-%dT%H:%M}"' in page
    assert "No delegation has broken silence so far." in text(facilitator.get(url("version")))


def test_the_reader_leads_facilitators_to_the_procedure(version, facilitator, focal_a):
    reader = reverse("drafts:version", args=ARGS)
    assert url("version") in facilitator.get(reader).content.decode()
    assert url("front_page") in facilitator.get(reader).content.decode()
    assert url("version") not in focal_a.get(reader).content.decode()
