"""Drafts have a whole life: deleted with confirmation, carried to the next version or
discarded when their version is superseded, and no form where nothing can be written."""

import pytest
from django.urls import reverse

from tests.comments.conftest import make_entry
from tests.conftest import group, make_user, signed_in
from tests.drafts import conftest as drafts
from wsis.audit.models import AuditEvent
from wsis.comments import services
from wsis.comments.models import Entry, Support
from wsis.stakeholders.models import Membership, Organisation

# Rev.1 published after the zero draft (tests/drafts/conftest.py).
rev1, published_rev1 = drafts.rev1, drafts.published_rev1

pytestmark = pytest.mark.django_db


def delete_url(entry):
    return reverse("comments:delete", args=[entry.pk])


def carry_url(entry):
    return reverse("comments:carry", args=[entry.pk])


def our_entries(client):
    return client.get(reverse("comments:our_entries", args=["wsis20"]))


def events(action, entry):
    return list(AuditEvent.objects.filter(action=action, target=f"comments.entry:{entry.pk}"))


@pytest.fixture
def delegate_a2(org_a):
    user = make_user("amina")
    Membership.objects.create(user=user, organisation=org_a, role=Membership.Role.DELEGATE)
    return signed_in(user)


# Deleting a draft -------------------------------------------------------------------------------


def test_the_author_is_asked_to_confirm_before_a_draft_is_deleted(delegate_a, draft_a):
    response = delegate_a.get(delete_url(draft_a))
    assert response.status_code == 200
    assert "Delete this draft?" in response.content.decode()
    assert Entry.objects.filter(pk=draft_a.pk).exists()


def test_the_author_deletes_their_draft_and_it_is_audited(delegate_a, draft_a):
    response = delegate_a.post(delete_url(draft_a))
    assert response.status_code == 302
    assert response["Location"] == reverse("comments:panel", args=[draft_a.paragraph_id])
    assert not Entry.objects.filter(pk=draft_a.pk).exists()
    [event] = events("entry.deleted", draft_a)
    assert event.actor == delegate_a.user
    assert event.organisation == draft_a.organisation
    assert event.data == {
        "kind": "amendment",
        "paragraph": draft_a.paragraph_id,
        "version": draft_a.version_id,
        "text_length": len(draft_a.text) + len(draft_a.proposed_text),
    }


def test_the_focal_point_deletes_any_draft_of_the_organisation(focal_a, draft_a):
    assert focal_a.post(delete_url(draft_a)).status_code == 302
    assert not Entry.objects.filter(pk=draft_a.pk).exists()


def test_another_delegate_cannot_delete_a_colleagues_draft(delegate_a2, draft_a):
    assert delegate_a2.get(delete_url(draft_a)).status_code == 403
    assert delegate_a2.post(delete_url(draft_a)).status_code == 403
    assert Entry.objects.filter(pk=draft_a.pk).exists()
    assert events("entry.deleted", draft_a) == []


def test_other_organisations_do_not_even_see_the_draft(delegate_b, draft_a):
    assert delegate_b.post(delete_url(draft_a)).status_code == 404
    assert Entry.objects.filter(pk=draft_a.pk).exists()


def test_a_submitted_entry_is_never_deleted(focal_a, submitted_a):
    response = focal_a.post(delete_url(submitted_a))
    assert response.status_code == 403
    assert Entry.objects.filter(pk=submitted_a.pk).exists()


def test_a_supported_entry_is_not_deleted_even_if_it_were_a_draft_again(
    draft_a, org_b, delegate_b, focal_a
):
    Support.objects.create(entry=draft_a, organisation=org_b, user=delegate_b.user)
    membership = Membership.objects.get(user=focal_a.user)
    with pytest.raises(services.NotAllowed):
        services.delete_draft(draft_a, membership=membership)
    assert Entry.objects.filter(pk=draft_a.pk).exists()


def test_deletion_goes_back_to_a_page_of_ours_only(delegate_a, draft_a, version):
    response = delegate_a.post(delete_url(draft_a), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("comments:panel", args=[draft_a.paragraph_id])


def test_the_entry_page_offers_deletion_to_the_author_only(delegate_a, delegate_a2, draft_a):
    assert delete_url(draft_a) in delegate_a.get(draft_a_url(draft_a)).content.decode()
    assert delete_url(draft_a) not in delegate_a2.get(draft_a_url(draft_a)).content.decode()


def draft_a_url(entry):
    return reverse("comments:entry", args=[entry.pk])


# Drafts left on a superseded version ------------------------------------------------------------


@pytest.fixture
def zero_draft_on_26(version, org_a, delegate_a):
    """Kenya's draft on zero draft OP 26, which is Rev.1 OP 24."""
    return make_entry(version, org_a, delegate_a.user, text="Kenya's reasons.")


def test_my_organisation_lists_drafts_left_on_a_superseded_version(
    zero_draft_on_26, published_rev1, focal_a
):
    response = our_entries(focal_a)
    assert [item.entry for item in response.context["left_behind"]] == [zero_draft_on_26]
    [target] = response.context["left_behind"][0].targets
    assert (target.version, target.label) == (published_rev1, "24")
    text = response.content.decode()
    assert target.text in text  # the wording can be checked against the new paragraph
    assert carry_url(zero_draft_on_26) in text
    # The dead end: nothing here can be submitted, so no "Submit 1 draft…".
    assert response.context["drafts"] == 0
    assert reverse("comments:submit_all", args=["wsis20"]) not in text


def test_the_submit_all_page_counts_only_submittable_drafts(
    zero_draft_on_26, published_rev1, focal_a, org_a, delegate_a
):
    on_rev1 = make_entry(published_rev1, org_a, delegate_a.user, label="24")
    response = focal_a.get(reverse("comments:submit_all", args=["wsis20"]))
    assert response.context["drafts"] == [on_rev1]
    assert our_entries(focal_a).context["drafts"] == 1


def test_a_draft_is_carried_to_the_paragraph_its_own_became(
    zero_draft_on_26, published_rev1, delegate_a
):
    target = published_rev1.paragraphs.get(label="24")
    response = delegate_a.post(carry_url(zero_draft_on_26), {"paragraph": target.pk})
    assert response.status_code == 302
    carried = Entry.objects.get(pk=zero_draft_on_26.pk)
    assert (carried.version, carried.paragraph, carried.revision) == (published_rev1, target, 2)
    assert carried.status == Entry.Status.DRAFT
    [event] = events("entry.carried", carried)
    assert event.actor == delegate_a.user
    assert event.data == {
        "from_version": zero_draft_on_26.version_id,
        "from_paragraph": zero_draft_on_26.paragraph_id,
        "to_version": published_rev1.pk,
        "to_paragraph": target.pk,
        "revision": 2,
    }
    # Now it can be edited and submitted on Rev.1, and nothing is left behind.
    assert our_entries(delegate_a).context["left_behind"] == []
    page = delegate_a.get(draft_a_url(carried)).content.decode()
    assert reverse("comments:save", args=[carried.pk]) in page


def test_a_split_paragraph_offers_each_of_its_parts(version, org_a, delegate_a, published_rev1):
    draft = make_entry(version, org_a, delegate_a.user, label="12", kind="comment", text="On 12")
    [item] = our_entries(delegate_a).context["left_behind"]
    assert [p.label for p in item.targets] == ["11", "12"]
    assert item.entry == draft


def test_a_draft_on_a_deleted_paragraph_can_only_be_discarded(
    version, org_a, delegate_a, published_rev1
):
    draft = make_entry(version, org_a, delegate_a.user, label="7", kind="comment", text="On 7")
    response = our_entries(delegate_a)
    [item] = response.context["left_behind"]
    assert item.targets == []
    text = response.content.decode()
    assert "was deleted on the way to Rev.1" in text
    assert carry_url(draft) not in text
    assert delete_url(draft) in text
    # Forced anyway: refused with a message, nothing changed.
    anywhere = published_rev1.paragraphs.get(label="24")
    response = delegate_a.post(carry_url(draft), {"paragraph": anywhere.pk}, follow=True)
    assert "does not continue OP 7" in response.content.decode()
    assert Entry.objects.get(pk=draft.pk).version == version
    assert events("entry.carried", draft) == []


def test_discarding_a_draft_left_behind_is_an_audited_deletion(
    zero_draft_on_26, published_rev1, delegate_a
):
    back = reverse("comments:our_entries", args=["wsis20"])
    response = delegate_a.post(delete_url(zero_draft_on_26), {"next": back})
    assert response["Location"] == back
    assert not Entry.objects.filter(pk=zero_draft_on_26.pk).exists()
    assert len(events("entry.deleted", zero_draft_on_26)) == 1


@pytest.mark.parametrize("paragraph", ["", "x", "0"])
def test_a_carry_to_no_listed_paragraph_changes_nothing(
    zero_draft_on_26, published_rev1, delegate_a, paragraph
):
    response = delegate_a.post(carry_url(zero_draft_on_26), {"paragraph": paragraph}, follow=True)
    assert "nothing was changed" in response.content.decode()
    assert Entry.objects.get(pk=zero_draft_on_26.pk).revision == 1


def test_a_carry_to_another_paragraph_of_the_new_version_is_refused(
    zero_draft_on_26, published_rev1, delegate_a
):
    elsewhere = published_rev1.paragraphs.get(label="40")
    delegate_a.post(carry_url(zero_draft_on_26), {"paragraph": elsewhere.pk})
    assert Entry.objects.get(pk=zero_draft_on_26.pk).paragraph == zero_draft_on_26.paragraph


def test_a_draft_on_the_open_version_is_not_carried(draft_a, delegate_a):
    paragraph = draft_a.paragraph
    assert delegate_a.post(carry_url(draft_a), {"paragraph": paragraph.pk}).status_code == 403


def test_other_organisations_cannot_carry_a_draft(zero_draft_on_26, published_rev1, delegate_b):
    target = published_rev1.paragraphs.get(label="24")
    assert delegate_b.post(carry_url(zero_draft_on_26), {"paragraph": target.pk}).status_code == 404
    assert Entry.objects.get(pk=zero_draft_on_26.pk).version_id == zero_draft_on_26.version_id


def test_a_draft_left_behind_is_not_offered_for_editing_or_submission(
    zero_draft_on_26, published_rev1, focal_a
):
    page = focal_a.get(draft_a_url(zero_draft_on_26))
    assert page.context["form"] is None and not page.context["can_submit"]
    assert page.context["left_behind"] and page.context["can_delete"]


# No form where nothing can be written ----------------------------------------------------------


def panel(client, paragraph):
    return client.get(reverse("comments:panel", args=[paragraph.pk]))


def test_the_panel_of_a_superseded_version_offers_no_form(version, published_rev1, delegate_a):
    old = panel(delegate_a, version.paragraphs.get(label="26"))
    assert reverse("comments:create", args=[version.paragraphs.get(label="26").pk]) not in (
        old.content.decode()
    )
    assert "Zero draft is not open for comments." in old.content.decode()
    new = published_rev1.paragraphs.get(label="24")
    assert reverse("comments:create", args=[new.pk]) in panel(delegate_a, new).content.decode()


def test_a_closed_version_offers_no_form(version, delegate_a):
    version.status = version.Status.CLOSED
    version.save(update_fields=["status"])
    paragraph = version.paragraphs.get(label="26")
    text = panel(delegate_a, paragraph).content.decode()
    assert reverse("comments:create", args=[paragraph.pk]) not in text


def test_an_organisation_not_accredited_is_offered_no_form(version):
    outsider = Organisation.objects.create(
        name="Elsewhere", acronym="ELS", group=group("civil_society")
    )
    user = make_user("olga")
    Membership.objects.create(user=user, organisation=outsider, role=Membership.Role.DELEGATE)
    paragraph = version.paragraphs.get(label="26")
    text = panel(signed_in(user), paragraph).content.decode()
    assert reverse("comments:create", args=[paragraph.pk]) not in text
    assert "Elsewhere is not accredited to this consultation" in text


def test_a_draft_on_a_closed_version_is_not_said_to_be_carried(draft_a, delegate_a):
    draft_a.version.status = draft_a.version.Status.CLOSED
    draft_a.version.save(update_fields=["status"])
    page = delegate_a.get(draft_a_url(draft_a))
    assert page.context["form"] is None and not page.context["left_behind"]
