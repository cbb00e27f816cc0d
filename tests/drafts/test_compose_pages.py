"""The pages that compose the next revision from the decisions and edit it before publication
(the service itself: tests/moderation/test_compose.py)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry, TakenIn
from wsis.drafts.models import Version
from wsis.moderation.compose import compose_revision

pytestmark = pytest.mark.django_db


def entry_on(version, organisation, author, label, **fields):
    return Entry.objects.create(
        version=version,
        paragraph=version.paragraphs.get(label=label),
        organisation=organisation,
        author=author,
        status=Entry.Status.SUBMITTED,
        moderation=Entry.Moderation.PUBLISHED,
        submitted_at=timezone.now(),
        decision=Entry.Decision.INCORPORATED,
        **({"kind": Entry.Kind.AMENDMENT} | fields),
    )


@pytest.fixture
def conflicting(version, org_a, org_b, delegate_a, delegate_b):
    """Two wordings of OP 26, both incorporated; one of OP 27."""
    return [
        entry_on(version, org_a, delegate_a.user, "26", proposed_text="Kenya's wording."),
        entry_on(version, org_b, delegate_b.user, "26", proposed_text="The UPU's wording."),
        entry_on(version, org_b, delegate_b.user, "27", proposed_text="Post offices everywhere."),
    ]


def test_a_facilitator_composes_from_the_upload_page(version, conflicting, facilitator):
    page = facilitator.get(reverse("drafts:upload", args=["wsis20"])).content.decode()
    assert "Compose from Zero draft" in page
    response = facilitator.post(reverse("drafts:compose", args=["wsis20"]), {"label": " Rev.1 "})
    assert response.status_code == 302
    assert response.url == reverse("drafts:edit", args=["wsis20", "Rev.1"])
    rev1 = Version.objects.get(label="Rev.1")
    assert rev1.status == Version.Status.PREPARING
    page = facilitator.get(response.url).content.decode()
    assert "1 proposal applied" in page
    assert "Proposals in conflict" in page
    assert "everywhere" in page  # OP 27 with the wording it took in, as a diff
    assert AuditEvent.objects.filter(action="version.composed").count() == 1


def test_a_bad_label_is_refused_and_kept(version, facilitator):
    url = reverse("drafts:compose", args=["wsis20"])
    response = facilitator.post(url, {"label": "Rev/1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "without “/”" in page and 'value="Rev/1"' in page
    response = facilitator.post(url, {"label": "Zero draft"})
    assert response.status_code == 400
    assert "A version labelled Zero draft already exists." in response.content.decode()
    assert Version.objects.count() == 1


def test_the_facilitator_resolves_a_conflict_then_publishes(version, conflicting, facilitator):
    kenya, upu, _other = conflicting
    rev1 = compose_revision(version, "Rev.1").version
    paragraph = rev1.paragraphs.get(label="26")
    publish = reverse("drafts:publish", args=["wsis20", "Rev.1"])
    closes = (timezone.now() + timezone.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = facilitator.post(publish, {"closes_at": closes}, follow=True)
    assert "Proposals on OP 26 are in conflict" in response.content.decode()
    rev1.refresh_from_db()
    assert rev1.is_preparing

    edit = reverse("drafts:edit_one", args=["wsis20", "Rev.1", paragraph.pk])
    page = facilitator.get(edit).content.decode()
    # Both proposals, ticked, each with its change as a word diff.
    assert page.count('name="keep"') == 2 and page.count("checked") == 2
    assert f"#{kenya.pk} KEN" in page and f"#{upu.pk} UPU" in page
    # An empty wording is refused; the ticks stay as they were posted.
    response = facilitator.post(edit, {"text": "  ", "keep": [kenya.pk]})
    assert response.status_code == 400
    assert "A paragraph needs its text." in response.content.decode()
    assert TakenIn.objects.filter(paragraph=paragraph, how="conflict").count() == 2
    # Control characters from a bad paste are refused too, and the typing is kept.
    response = facilitator.post(edit, {"text": "Agreed\x00 wording.", "keep": [kenya.pk]})
    assert response.status_code == 400
    assert "control characters" in response.content.decode()

    response = facilitator.post(edit, {"text": "The agreed wording.", "keep": [kenya.pk]})
    assert response.status_code == 302
    assert response.url.endswith("#OP26")
    paragraph.refresh_from_db()
    assert paragraph.text == "The agreed wording."
    assert set(paragraph.took_in.values_list("entry_id", "how")) == {(kenya.pk, "by_hand")}
    assert upu.pk not in set(paragraph.took_in.values_list("entry_id", flat=True))

    response = facilitator.post(publish, {"closes_at": closes})
    rev1.refresh_from_db()
    assert rev1.status == Version.Status.OPEN


def test_the_preview_shows_the_change_from_the_previous_wording(version, facilitator):
    rev1 = compose_revision(version, "Rev.1").version
    paragraph = rev1.paragraphs.get(label="26")
    url = reverse("drafts:edit_preview", args=["wsis20", "Rev.1", paragraph.pk])
    response = facilitator.post(url, {"text": paragraph.text + " And post offices."})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<ins" in html and "offices" in html
    assert "<html" not in html  # the fragment alone


def test_renumbering_from_the_page(version, facilitator):
    rev1 = compose_revision(version, "Rev.1").version
    rev1.paragraphs.filter(label="27").update(label="26 bis")
    response = facilitator.post(reverse("drafts:renumber", args=["wsis20", "Rev.1"]), follow=True)
    assert "1 paragraph relabelled." in response.content.decode()
    assert rev1.paragraphs.filter(label="27").exists()


def test_a_published_version_is_no_longer_edited(version, facilitator):
    for url in (
        reverse("drafts:edit", args=["wsis20", "Zero draft"]),
        reverse("drafts:edit_one", args=["wsis20", "Zero draft", version.paragraphs.first().pk]),
    ):
        response = facilitator.get(url, follow=True)
        assert "Zero draft is published: its text is final." in response.content.decode()
    response = facilitator.post(
        reverse("drafts:edit_one", args=["wsis20", "Zero draft", version.paragraphs.first().pk]),
        {"text": "Changed."},
    )
    assert response.status_code == 302
    assert version.paragraphs.first().text != "Changed."


def test_a_paragraph_of_another_version_is_not_found(version, facilitator):
    compose_revision(version, "Rev.1")
    url = reverse("drafts:edit_one", args=["wsis20", "Rev.1", version.paragraphs.first().pk])
    assert facilitator.get(url).status_code == 404


def test_the_edit_page_takes_as_many_queries_for_many_entries_as_for_few(
    version, org_a, delegate_a, facilitator, django_assert_max_num_queries
):
    def entries(count):
        Entry.objects.bulk_create(
            Entry(
                version=version,
                paragraph=paragraph,
                organisation=org_a,
                author=delegate_a.user,
                kind=Entry.Kind.AMENDMENT,
                proposed_text=paragraph.text + f" ({count})",
                status=Entry.Status.SUBMITTED,
                decision=Entry.Decision.PARTIAL,
            )
            for paragraph in version.paragraphs.all()[:count]
        )

    entries(3)
    compose_revision(version, "Rev.1")
    url = reverse("drafts:edit", args=["wsis20", "Rev.1"])
    facilitator.get(url)
    with django_assert_max_num_queries(16) as few:
        facilitator.get(url)
    budget = len(few)  # read now: the next request empties the connection's query log
    Version.objects.filter(label="Rev.1").delete()
    entries(60)
    compose_revision(version, "Rev.1")
    facilitator.get(url)
    with django_assert_max_num_queries(budget):
        facilitator.get(url)
