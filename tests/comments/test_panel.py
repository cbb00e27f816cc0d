from django.urls import reverse

from tests.comments.conftest import make_entry, paragraph
from wsis.comments.models import Entry


def panel(client, version, label="26", **headers):
    return client.get(reverse("comments:panel", args=[paragraph(version, label).pk]), **headers)


def test_it_shows_published_entries_with_their_change_to_anyone(anonymous, version, published_b):
    html = panel(anonymous, version, "76").content.decode()
    assert "Universal Postal Union (UN system" in html
    assert "remoter areas. <ins>We call on all stakeholders to act" in html
    assert "Sign in to comment" in html
    assert "Propose an amendment" not in html


def test_a_member_gets_the_four_forms_with_the_wording_prefilled(delegate_a, version):
    html = panel(delegate_a, version).content.decode()
    for summary in ("Propose an amendment", "Comment", "OP26 bis", "Propose to delete"):
        assert summary in html
    text = paragraph(version, "26").text
    assert f">{text}</textarea>" in html
    assert 'hx-trigger="input changed delay:300ms"' in html
    assert html.count('name="form_token"') == 4


def test_htmx_gets_only_the_panel(delegate_a, version, draft_a):
    response = panel(delegate_a, version, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'class="panel-inner"' in html
    assert "Kenya (" in html and "draft" in html


def test_a_delegate_of_another_organisation_does_not_see_our_draft(delegate_b, version, draft_a):
    html = panel(delegate_b, version).content.decode()
    assert "Kenya (" not in html and "0 entries on OP 26" in html


def test_a_facilitator_sees_submissions_and_no_forms(facilitator, version, submitted_a):
    html = panel(facilitator, version, "44").content.decode()
    assert "Kenya (" in html and "pending review" in html
    assert "Propose an amendment" not in html


def test_a_focal_point_gets_submit_and_support_buttons(focal_a, version, draft_a, published_b):
    assert "Submit</button>" in panel(focal_a, version).content.decode()
    assert "Support</button>" in panel(focal_a, version, "76").content.decode()


def test_supporters_show_with_the_proposal(anonymous, version, published_b, org_a, focal_a):
    published_b.supports.create(organisation=org_a, user=focal_a.user)
    assert "Supported by Kenya" in panel(anonymous, version, "76").content.decode()


def test_html_typed_by_a_delegate_is_shown_as_typed(anonymous, version, org_b, delegate_b):
    make_entry(
        version, org_b, delegate_b.user, kind=Entry.Kind.COMMENT, text="<script>x()</script>",
        status=Entry.Status.SUBMITTED, moderation=Entry.Moderation.PUBLISHED,
    )  # fmt: skip
    html = panel(anonymous, version).content.decode()
    assert "&lt;script&gt;x()&lt;/script&gt;" in html and "<script>x()" not in html


def test_it_pages_long_panels_with_the_same_queries(anonymous, version, org_b, delegate_b):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wsis.cache import renew

    def entries(n):
        Entry.objects.bulk_create(
            Entry(
                version=version, paragraph=paragraph(version, "26"), organisation=org_b,
                author=delegate_b.user, kind="comment", text=f"Comment {i}",
                status="submitted", moderation="published",
            )
            for i in range(n)
        )  # fmt: skip
        renew()  # bulk writes send no signals

    entries(3)
    with CaptureQueriesContext(connection) as few:
        panel(anonymous, version)
    entries(120)
    with CaptureQueriesContext(connection) as many:
        html = panel(anonymous, version).content.decode()
    assert len(few) == len(many)
    assert "123 entries on OP 26" in html and "Page 1 of 7" in html


def _published(version, organisation, author, n, kind="comment"):
    from wsis.cache import renew

    Entry.objects.bulk_create(
        Entry(
            version=version, paragraph=paragraph(version, "26"), organisation=organisation,
            author=author, kind=kind, text=f"{kind} {i}", status="submitted",
            moderation="published",
        )
        for i in range(n)
    )  # fmt: skip
    renew()  # bulk writes send no signals


def test_a_long_panel_counts_by_kind_and_shows_all_on_request(
    anonymous, version, org_b, delegate_b
):
    _published(version, org_b, delegate_b.user, 25)
    _published(version, org_b, delegate_b.user, 3, kind="deletion")
    html = panel(anonymous, version).content.decode()
    assert "28 entries on OP 26" in html and "Comment: 25 · Deletion: 3" in html
    assert html.count('class="entry ') == 20 and "Page 1 of 2" in html
    url = reverse("comments:panel", args=[paragraph(version, "26").pk])
    # Without JavaScript a plain link, with htmx (boosted by the pager) into the panel.
    assert 'hx-boost="true" hx-target="#panel-OP26" hx-push-url="false"' in html
    assert f'<a href="{url}?page=all">' in html and "hx-get" not in html
    everything = anonymous.get(url + "?page=all").content.decode()
    assert everything.count('class="entry ') == 28 and "Page 1 of" not in everything
    assert "Show the first page only" in everything
    assert anonymous.get(url + "?page=2").content.decode().count('class="entry ') == 8


def test_the_cached_panel_follows_changes_for_each_audience(
    anonymous, delegate_a, delegate_b, focal_b, version, django_capture_on_commit_callbacks
):
    target = paragraph(version, "26")
    for client in (anonymous, delegate_a, delegate_b):
        panel(client, version)  # rendered and cached
    with django_capture_on_commit_callbacks(execute=True):
        delegate_a.post(
            reverse("comments:create", args=[target.pk]),
            {"kind": "amendment", "text": "Kenya.", "proposed_text": target.text + " Also."},
        )
    assert "Kenya." in panel(delegate_a, version).content.decode()
    assert "Kenya." not in panel(delegate_b, version).content.decode()
    assert "Kenya." not in panel(anonymous, version).content.decode()
    entry = Entry.objects.get(text="Kenya.")
    with django_capture_on_commit_callbacks(execute=True):
        entry.status, entry.moderation = "submitted", "published"
        entry.save()
    for client in (anonymous, delegate_b, focal_b):
        assert "Kenya." in panel(client, version).content.decode()
    # The UPU's focal point may support it: the button carries their own CSRF token.
    from wsis.cache import _slot_mark

    html = panel(focal_b, version).content.decode()
    assert f"/entries/{entry.pk}/support/" in html and _slot_mark() not in html
    import re

    token = re.search(
        rf'action="/entries/{entry.pk}/support/".*?name="csrfmiddlewaretoken" value="([^"]+)"',
        html,
        re.S,
    )[1]
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.cookies = focal_b.cookies
    with django_capture_on_commit_callbacks(execute=True):
        response = strict.post(
            reverse("comments:support", args=[entry.pk]), {"csrfmiddlewaretoken": token}
        )
    assert response.status_code == 302
    assert entry.supports.count() == 1
    assert "Supported by" in panel(anonymous, version).content.decode()


def test_each_entry_shows_its_latest_state_on_a_cached_panel(
    anonymous, focal_a, version, published_b, django_capture_on_commit_callbacks
):
    assert "Support</button>" in panel(focal_a, version, "76").content.decode()
    assert "incorporated" not in panel(anonymous, version, "76").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        entry = Entry.objects.get(pk=published_b.pk)
        entry.decision = Entry.Decision.INCORPORATED
        entry.save()
    assert "incorporated" in panel(anonymous, version, "76").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        focal_a.post(reverse("comments:support", args=[published_b.pk]))
    html = panel(focal_a, version, "76").content.decode()
    assert "Support</button>" not in html and "Supported by Kenya" in html


def test_every_rendering_of_the_forms_carries_fresh_tokens(delegate_a, version):
    import re

    def tokens():
        html = panel(delegate_a, version).content.decode()
        return re.findall(r'name="form_token" value="([0-9a-f-]{36})"', html)

    first, second = tokens(), tokens()  # the second from the cache
    assert len(first) == len(set(first)) == 4 and len(second) == len(set(second)) == 4
    assert not set(first) & set(second)
    target = paragraph(version, "26")
    for _ in range(2):  # the same form sent twice saves one entry
        delegate_a.post(
            reverse("comments:create", args=[target.pk]),
            {"kind": "comment", "text": "Once.", "form_token": second[1]},
        )
    assert Entry.objects.filter(text="Once.").count() == 1


def test_a_change_renders_anew_and_reads_whole_only_the_entry_that_changed(
    anonymous, version, org_b, delegate_b
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wsis.cache import renew

    _published(version, org_b, delegate_b.user, 5)
    panel(anonymous, version)  # every entry rendered and cached
    changed = Entry.objects.filter(paragraph=paragraph(version, "26")).order_by("pk").last()
    changed.decision = Entry.Decision.INCORPORATED  # shown only on proposals, but it names
    changed.save()  # the entry's cached HTML all the same
    renew()  # in a test, the signal's bump waits for a commit that never comes
    with CaptureQueriesContext(connection) as queries:
        html = panel(anonymous, version).content.decode()
    whole = [q["sql"] for q in queries if '"comments_entry"."proposed_text"' in q["sql"]]
    assert len(whole) == 1 and f"IN ({changed.pk})" in whole[0]
    assert html.count('class="entry ') == 5


def test_supporters_show_at_once_to_each_audience_and_outlive_a_publication(
    anonymous, delegate_b, facilitator, focal_a, version, org_b, published_b,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    audiences = (anonymous, delegate_b, facilitator, focal_a)
    for client in audiences:  # rendered and cached, supporters with them
        assert "Supported by" not in panel(client, version, "76").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        focal_a.post(reverse("comments:support", args=[published_b.pk]))
    for client in audiences:
        assert "Supported by Kenya" in panel(client, version, "76").content.decode()
    # A publication renews the panel's page, but who supports what is read from the cache:
    # only the new entry, rendered anew, is read with its supports.
    with django_capture_on_commit_callbacks(execute=True):
        later = make_entry(
            version, org_b, delegate_b.user, label="76", kind=Entry.Kind.COMMENT,
            text="Published later.", status=Entry.Status.SUBMITTED,
            moderation=Entry.Moderation.PUBLISHED,
        )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        html = panel(anonymous, version, "76").content.decode()
    assert "Published later." in html and "Supported by Kenya" in html
    supports = [q["sql"] for q in queries if '"comments_support"' in q["sql"]]
    assert len(supports) == 1 and f"IN ({later.pk})" in supports[0]
    with django_capture_on_commit_callbacks(execute=True):
        focal_a.post(reverse("comments:withdraw_support", args=[published_b.pk]))
    for client in audiences:
        assert "Supported by" not in panel(client, version, "76").content.decode()


def test_supports_written_in_bulk_show_once_the_generations_are_renewed(
    anonymous, version, published_b, org_a, focal_a
):
    from wsis.cache import renew
    from wsis.comments.models import Support

    assert "Supported by" not in panel(anonymous, version, "76").content.decode()
    Support.objects.bulk_create([Support(entry=published_b, organisation=org_a, user=focal_a.user)])
    renew()  # bulk writes send no signals
    assert "Supported by Kenya" in panel(anonymous, version, "76").content.decode()


def test_a_facilitator_of_another_consultation_never_gets_the_facilitators_panel(
    facilitator, version, submitted_a
):
    from tests.conftest import make_user, signed_in
    from wsis.drafts.models import Consultation

    other = Consultation.objects.create(slug="other", title="Another consultation")
    elsewhere = make_user("otto", is_staff=True)
    other.facilitators.add(elsewhere)
    # Both facilitate something, so both read the facilitators' generation; only Faye's
    # panel on this consultation may hold its submissions, whoever asks first.
    assert "Kenya (" not in panel(signed_in(elsewhere), version, "44").content.decode()
    assert "Kenya (" in panel(facilitator, version, "44").content.decode()
    assert "Kenya (" not in panel(signed_in(elsewhere), version, "44").content.decode()


def test_the_paragraph_is_read_once_and_follows_changes_to_the_draft(
    anonymous, delegate_a, version, org_a
):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from wsis.drafts.models import DeadlineExtension

    closed = "The comment round is not open for your organisation"
    url = reverse("comments:panel", args=[paragraph(version, "26").pk])
    for client in (anonymous, delegate_a):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        read = " ".join(q["sql"] for q in queries)
        assert '"drafts_paragraph"' not in read and '"drafts_deadlineextension"' not in read
    assert closed not in html
    # No on-commit callbacks run in a test's transaction: what the panel shows here was
    # renewed at once, as it is for the rest of a transaction that changes the draft.
    round_ = version.round
    round_.closes_at = timezone.now() - timedelta(minutes=1)
    round_.opens_at = round_.closes_at - timedelta(days=3)
    round_.save()
    assert closed in panel(delegate_a, version).content.decode()
    DeadlineExtension.objects.create(
        round=round_, organisation=org_a, closes_at=timezone.now() + timedelta(hours=2)
    )
    assert closed not in panel(delegate_a, version).content.decode()
    version.consultation.title = "WSIS+20 review, renamed"
    version.consultation.save()
    assert "WSIS+20 review, renamed" in panel(anonymous, version).content.decode()
    target = paragraph(version, "26")
    target.text = "A corrected paragraph."
    target.save()
    assert "A corrected paragraph." in panel(anonymous, version).content.decode()
    version.label = "Zero draft, corrected"
    version.save()
    assert "Zero draft, corrected" in panel(anonymous, version).content.decode()


def test_a_change_to_the_draft_renews_panels_now_and_again_once_committed(
    version, django_capture_on_commit_callbacks
):
    from wsis.cache import PARAGRAPHS, generation

    before = generation(PARAGRAPHS)
    with django_capture_on_commit_callbacks(execute=True):
        version.round.save()
        during = generation(PARAGRAPHS)
    # A panel opened between the change and its commit may have cached the committed state
    # under ``during``: the commit renews it again.
    assert len({before, during, generation(PARAGRAPHS)}) == 3
