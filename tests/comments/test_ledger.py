"""The ledger: how an organisation's input was addressed, as JSON and as a page."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tests.drafts import conftest as drafts
from wsis.comments.models import Entry
from wsis.drafts.services import publish_version
from wsis.moderation.compose import compose_revision

# The zero draft's entries and Rev.1 published after it (tests/drafts/conftest.py).
rev1, published_rev1, zero_entries = drafts.rev1, drafts.published_rev1, drafts.zero_entries

pytestmark = pytest.mark.django_db


def export(capsys, acronym):
    capsys.readouterr()
    call_command(
        "export_ledger", "--consultation", "wsis20", "--organisation", acronym, "--format", "json"
    )
    return json.loads(capsys.readouterr().out)


# Sign-in, gate and accreditation, the entries, the latest version and its paragraphs, the
# header's unread notifications and the version it shows in view.
QUERIES = 15


def url(acronym="UPU"):
    return reverse("comments:ledger", args=["wsis20", acronym])


def test_it_prints_each_entry_and_where_it_is_now(published_rev1, zero_entries, capsys):
    upu26 = zero_entries["upu26"]
    Entry.objects.filter(pk=upu26.pk).update(
        decision="incorporated", decision_rationale="Taken into Rev.1."
    )
    data = export(capsys, "UPU")
    assert [line["entry"] for line in data] == [
        zero_entries[key].pk for key in ("upu26", "upu44", "upu76")
    ]
    assert data[0] == {
        "entry": upu26.pk,
        "made_on": {"version": "Zero draft", "label": "OP 26"},
        "kind": "amendment",
        "moderation": "published",
        "decision": "incorporated",
        "rationale": "Taken into Rev.1.",
        "now_in": {"version": "Rev.1", "label": "OP 24"},
    }


def test_a_deleted_paragraph_leaves_its_entries_not_taken_in(published_rev1, zero_entries, capsys):
    data = {line["entry"]: line for line in export(capsys, "KEN")}
    assert data[zero_entries["ken7_deletion"].pk]["now_in"] is None
    assert data[zero_entries["ken7"].pk]["now_in"] is None
    # Merged into Rev.1 OP 21; split into OP 11 and OP 12: the first stands for both.
    assert data[zero_entries["ken22"].pk]["now_in"] == {"version": "Rev.1", "label": "OP 21"}
    assert data[zero_entries["ken12"].pk]["now_in"] == {"version": "Rev.1", "label": "OP 11"}
    # Drafts were never submitted: they are no input.
    assert zero_entries["ken_draft"].pk not in data


def test_before_any_revision_an_entry_is_in_its_own_paragraph(zero_entries, capsys):
    [first, *_rest] = export(capsys, "UPU")
    assert first["now_in"] == {"version": "Zero draft", "label": "OP 26"}


def test_it_refuses_an_unknown_organisation(version, capsys):
    with pytest.raises(CommandError, match="No organisation with the acronym 'XYZ'"):
        export(capsys, "XYZ")


# The page --------------------------------------------------------------------------------------


def test_members_read_their_own_organisation(published_rev1, zero_entries, delegate_b):
    response = delegate_b.get(url())
    assert response.status_code == 200
    text = response.content.decode()
    assert "OP 24 (Rev.1)" in text
    assert f"#{zero_entries['upu26'].pk}" in text
    assert "<ins" in text  # the entry's change, as a word diff


def test_members_do_not_see_what_a_facilitator_hid(version, zero_entries, delegate_b, facilitator):
    upu76 = zero_entries["upu76"]
    Entry.objects.filter(pk=upu76.pk).update(moderation="hidden")
    assert f"#{upu76.pk} " not in delegate_b.get(url()).content.decode()
    assert f"#{upu76.pk} " in facilitator.get(url()).content.decode()


def test_others_are_refused(version, zero_entries, delegate_a, focal_a, anonymous):
    assert delegate_a.get(url()).status_code == 403
    assert focal_a.get(url()).status_code == 403
    assert anonymous.get(url()).status_code == 302
    # Facilitators see any accredited organisation, and no other.
    assert focal_a.get(url("NOPE")).status_code == 404


def test_the_page_takes_as_many_queries_for_many_entries_as_for_few(
    published_rev1, zero_entries, facilitator, django_assert_max_num_queries
):
    facilitator.get(url("KEN"))  # caches filled, as on any later visit
    with django_assert_max_num_queries(QUERIES):
        facilitator.get(url("KEN"))
    kenya = zero_entries["ken7"].organisation
    author = zero_entries["ken7"].author
    zero = zero_entries["ken7"].version
    Entry.objects.bulk_create(
        Entry(
            version=zero,
            paragraph=paragraph,
            organisation=kenya,
            author=author,
            kind=Entry.Kind.AMENDMENT,
            proposed_text=paragraph.text + " Also this.",
            status=Entry.Status.SUBMITTED,
            moderation=Entry.Moderation.PUBLISHED,
            submitted_at=timezone.now(),
        )
        for paragraph in zero.paragraphs.all()[:60]
    )
    facilitator.get(url("KEN"))
    with django_assert_max_num_queries(QUERIES):
        response = facilitator.get(url("KEN"))
    assert len(response.context["lines"]) > 60


# After a revision composed from the decisions -------------------------------------------------


def compose_and_publish(version):
    rev1 = compose_revision(version, "Rev.1").version
    publish_version(rev1, closes_at=timezone.now() + timezone.timedelta(days=14))
    return rev1


def test_an_entry_is_where_the_composed_revision_took_it_in(
    zero_entries, capsys, delegate_b, version
):
    upu26, upu44 = zero_entries["upu26"], zero_entries["upu44"]
    Entry.objects.filter(pk=upu26.pk).update(decision="incorporated")
    Entry.objects.filter(pk=upu44.pk).update(decision="not_incorporated")
    # Kenya's OP 7 deletion is taken in: the seven operative paragraphs after it move up.
    Entry.objects.filter(pk=zero_entries["ken7_deletion"].pk).update(decision="incorporated")
    compose_and_publish(version)
    data = {line["entry"]: line for line in export(capsys, "UPU")}
    assert data[upu26.pk]["now_in"] == {"version": "Rev.1", "label": "OP 25"}
    assert data[upu44.pk]["now_in"] is None  # not incorporated: not taken in
    # An open decision: where its paragraph is now.
    assert data[zero_entries["upu76"].pk]["now_in"] == {"version": "Rev.1", "label": "OP 75"}
    text = delegate_b.get(url()).content.decode()
    assert "What survived of the wording proposed" in text


def test_a_composed_revision_in_preparation_shows_no_one_where_words_went(
    zero_entries, capsys, version
):
    upu26 = zero_entries["upu26"]
    Entry.objects.filter(pk=upu26.pk).update(decision="incorporated")
    compose_revision(version, "Rev.1")
    [first, *_rest] = export(capsys, "UPU")
    assert first["now_in"] == {"version": "Zero draft", "label": "OP 26"}


def test_the_ledger_is_linked_from_our_pages_and_the_facilitators(
    zero_entries, delegate_b, facilitator
):
    mine = delegate_b.get(reverse("comments:our_entries", args=["wsis20"])).content.decode()
    assert f'href="{url()}"' in mine
    overview = facilitator.get(reverse("moderation:overview", args=["wsis20"])).content.decode()
    assert f'href="{url()}"' in overview and f'href="{url("KEN")}"' in overview
    organisations = facilitator.get(
        reverse("stakeholders:organisations", args=["wsis20"])
    ).content.decode()
    assert f'href="{url()}"' in organisations


def test_an_acronym_with_a_slash_has_its_ledger(version, org_b, delegate_b):
    """Acronyms are typed by the organisations ("A/B" happens); their pages link to the ledger."""
    org_b.acronym = "UPU/UN"
    org_b.save()
    assert url("UPU/UN").endswith("/ledger/UPU/UN/")
    assert delegate_b.get(url("UPU/UN")).status_code == 200
    assert delegate_b.get(url("UPU")).status_code == 404
