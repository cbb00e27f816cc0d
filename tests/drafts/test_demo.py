import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry
from wsis.drafts.models import Consultation, Paragraph, Version
from wsis.stakeholders.models import Membership, Organisation, StakeholderGroup


def snapshot():
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Consultation, Paragraph, Organisation, Membership, Entry, AuditEvent)
    } | {"users": list(get_user_model().objects.order_by("pk").values("username", "password"))}


@pytest.fixture(autouse=True)
def development(settings):
    # pytest-django turns DEBUG off, and load_demo refuses to run then (tested below).
    settings.DEBUG = True


@pytest.mark.django_db
def test_load_demo_creates_the_wsis20_consultation(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    consultation = Consultation.objects.get(slug="wsis20")
    version = consultation.versions.get(label="Zero draft")
    assert version.paragraphs.count() == 155
    assert version.round.opens_at < version.round.closes_at
    upu = Organisation.objects.get(acronym="UPU")
    assert upu.group.code == "un_system"
    for group in StakeholderGroup.objects.all():
        assert group.organisations.exists(), group
    assert consultation.facilitators.filter(username="facilitator").exists()
    assert all(o.is_accredited_to(consultation) for o in Organisation.objects.all())
    assert "upu.focal" in out and "facilitator" in out and "wsis20-demo" in out


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first


@pytest.mark.django_db
def test_load_demo_creates_the_upu_proposals_and_others_entries(capsys):
    from wsis.drafts.demo import upu_proposals

    call_command("load_demo")
    wording, notes = upu_proposals()
    upu = Entry.objects.filter(organisation__acronym="UPU")
    amendments = {e.paragraph.label: e for e in upu.filter(kind="amendment")}
    assert sorted(amendments, key=int) == ["26", "31", "44", "76"]
    for label, entry in amendments.items():
        assert entry.proposed_text == wording[label]
        assert entry.status == "submitted" and entry.submitted_at is not None
    assert "/" not in amendments["31"].proposed_text
    assert amendments["31"].proposed_text.endswith("maximizing development impact.")
    note = upu.get(kind="comment")
    assert note.paragraph.label == "31" and list(notes) == ["31"]
    assert note.text == "possibly also in the capacity-building section, OP68 or 69"
    # Others' drafts and submissions, so the demo looks like a live consultation.
    others = Entry.objects.exclude(organisation__acronym="UPU")
    assert others.values("organisation").distinct().count() >= 8
    assert others.filter(status="draft").exists() and others.filter(status="submitted").exists()
    assert set(others.values_list("kind", flat=True)) == {
        "comment", "amendment", "new_paragraph", "deletion",
    }  # fmt: skip


@pytest.mark.django_db
def test_load_demo_refuses_to_run_with_debug_off_and_loads_nothing(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production") as refused:
        call_command("load_demo")
    assert "Nothing was loaded" in str(refused.value)
    assert not Consultation.objects.exists() and not get_user_model().objects.exists()


@pytest.mark.django_db
def test_load_demo_runs_with_debug_off_when_allowed(settings, capsys):
    settings.DEBUG = False
    call_command("load_demo", "--allow-production")
    assert Consultation.objects.filter(slug="wsis20").exists()


@pytest.mark.django_db
def test_load_demo_has_a_negotiating_group_and_a_reading_under_way(capsys):
    from wsis.negotiation.models import ConvergenceSnapshot, statuses

    call_command("load_demo")
    g77 = Organisation.objects.get(acronym="G77")
    assert g77.is_negotiating_group
    assert set(g77.members.values_list("acronym", flat=True)) == {"BRA", "KEN"}
    version = Version.objects.get(consultation__slug="wsis20", label="Zero draft")
    found = {row.paragraph.label: row for row in statuses(version).values()}
    assert sum(row.status == "agreed_ad_ref" for row in found.values()) >= 3
    assert found["4"].status == "agreed_informals"
    assert found["5"].status == "pending" and found["5"].waiting_for.count() == 2
    # The snapshot before the reading, the point the convergence chart starts from.
    before = ConvergenceSnapshot.objects.get(version=version)
    assert (before.label, before.agreed) == ("Before the first reading", 0)
    capsys.readouterr()
    call_command(
        "export_version", "--consultation", "wsis20", "--label", "Zero draft", "--format",
        "rolling",
    )  # fmt: skip
    text = capsys.readouterr().out
    # The G77 and Brazil, its member, propose the same words: the bracket names the group.
    assert "[voluntary and – G77]" in text
    assert "OP 1  [Agreed ad ref]" in text


@pytest.mark.django_db
def test_load_demo_has_the_first_reading_in_progress(capsys):
    from wsis.room.models import LogEntry, Reading

    call_command("load_demo")
    reading = Reading.objects.get(version__consultation__slug="wsis20")
    assert reading.is_open and reading.name == "First reading"
    assert reading.paragraph.label == "6"
    on_pen = reading.log.filter(paragraph=reading.paragraph)
    assert on_pen.get(kind=LogEntry.Kind.FLOOR).organisation.acronym == "G77"
    assert "significant growth" in on_pen.get(kind=LogEntry.Kind.WORDING).after
    statuses = reading.log.filter(kind=LogEntry.Kind.STATUS)
    assert statuses.count() == 8
    assert statuses.get(paragraph__label="5").after == "pending"
    # Loading again adds no second reading, no log entry, no snapshot.
    call_command("load_demo")
    assert Reading.objects.get() == reading and reading.log.count() == 10
    assert reading.version.convergence_snapshots.count() == 1
