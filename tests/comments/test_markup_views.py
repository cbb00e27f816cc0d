"""The page where a delegation uploads its marked-up copy, previews it and picks proposals."""

import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.comments.markup_files import upu_docx, upu_text, zipped
from wsis.comments.models import Entry, MarkupImport
from wsis.drafts.demo import upu_proposals

UPLOAD = reverse("comments:markup", args=["wsis20"])
CONFIRM = reverse("comments:markup_confirm", args=["wsis20"])
COPIES = {
    "upu.txt": upu_text,
    "upu-marked.docx": lambda: upu_docx("hand"),
    "upu-tracked.docx": lambda: upu_docx("tracked"),
}


def upload(client, name, data):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})


def payload(response) -> str:
    return re.search(r'name="payload" value="([^"]+)"', response.content.decode())[1]


def picks(response) -> list[str]:
    return re.findall(r'name="pick" value="(\d+)"[^>]*\bchecked', response.content.decode())


@pytest.mark.parametrize("name", COPIES)
def test_upload_preview_pick_all_makes_the_upus_drafts(version, delegate_b, org_b, name):
    preview = upload(delegate_b, name, COPIES[name]())
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "5 proposals found in" in page and "possibly also in the capacity-building" in page
    assert "<ins>" in page
    chosen = picks(preview)
    assert len(chosen) == 5
    done = delegate_b.post(CONFIRM, {"payload": payload(preview), "pick": chosen})
    assert done.status_code == 302 and done["Location"].endswith("/our-entries/")
    wording, notes = upu_proposals()
    drafts = Entry.objects.filter(organisation=org_b, status="draft")
    amendments = {e.paragraph.label: e.proposed_text for e in drafts.filter(kind="amendment")}
    assert amendments == wording
    assert [(e.paragraph.label, e.text) for e in drafts.filter(kind="comment")] == list(
        notes.items()
    )
    assert MarkupImport.objects.get().filename == name
    assert "5 drafts made from" in delegate_b.get(done["Location"]).content.decode()


def test_only_the_ticked_proposals_become_drafts(version, delegate_b, org_b):
    preview = upload(delegate_b, "upu.txt", upu_text())
    delegate_b.post(CONFIRM, {"payload": payload(preview), "pick": picks(preview)[:2]})
    assert Entry.objects.filter(organisation=org_b).count() == 2


def test_nothing_ticked_comes_back_with_the_preview_and_saves_nothing(version, delegate_b):
    preview = upload(delegate_b, "upu.txt", upu_text())
    again = delegate_b.post(CONFIRM, {"payload": payload(preview)})
    assert again.status_code == 400
    assert "Tick at least one proposal" in again.content.decode()
    assert payload(again) and picks(again) == []
    assert not Entry.objects.exists()


def test_a_second_upload_of_the_same_copy_leaves_what_was_made_unticked(version, delegate_b):
    first = upload(delegate_b, "upu.txt", upu_text())
    delegate_b.post(CONFIRM, {"payload": payload(first), "pick": picks(first)})
    second = upload(delegate_b, "upu.txt", upu_text())
    assert picks(second) == []
    assert second.content.decode().count("already among your entries") == 5


@pytest.mark.parametrize("tamper", ["forged", "other user"])
def test_a_forged_or_borrowed_preview_saves_nothing(version, delegate_b, delegate_a, tamper):
    preview = upload(delegate_b, "upu.txt", upu_text())
    signed = payload(preview)
    client = delegate_b if tamper == "forged" else delegate_a
    if tamper == "forged":
        signed = signed[:-3] + "abc"
    done = client.post(CONFIRM, {"payload": signed, "pick": ["0", "1"]}, follow=True)
    assert "upload your copy again" in done.content.decode()
    assert not Entry.objects.exists()


BAD_FILES = {
    "not a docx or text": ("photo.jpg", b"\xff\xd8\xff\x00" * 50, "neither a Word document"),
    "encrypted": (
        "locked.docx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "password-protected",
    ),
    "macro-enabled": ("copy.docm", upu_docx("hand"), "contains macros"),
    "zip bomb": (
        "bomb.docx",
        zipped({"word/document.xml": b"\x00" * (60 << 20)}, compression=zipfile.ZIP_DEFLATED),
        "unpacks to far more",
    ),
    "another document": (
        "other.txt",
        "\n".join(f"{n}. Fish stocks of cod in zone {n} fell by {n} tonnes." for n in range(30)),
        "0% of the file&#x27;s wording is found in Zero draft",
    ),
    "50 MB": ("big.txt", b"a" * (50 << 20), "too large"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_gets_a_clear_message_and_changes_nothing(version, delegate_b, case):
    name, data, message = BAD_FILES[case]
    data = data.encode() if isinstance(data, str) else data
    response = upload(delegate_b, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "payload" not in response.content.decode()
    assert not Entry.objects.exists() and not MarkupImport.objects.exists()


def test_our_entries_and_our_submission_link_to_the_upload(version, delegate_b):
    for name in ("comments:our_entries", "comments:our_submission"):
        page = delegate_b.get(reverse(name, args=["wsis20"])).content.decode()
        assert f'href="{UPLOAD}"' in page
