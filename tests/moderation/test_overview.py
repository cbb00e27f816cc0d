import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("moderation:overview", args=["wsis20"])


def cell(response, label):
    return next(
        c
        for block in response.context["sections"]
        for c in block["cells"]
        if c["paragraph"].label == label
    )


def test_it_maps_proposals_groups_and_decisions_per_paragraph(
    facilitator, make_entry, org_a, org_b
):
    make_entry(org_a, decision="incorporated", decision_rationale="ok")
    make_entry(org_b)
    make_entry(org_b, kind="comment", proposed_text="")
    for _ in range(3):
        make_entry(org_a, label="27", decision="partial", decision_rationale="some")
    response = facilitator.get(URL)
    op26, op27, op28 = cell(response, "26"), cell(response, "27"), cell(response, "28")
    assert (op26["n"], op26["decided"], op26["comments"], op26["heat"]) == (2, 1, 1, 1)
    assert [g.code for g in op26["groups"]] == ["member_state", "un_system"]
    assert (op27["n"], op27["heat"], op27["all_decided"]) == (3, 2, True)
    assert (op28["n"], op28["heat"]) == (0, 0)
    assert sum(len(block["cells"]) for block in response.context["sections"]) == 155
    text = response.content.decode()
    assert 'class="cell heat-2 all-decided"' in text
    assert reverse("moderation:paragraph", args=["wsis20", "OP26"]) in text
    assert "style=" not in text


def test_it_shows_who_has_submitted_and_who_has_not(facilitator, make_entry, org_a, org_b):
    make_entry(org_a)
    make_entry(org_b, status="draft", submitted_at=None)
    response = facilitator.get(URL)
    blocks = {block["group"].code: block for block in response.context["by_group"]}
    assert [o.acronym for o in blocks["member_state"]["submitted"]] == ["KEN"]
    assert [o.acronym for o in blocks["un_system"]["waiting"]] == ["UPU"]
    assert blocks["un_system"]["waiting"][0].drafts == 1


def test_it_keeps_the_query_count_flat(
    facilitator, make_entry, org_a, org_b, django_assert_max_num_queries
):
    for i in range(40):
        make_entry(org_a if i % 2 else org_b, label=str(1 + i % 30))
    # One of them reads the device the facilitator confirmed a code with (django-otp's
    # middleware, for every verified session); six list the versions for the switcher (2) and
    # map where entries sit (4, read once per cache generation: the cache is empty in tests);
    # five count the convergence (statuses, the rolling text's proposals and paragraphs, the
    # snapshots); one counts the header's unread notifications.
    with django_assert_max_num_queries(25):
        facilitator.get(URL)
