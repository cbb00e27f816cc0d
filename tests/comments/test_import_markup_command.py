"""``python manage.py import_markup``: prints what a copy proposes, saves it without --dry-run."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.comments.markup_files import upu_docx
from tests.conftest import make_user
from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry, MarkupImport
from wsis.drafts.demo import UPU_COPY
from wsis.stakeholders.models import Membership


def run(*args):
    return call_command("import_markup", "--consultation", "wsis20", "--label", "Zero draft", *args)


@pytest.fixture
def upu_focal(org_b):
    user = make_user("upu.focal")
    Membership.objects.create(user=user, organisation=org_b, role=Membership.Role.FOCAL_POINT)
    return user


def test_a_dry_run_prints_the_proposals_and_saves_nothing(version, org_b, upu_focal, capsys):
    run(str(UPU_COPY), "--organisation", org_b.acronym, "--dry-run")
    out = capsys.readouterr().out
    assert "5 proposals in wsis20-zero-draft-upu-comments.txt" in out
    assert "- OP 44: amendment" in out
    op44 = out.split("- OP 44: amendment\n")[1].split("\n")[0]
    assert "connecting every school [+" in op44 and "community-based institution" in op44
    assert "Note: possibly also in the capacity-building section, OP68 or 69" in out
    assert "Dry run: nothing was saved." in out
    assert not Entry.objects.exists() and not MarkupImport.objects.exists()


def test_without_user_the_focal_point_authors_and_an_operator_imported(
    version, org_b, upu_focal, capsys
):
    run(str(UPU_COPY), "--organisation", org_b.acronym)
    assert "Saved 5 drafts of" in capsys.readouterr().out
    assert set(Entry.objects.values_list("author", flat=True)) == {upu_focal.pk}
    assert MarkupImport.objects.get().uploaded_by is None
    assert AuditEvent.objects.get(action="markup.imported").data["operator"] is True


def test_with_user_that_member_authors_and_uploads(version, org_b, delegate_b, tmp_path):
    path = tmp_path / "upu.docx"
    path.write_bytes(upu_docx("tracked"))
    run(str(path), "--organisation", org_b.acronym, "--user", delegate_b.user.username)
    assert Entry.objects.filter(author=delegate_b.user, imported_from__isnull=False).count() == 5
    assert MarkupImport.objects.get().uploaded_by == delegate_b.user


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--organisation", "NOPE"], "no organisation"),
        (["--organisation", "{org}", "--user", "nobody"], "not a member"),
        (["--organisation", "{org}", "--label", "Rev.9"], "no version"),
    ],
    ids=["unknown-organisation", "not-a-member", "unknown-version"],
)
def test_it_refuses_what_it_cannot_find(version, org_b, upu_focal, extra, message):
    extra = [e.format(org=org_b.acronym) for e in extra]
    with pytest.raises(CommandError, match=message):
        run(str(UPU_COPY), *extra)
    assert not Entry.objects.exists()


def test_a_bad_file_fails_with_its_reason_and_saves_nothing(version, org_b, upu_focal, tmp_path):
    path = tmp_path / "copy.docm"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(CommandError, match="copy.docm: .*macros"):
        run(str(path), "--organisation", org_b.acronym)
    assert not Entry.objects.exists() and not MarkupImport.objects.exists()
