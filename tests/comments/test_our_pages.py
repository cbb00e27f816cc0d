import re

from django.urls import reverse

from tests.comments.conftest import make_entry
from wsis.comments.models import Entry

OURS = reverse("comments:our_entries", args=["wsis20"])
SUBMISSION = reverse("comments:our_submission", args=["wsis20"])


def test_our_entries_lists_status_moderation_decision_and_reason(
    delegate_a, draft_a, submitted_a, published_b
):
    submitted_a.moderation = Entry.Moderation.REJECTED
    submitted_a.moderation_reason = "Duplicates OP45."
    submitted_a.decision = Entry.Decision.NOT_INCORPORATED
    submitted_a.save()
    html = delegate_a.get(OURS).content.decode()
    assert "Entries of Kenya" in html
    assert "OP 26" in html and "OP 44" in html and "OP 76" not in html
    assert "rejected" in html and "Duplicates OP45." in html and "not incorporated" in html
    assert "1 draft waits for your focal point" in html


def test_the_focal_point_is_offered_submit_all(focal_a, draft_a):
    assert b"Submit 1 draft" in focal_a.get(OURS).content


def test_nav_links_to_our_pages(delegate_a, version):
    html = delegate_a.get(reverse("drafts:reader", args=["wsis20"])).content.decode()
    assert f'href="{OURS}"' in html and f'href="{SUBMISSION}"' in html


def test_our_submission_shows_our_proposals_inline(
    delegate_a, version, draft_a, submitted_a, published_b, org_a
):
    make_entry(version, org_a, delegate_a.user, label="31", kind="new_paragraph",
               proposed_text="We also note.")  # fmt: skip
    make_entry(version, org_a, delegate_a.user, label="29", kind="deletion")
    make_entry(version, org_a, delegate_a.user, label="30", kind="comment", text="A note.")
    html = delegate_a.get(SUBMISSION).content.decode()
    assert html.count('class="paragraph ') >= 155
    assert "<ins>meaningful</ins>" in html  # draft_a on OP26
    assert "every school <ins>and library</ins>" in html  # submitted_a on OP44
    assert "OP31 bis" in html and "<ins>We also note.</ins>" in html
    assert "<del>We are committed" in html and "A note." in html
    assert "We call on all stakeholders to act" not in html  # the UPU's, not ours


def test_our_submission_leaves_out_withdrawn_entries(delegate_a, submitted_a):
    submitted_a.status = Entry.Status.WITHDRAWN
    submitted_a.save()
    assert b"and library" not in delegate_a.get(SUBMISSION).content


def test_our_submission_labels_several_proposals_on_one_paragraph(
    delegate_a, version, draft_a, org_a
):
    delegate_a.user.first_name, delegate_a.user.last_name = "Alice", "Wanjiku"
    delegate_a.user.save()
    make_entry(version, org_a, delegate_a.user, kind="deletion", text="Or drop it.")
    make_entry(version, org_a, delegate_a.user, label="44", kind="deletion")
    html = delegate_a.get(SUBMISSION).content.decode()
    labels = re.findall(r'<span class="proposal-label">([^<]*)</span>', html)
    assert len(labels) == 2  # OP44's single proposal needs no label
    assert labels[0].startswith("Amendment 1 of 2 — by Alice Wanjiku, ")
    assert labels[1].startswith("Deletion 2 of 2 — by Alice Wanjiku, ")
