""" "My organisation" and "Our submission" take a version (``?version=<label>``, default: the
current one): a version's own entries, and those of earlier versions where they now sit,
marked with where they were made.

Rev.1 (tests/drafts/conftest.py) renumbers the zero draft: its OP 26 is Rev.1 OP 24, its OP 7
is deleted, its OP 12 is split into Rev.1 OP 11 and OP 12.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.comments.conftest import make_entry
from tests.drafts import conftest as drafts
from wsis.comments.models import Entry

rev1, published_rev1, zero_entries = drafts.rev1, drafts.published_rev1, drafts.zero_entries

pytestmark = pytest.mark.django_db

OURS = reverse("comments:our_entries", args=["wsis20"])
SUBMISSION = reverse("comments:our_submission", args=["wsis20"])
ZERO = {"version": "Zero draft"}


def carried_to(response, label):
    return [
        entry.pk
        for block in response.context["sections"]
        for item in block["paragraphs"]
        if item["paragraph"].label == label
        for entry in item["carried"]
    ]


def test_our_submission_of_rev1_shows_zero_draft_entries_where_they_now_sit(
    delegate_b, zero_entries, published_rev1
):
    response = delegate_b.get(SUBMISSION)
    assert response.context["version"] == published_rev1
    assert carried_to(response, "24") == [zero_entries["upu26"].pk]
    html = response.content.decode()
    assert "made on Zero draft OP 26" in html
    assert "On OP 40<" not in html  # Kenya's, not the UPU's
    assert response.context["count"] == 3


def test_split_and_deleted_paragraphs(delegate_a, zero_entries, published_rev1):
    response = delegate_a.get(SUBMISSION)
    ken12 = zero_entries["ken12"].pk
    assert carried_to(response, "11") == [ken12] and carried_to(response, "12") == [ken12]
    gone = {entry.pk for entry in response.context["gone"]}
    assert gone == {zero_entries["ken7"].pk, zero_entries["ken7_deletion"].pk}
    html = response.content.decode()
    assert "No longer in Rev.1" in html and "made on Zero draft OP 7" in html
    # A draft of an earlier version is no submission: it waits on "My organisation".
    assert zero_entries["ken_draft"].pk not in {
        e.pk for block in response.context["sections"] for i in block["paragraphs"]
        for e in i["carried"]
    }  # fmt: skip


def test_an_earlier_version_shows_its_own_entries_unmarked(
    delegate_b, zero_entries, published_rev1
):
    response = delegate_b.get(SUBMISSION, ZERO)
    assert response.context["version"].label == "Zero draft"
    html = response.content.decode()
    assert "made on" not in html
    assert "On OP 26" in html
    labels = [v.label for v in response.context["versions"]]
    assert labels == ["Zero draft", "Rev.1"]
    assert 'aria-current="page">Zero draft' in html


def test_my_organisation_of_rev1_marks_entries_made_on_the_zero_draft(
    delegate_b, zero_entries, published_rev1, org_b
):
    on_rev1 = make_entry(published_rev1, org_b, delegate_b.user, label="30", kind="comment",
                         text="On Rev.1 OP 30")  # fmt: skip
    response = delegate_b.get(OURS)
    listed = [entry.pk for entry in response.context["entries"]]
    assert listed == [*(zero_entries[k].pk for k in ("upu26", "upu44", "upu76")), on_rev1.pk]
    html = response.content.decode()
    assert "made on Zero draft OP 26" in html
    # On the zero draft, only its own entries; none of Rev.1's.
    response = delegate_b.get(OURS, ZERO)
    assert on_rev1.pk not in [entry.pk for entry in response.context["entries"]]
    assert "made on" not in response.content.decode()


def test_no_forms_on_a_version_that_is_not_open(focal_a, zero_entries, published_rev1):
    # Kenya's draft on the zero draft: carried or discarded from Rev.1, the open version.
    draft = zero_entries["ken_draft"]
    carry = reverse("comments:carry", args=[draft.pk])
    on_rev1 = focal_a.get(OURS)
    assert carry in on_rev1.content.decode()
    on_zero = focal_a.get(OURS, ZERO)
    html = on_zero.content.decode()
    assert on_zero.context["left_behind"] == [] and on_zero.context["drafts"] == 0
    assert carry not in html
    assert reverse("comments:submit_all", args=["wsis20"]) not in html
    assert reverse("comments:delete", args=[draft.pk]) not in html


@pytest.mark.parametrize("url", [OURS, SUBMISSION])
@pytest.mark.parametrize("label", ["Rev.9", "Rev.1"])
def test_an_unknown_or_unpublished_version_answers_404(delegate_a, zero_entries, rev1, url, label):
    # Rev.1 is still in preparation here: facilitators only, and they have no organisation.
    assert delegate_a.get(url, {"version": label}).status_code == 404


@pytest.mark.parametrize("url", [OURS, SUBMISSION])
@pytest.mark.parametrize(
    "persona, status",
    [
        ("anonymous", 302),
        ("delegate_a", 200),
        ("focal_a", 200),
        ("delegate_b", 200),
        # Facilitators write nothing of their own: no organisation, no page.
        ("facilitator", 403),
    ],
)
def test_each_persona_on_a_chosen_version(request, published_rev1, url, persona, status):
    client = request.getfixturevalue(persona)
    response = client.get(url, ZERO)
    assert response.status_code == status
    if status == 200:
        assert response.context["version"].label == "Zero draft"
        assert response.context["membership"].user == client.user


def _zero_draft_entries(version, org, author, n):
    labels = [p.label for p in version.paragraphs.filter(kind="operative").order_by("order")]
    Entry.objects.bulk_create(
        Entry(
            version=version,
            paragraph=version.paragraphs.get(label=labels[i % 40]),
            organisation=org,
            author=author,
            kind=Entry.Kind.AMENDMENT if i % 3 else Entry.Kind.COMMENT,
            text=f"Because {i}.",
            proposed_text=f"Other words {i}." if i % 3 else "",
            status=Entry.Status.SUBMITTED,
        )
        for i in range(n)
    )


# Each one more than before the header counted unread notifications.
@pytest.mark.parametrize("url, limit", [(OURS, 23), (SUBMISSION, 19)])
def test_the_pages_keep_the_query_count_flat(
    delegate_a, version, org_a, published_rev1, url, limit, django_assert_max_num_queries
):
    # Each counted with the alignment's map not yet cached, as on a generation's first request.
    _zero_draft_entries(version, org_a, delegate_a.user, 4)
    make_entry(published_rev1, org_a, delegate_a.user, label="24", kind="comment", text="x")
    cache.clear()
    with django_assert_max_num_queries(limit) as five:
        assert delegate_a.get(url).status_code == 200
    _zero_draft_entries(version, org_a, delegate_a.user, 45)
    cache.clear()
    with django_assert_max_num_queries(limit) as fifty:
        response = delegate_a.get(url)
    assert response.status_code == 200
    assert len(fifty.captured_queries) == len(five.captured_queries)
    assert "made on Zero draft" in response.content.decode()
