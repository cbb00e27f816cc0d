"""Every URL of the comments app, for every persona."""

import pytest
from django.urls import reverse

from tests.comments.conftest import PERSONAS, paragraph

LOGIN = "login"
# persona order: anonymous, delegate_a, focal_a, delegate_b, facilitator
CASES = {
    "panel": ("get", [200, 200, 200, 200, 200]),
    "create": ("post", [LOGIN, 302, 302, 302, 403]),
    "preview": ("post", [LOGIN, 200, 200, 200, 200]),
    "entry-draft": ("get", [404, 200, 200, 404, 404]),
    "entry-submitted": ("get", [404, 200, 200, 404, 200]),
    "entry-published": ("get", [200, 200, 200, 200, 200]),
    "save": ("post", [LOGIN, 302, 302, 404, 404]),
    "submit": ("post", [LOGIN, 403, 302, 404, 404]),
    "withdraw": ("post", [LOGIN, 403, 302, 404, 403]),
    "support": ("post", [LOGIN, 403, 302, 403, 403]),
    "submit_all": ("get", [LOGIN, 403, 200, 403, 403]),
    "our_entries": ("get", [LOGIN, 200, 200, 200, 403]),
    "our_submission": ("get", [LOGIN, 200, 200, 200, 403]),
}
POST_ONLY = ["create", "preview", "save", "submit", "withdraw", "support"]


@pytest.fixture
def urls(version, draft_a, submitted_a, published_b):
    op26 = paragraph(version, "26").pk
    return {
        "panel": (reverse("comments:panel", args=[op26]), {}),
        "create": (
            reverse("comments:create", args=[op26]),
            {"kind": "comment", "text": "A comment."},
        ),
        "preview": (
            reverse("comments:preview", args=[op26]),
            {"kind": "amendment", "proposed_text": "New words."},
        ),
        "entry-draft": (reverse("comments:entry", args=[draft_a.pk]), {}),
        "entry-submitted": (reverse("comments:entry", args=[submitted_a.pk]), {}),
        "entry-published": (reverse("comments:entry", args=[published_b.pk]), {}),
        "save": (
            reverse("comments:save", args=[draft_a.pk]),
            {"kind": "comment", "text": "Edited.", "revision": "1"},
        ),
        "submit": (reverse("comments:submit", args=[draft_a.pk]), {}),
        "withdraw": (reverse("comments:withdraw", args=[submitted_a.pk]), {}),
        "support": (reverse("comments:support", args=[published_b.pk]), {}),
        "submit_all": (reverse("comments:submit_all", args=["wsis20"]), {}),
        "our_entries": (reverse("comments:our_entries", args=["wsis20"]), {}),
        "our_submission": (reverse("comments:our_submission", args=["wsis20"]), {}),
    }


@pytest.mark.parametrize("index", range(len(PERSONAS)), ids=PERSONAS)
def test_every_url_for_the_persona(request, urls, index):
    # In the table's order, which is also a plausible order of use: reads before the
    # writes that change what is read.
    client = request.getfixturevalue(PERSONAS[index])
    wrong = []
    for name, (method, expected) in CASES.items():
        url, data = urls[name]
        response = getattr(client, method)(url, data)
        want = expected[index]
        if want == LOGIN:
            ok = response.status_code == 302 and response.url.startswith("/signin/")
        else:
            ok = response.status_code == want
        if not ok:
            wrong.append((name, want, response.status_code))
    assert wrong == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_state_changing_urls_refuse_get(request, urls, persona):
    client = request.getfixturevalue(persona)
    assert [client.get(urls[name][0]).status_code for name in POST_ONLY] == [405] * len(POST_ONLY)


def test_an_unknown_paragraph_or_entry_is_404(delegate_a, version):
    assert delegate_a.get(reverse("comments:panel", args=[999999])).status_code == 404
    assert delegate_a.get(reverse("comments:entry", args=[999999])).status_code == 404
    assert delegate_a.get(reverse("comments:our_entries", args=["nope"])).status_code == 404
