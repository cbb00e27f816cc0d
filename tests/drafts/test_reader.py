import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wsis.drafts.importer import import_draft, parse
from wsis.drafts.models import Consultation


def test_it_shows_the_whole_draft_with_contents_and_anchors(anonymous, version):
    response = anonymous.get(reverse("drafts:reader", args=["wsis20"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="paragraph ') == 155
    assert 'id="PPA"' in html and 'id="OP26"' in html and 'id="OP148"' in html
    assert 'href="#OP26"' in html
    assert ">PP A</a>" in html and ">OP 26</a>" in html
    assert "Follow-up and review" in html
    assert "connectivity ensuring" not in html  # the UPU's wording is not in the zero draft


def test_a_version_is_reachable_by_label(anonymous, version):
    response = anonymous.get(reverse("drafts:version", args=["wsis20", "Zero draft"]))
    assert response.status_code == 200
    assert anonymous.get(reverse("drafts:version", args=["wsis20", "Rev.9"])).status_code == 404
    assert anonymous.get(reverse("drafts:reader", args=["nope"])).status_code == 404


def test_the_page_loads_nothing_from_other_hosts(anonymous, version):
    response = anonymous.get(reverse("drafts:reader", args=["wsis20"]))
    html = response.content.decode()
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "script-src 'self'" in policy
    assert "<style" not in html and " style=" not in html
    assert "<script>" not in html  # only <script src=...>, from our own static files


def test_it_asks_for_the_same_queries_whatever_the_length(anonymous, consultation):
    short = parse("T\n\nPreamble\n\n- A. One.\n\nOps\n\n- 1. Two.\n")
    import_draft(consultation, "Short", short)
    long_text = "T\n\nPreamble\n\n- A. One.\n\nOps\n\n" + "".join(
        f"- {n}. Paragraph {n}.\n" for n in range(1, 301)
    )
    other = Consultation.objects.create(slug="long", title="Long")
    import_draft(other, "Long", parse(long_text))

    def count(slug):
        with CaptureQueriesContext(connection) as queries:
            assert anonymous.get(reverse("drafts:reader", args=[slug])).status_code == 200
        return len(queries)

    assert count("wsis20") == count("long")


def test_home_sends_to_the_only_consultation(anonymous, version):
    response = anonymous.get(reverse("home"))
    assert response.status_code == 302 and response.url == "/c/wsis20/"


@pytest.mark.django_db
def test_home_lists_consultations_when_there_are_several(anonymous):
    Consultation.objects.create(slug="one", title="First process")
    Consultation.objects.create(slug="two", title="Second process")
    response = anonymous.get(reverse("home"))
    assert b"First process" in response.content and b"Second process" in response.content


def test_the_reader_refuses_post(anonymous, version):
    assert anonymous.post(reverse("drafts:reader", args=["wsis20"])).status_code == 405


@pytest.mark.parametrize("persona", ["delegate_a", "focal_a", "delegate_b", "facilitator"])
def test_every_persona_reads_the_draft(request, persona, version):
    client = request.getfixturevalue(persona)
    response = client.get(reverse("drafts:reader", args=["wsis20"]))
    assert response.status_code == 200
    assert client.user.username.encode() in response.content
