"""The rolling text (``wsis.comments.rolling``): proposals inline in attributed brackets."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.conftest import group, parsed
from tests.drafts.conftest import REV1
from wsis.comments.models import Entry, Support
from wsis.drafts.services import import_revision
from wsis.stakeholders.models import Organisation

pytestmark = pytest.mark.django_db

OP26 = "26"


@pytest.fixture
def propose(version, delegate_a):
    def make(organisation, label=OP26, kind=Entry.Kind.AMENDMENT, edit=None, **fields):
        paragraph = version.paragraphs.get(label=label)
        proposed = edit(paragraph.text) if edit else fields.pop("proposed_text", "")
        return Entry.objects.create(
            version=version,
            paragraph=paragraph,
            organisation=organisation,
            author=delegate_a.user,
            kind=kind,
            proposed_text=proposed,
            status=Entry.Status.SUBMITTED,
            moderation=fields.pop("moderation", Entry.Moderation.PUBLISHED),
            submitted_at=timezone.now(),
            **fields,
        )

    return make


@pytest.fixture
def japan(consultation):
    organisation = Organisation.objects.create(
        name="Japan", acronym="JPN", group=group("member_state")
    )
    organisation.accredit(consultation)
    return organisation


def rolling(capsys, *extra):
    capsys.readouterr()
    call_command(
        "export_version", "--consultation", "wsis20", "--label", "Zero draft", "--format",
        "rolling", *extra,
    )  # fmt: skip
    return capsys.readouterr().out


def block(text, label):
    """The lines of one paragraph's block."""
    blocks = text.split("\n\n")
    return next(b for b in blocks if f"\n{label}  " in f"\n{b}")


def first_words(version, label=OP26, count=3):
    return " ".join(version.paragraphs.get(label=label).text.split()[:count])


def test_an_insertion_shows_where_it_goes_with_its_proponents(
    version, propose, org_b, org_a, delegate_b, capsys
):
    words = first_words(version)
    entry = propose(org_b, edit=lambda t: t.replace(words, f"{words} postal", 1))
    Support.objects.create(entry=entry, organisation=org_a, user=delegate_b.user)
    text = block(rolling(capsys), "OP 26")
    # Member States first: Kenya supports, the UPU proposed.
    assert f"{words} [postal – KEN, UPU]" in text


def test_a_bracket_before_a_full_stop_keeps_it_after(version, propose, org_b, capsys):
    propose(org_b, edit=lambda t: t[:-1] + " through post offices.")
    assert block(rolling(capsys), "OP 26").endswith(" [through post offices – UPU].")


def test_a_deletion_of_words_and_of_a_paragraph(version, propose, org_a, japan, capsys):
    paragraph = version.paragraphs.get(label=OP26)
    last = paragraph.text.split()[-2]
    propose(org_a, edit=lambda t: t.replace(f" {last}", "", 1))
    propose(japan, label="27", kind=Entry.Kind.DELETION)
    text = rolling(capsys)
    assert f"[{last} – KEN delete]" in block(text, "OP 26")
    assert block(text, "OP 27").startswith("[JPN: delete]\nOP 27  ")


def test_competing_wordings_are_alternatives(version, propose, org_a, japan, capsys):
    words = first_words(version, count=1)
    propose(org_a, edit=lambda t: t.replace(words, "Alpha", 1))
    propose(japan, edit=lambda t: t.replace(words, "Beta", 1))
    assert "[Alpha – KEN / Beta – JPN]" in block(rolling(capsys), "OP 26") or (
        "[Beta – JPN / Alpha – KEN]" in block(rolling(capsys), "OP 26")
    )


def test_the_same_change_by_several_appears_once(version, propose, org_a, org_b, capsys):
    words = first_words(version)
    for organisation in (org_b, org_a):
        propose(organisation, edit=lambda t: t.replace(words, f"{words} postal", 1))
    text = block(rolling(capsys), "OP 26")
    assert text.count("[postal") == 1 and "[postal – KEN, UPU]" in text


def test_new_paragraphs_follow_theirs_as_bis_and_ter(version, propose, org_a, org_b, capsys):
    propose(org_b, label="31", kind=Entry.Kind.NEW_PARAGRAPH, proposed_text="Post offices.")
    propose(org_a, label="31", kind=Entry.Kind.NEW_PARAGRAPH, proposed_text="Post  offices.")
    propose(org_a, label="31", kind=Entry.Kind.NEW_PARAGRAPH, proposed_text="Libraries.")
    text = rolling(capsys)
    assert block(text, "OP 31 bis") == "OP 31 bis  [Post offices. – KEN, UPU]"
    assert block(text, "OP 31 ter") == "OP 31 ter  [Libraries. – KEN]"


def test_only_published_proposals_unless_asked(version, propose, org_a, capsys):
    words = first_words(version)
    propose(
        org_a,
        edit=lambda t: t.replace(words, f"{words} pending", 1),
        moderation=Entry.Moderation.PENDING,
    )
    propose(
        org_a,
        label="27",
        edit=lambda t: t + " Rejected.",
        moderation=Entry.Moderation.REJECTED,
    )
    assert "[" not in rolling(capsys).split("Zero draft: rolling text", 1)[1]
    assert "[pending – KEN]" in rolling(capsys, "--with-pending")
    assert "Rejected" not in rolling(capsys, "--with-pending")


# The page ---------------------------------------------------------------------------------------


def url(label="Zero draft"):
    return reverse("comments:rolling", args=["wsis20", label])


def test_everyone_reads_the_rolling_text(version, propose, org_b, anonymous, capsys):
    words = first_words(version)
    propose(org_b, edit=lambda t: t.replace(words, f"{words} postal", 1))
    response = anonymous.get(url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "[<ins>postal</ins> – UPU]" in html and "1 bracket." in html
    # A space on each side of the bracket, however the paragraph's own spacing fell.
    next_word = version.paragraphs.get(label=OP26).text.split()[3]
    assert f"{words} <span" in html and f"UPU]</span> {next_word}" in html
    plain = anonymous.get(url() + "?format=text")
    assert plain["Content-Type"].startswith("text/plain")
    assert "[postal – UPU]" in plain.content.decode()


def test_pending_proposals_are_for_facilitators(version, anonymous, delegate_a, facilitator):
    assert anonymous.get(url() + "?with_pending=1").status_code == 302
    assert delegate_a.get(url() + "?with_pending=1").status_code == 403
    assert facilitator.get(url() + "?with_pending=1").status_code == 200


def test_a_version_in_preparation_is_not_found_but_by_its_facilitators(
    version, anonymous, facilitator
):

    import_revision(version.consultation, "Rev.1", parsed(REV1))
    assert anonymous.get(url("Rev.1")).status_code == 404
    assert facilitator.get(url("Rev.1")).status_code == 200
