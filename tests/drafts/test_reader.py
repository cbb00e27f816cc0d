import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wsis.drafts.importer import import_draft, parse
from wsis.drafts.models import Consultation


def test_it_shows_the_whole_draft_with_contents_and_anchors(anonymous, version):
    response = anonymous.get(reverse("drafts:reader", args=["wsis20"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="paragraph ') == 155
    assert 'id="PPA"' in html and 'id="OP26"' in html and 'id="OP148"' in html
    assert 'href="#OP26"' in html
    assert ">PP A</a>" in html and ">OP 26</a>" in html
    assert "Follow-up and review" in html
    assert "connectivity ensuring" not in html  # the UPU's wording is not in the zero draft


def test_a_version_is_reachable_by_label(anonymous, version):
    response = anonymous.get(reverse("drafts:version", args=["wsis20", "Zero draft"]))
    assert response.status_code == 200
    assert anonymous.get(reverse("drafts:version", args=["wsis20", "Rev.9"])).status_code == 404
    assert anonymous.get(reverse("drafts:reader", args=["nope"])).status_code == 404


def test_the_page_loads_nothing_from_other_hosts(anonymous, version):
    response = anonymous.get(reverse("drafts:reader", args=["wsis20"]))
    html = response.content.decode()
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "script-src 'self'" in policy
    assert "<style" not in html and " style=" not in html
    assert "<script>" not in html  # only <script src=...>, from our own static files


def test_it_asks_for_the_same_queries_whatever_the_length(anonymous, consultation):
    short = parse("T\n\nPreamble\n\n- A. One.\n\nOps\n\n- 1. Two.\n")
    import_draft(consultation, "Short", short)
    long_text = "T\n\nPreamble\n\n- A. One.\n\nOps\n\n" + "".join(
        f"- {n}. Paragraph {n}.\n" for n in range(1, 301)
    )
    other = Consultation.objects.create(slug="long", title="Long")
    import_draft(other, "Long", parse(long_text))

    def count(slug):
        with CaptureQueriesContext(connection) as queries:
            assert anonymous.get(reverse("drafts:reader", args=[slug])).status_code == 200
        return len(queries)

    assert count("wsis20") == count("long")


def test_the_reader_refuses_post(anonymous, version):
    assert anonymous.post(reverse("drafts:reader", args=["wsis20"])).status_code == 405


@pytest.mark.parametrize("persona", ["delegate_a", "focal_a", "delegate_b", "facilitator"])
def test_every_persona_reads_the_draft(request, persona, version):
    client = request.getfixturevalue(persona)
    response = client.get(reverse("drafts:reader", args=["wsis20"]))
    assert response.status_code == 200
    assert client.user.username.encode() in response.content


def _entries(version, organisation, author, n, label="26", **fields):
    from wsis.cache import renew
    from wsis.comments.models import Entry

    target = version.paragraphs.get(label=label)
    Entry.objects.bulk_create(
        Entry(
            version=version, paragraph=target, organisation=organisation, author=author,
            kind="comment", text=f"Comment {i}", **fields,
        )
        for i in range(n)
    )  # fmt: skip
    renew()  # bulk writes send no signals


def _bar(html, anchor):
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</p>", html.index('class="entries-bar"', start))]


def test_every_paragraph_opens_its_panel_with_and_without_javascript(anonymous, version):
    html = anonymous.get(reverse("drafts:reader", args=["wsis20"])).content.decode()
    op26 = version.paragraphs.get(label="26")
    url = reverse("comments:panel", args=[op26.pk])
    # A plain link, which htmx (boosted by its container) loads into the panel.
    assert 'hx-boost="true" hx-target="#panel-OP26" hx-push-url="false"' in html
    assert f'<a class="panel-link" href="{url}">' in html and "hx-get" not in html
    assert html.count('class="panel-link"') == 155


def test_counts_show_what_each_persona_may_see(
    anonymous, delegate_a, delegate_b, facilitator, version, org_a, org_b
):
    _entries(version, org_a, delegate_a.user, 2)  # Kenya's drafts
    _entries(version, org_b, delegate_b.user, 3, status="submitted", moderation="published")
    _entries(version, org_b, delegate_b.user, 1, status="submitted")  # pending review

    def bar(client):
        return _bar(client.get(reverse("drafts:reader", args=["wsis20"])).content.decode(), "OP26")

    assert "3 entries" in bar(anonymous) and "ours" not in bar(anonymous)
    assert "5 entries" in bar(delegate_a) and "2 ours · 2 drafts" in bar(delegate_a)
    assert "4 entries" in bar(delegate_b) and "4 ours" in bar(delegate_b)
    assert "4 entries" in bar(facilitator)


def test_the_round_shows_the_time_left(anonymous, version):
    html = anonymous.get(reverse("drafts:reader", args=["wsis20"])).content.decode()
    assert "Comments open until" in html and "left)" in html and ("EST" in html or "EDT" in html)


def test_the_draft_text_is_rendered_once_per_version(anonymous, version):
    from django.core.cache import cache

    cache.clear()
    url = reverse("drafts:reader", args=["wsis20"])
    anonymous.get(url)
    with CaptureQueriesContext(connection) as queries:
        html = anonymous.get(url).content.decode()
    assert not any('FROM "drafts_paragraph"' in q["sql"] for q in queries)
    assert html.count('class="paragraph ') == 155


def test_an_anonymous_reader_with_counts_cached_costs_one_query(anonymous, version):
    url = reverse("drafts:reader", args=["wsis20"])
    anonymous.get(url)  # the text and the counts into the cache
    with CaptureQueriesContext(connection) as queries:
        assert anonymous.get(url).status_code == 200
    # The version, its consultation and round, and the list of versions: one query.
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_ten_thousand_entries_cost_no_extra_query(delegate_a, version, org_a, org_b, delegate_b):
    url = reverse("drafts:reader", args=["wsis20"])
    from wsis.cache import renew

    delegate_a.get(url)  # renders the text into the cache
    renew()  # so that both requests below count the entries afresh
    with CaptureQueriesContext(connection) as none:
        delegate_a.get(url)
    _entries(version, org_b, delegate_b.user, 10_000, status="submitted", moderation="published")
    with CaptureQueriesContext(connection) as many:
        html = delegate_a.get(url).content.decode()
    assert len(none) == len(many)
    assert "10000 entries" in _bar(html, "OP26")


def test_counts_follow_a_new_entry(delegate_a, version, django_capture_on_commit_callbacks):
    url = reverse("drafts:reader", args=["wsis20"])
    assert "entries-bar" in delegate_a.get(url).content.decode()
    assert "1 entry" not in _bar(delegate_a.get(url).content.decode(), "OP26")
    op26 = version.paragraphs.get(label="26")
    with django_capture_on_commit_callbacks(execute=True):
        delegate_a.post(
            reverse("comments:create", args=[op26.pk]), {"kind": "comment", "text": "Hm."}
        )
    assert "1 entry" in _bar(delegate_a.get(url).content.decode(), "OP26")


def _counted(client, url):
    """Whether this reader request counted entries (asked the entries table)."""
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    return any('FROM "comments_entry"' in q["sql"] for q in queries), html


def test_a_draft_renews_only_its_organisations_counts(
    anonymous, delegate_a, delegate_b, version, django_capture_on_commit_callbacks
):
    url = reverse("drafts:reader", args=["wsis20"])
    for client in (anonymous, delegate_a, delegate_b):
        client.get(url)  # counted and cached
    op26 = version.paragraphs.get(label="26")
    with django_capture_on_commit_callbacks(execute=True):
        delegate_a.post(
            reverse("comments:create", args=[op26.pk]), {"kind": "comment", "text": "Hm."}
        )
    counted, html = _counted(anonymous, url)
    assert not counted and "1 entry" not in _bar(html, "OP26")
    counted, html = _counted(delegate_b, url)
    assert not counted and "1 entry" not in _bar(html, "OP26")
    counted, html = _counted(delegate_a, url)
    assert counted and "1 entry" in _bar(html, "OP26") and "1 ours · 1 draft" in _bar(html, "OP26")


def test_publishing_renews_everyones_counts(
    anonymous, delegate_b, facilitator, version, org_a, focal_a, django_capture_on_commit_callbacks
):
    from wsis.comments.models import Entry

    url = reverse("drafts:reader", args=["wsis20"])
    op26 = version.paragraphs.get(label="26")
    with django_capture_on_commit_callbacks(execute=True):
        entry = Entry.objects.create(
            version=version, paragraph=op26, organisation=org_a, author=focal_a.user,
            kind="comment", text="Ours.", status="submitted",
        )  # fmt: skip
    assert "1 entry" not in _bar(anonymous.get(url).content.decode(), "OP26")
    assert "1 entry" not in _bar(delegate_b.get(url).content.decode(), "OP26")
    assert "1 entry" in _bar(facilitator.get(url).content.decode(), "OP26")
    with django_capture_on_commit_callbacks(execute=True):
        entry = Entry.objects.get(pk=entry.pk)  # as moderation loads it
        entry.moderation = Entry.Moderation.PUBLISHED
        entry.save()
    for client in (anonymous, delegate_b, facilitator):
        assert "1 entry" in _bar(client.get(url).content.decode(), "OP26")
    with django_capture_on_commit_callbacks(execute=True):
        entry = Entry.objects.get(pk=entry.pk)
        entry.moderation = Entry.Moderation.HIDDEN
        entry.save()
    for client in (anonymous, delegate_b, focal_a):
        assert "1 entry" not in _bar(client.get(url).content.decode(), "OP26")
    assert "1 entry" in _bar(facilitator.get(url).content.decode(), "OP26")


def entry_counts(version, user, organisation_id) -> dict[str, dict]:
    """Per paragraph lineage: the entries this user sees, and how many are ours.

    Counted straight from ``Entry.objects.visible_to``, uncached: what the cached counts
    of the reader must agree with.
    """
    from wsis.comments.models import Entry
    from wsis.drafts.views import _by_lineage

    ours = Q(organisation_id=organisation_id)
    rows = (
        Entry.objects.visible_to(user)
        .filter(version__consultation_id=version.consultation_id)
        .values("paragraph_id")
        .annotate(
            total=Count("pk"),
            ours=Count("pk", filter=ours),
            drafts=Count("pk", filter=ours & Q(status=Entry.Status.DRAFT)),
        )
        .order_by()
    )
    return _by_lineage(version, rows)


@pytest.mark.parametrize("persona", ["anonymous", "delegate_a", "delegate_b", "facilitator"])
def test_the_cached_counts_are_what_the_persona_may_see(
    request, persona, version, org_a, org_b, delegate_a, delegate_b
):
    """Every kind of entry, counted through the cache, agrees with ``visible_to``."""
    from wsis.cache import renew
    from wsis.drafts.views import _count_html
    from wsis.stakeholders.models import Membership

    client = request.getfixturevalue(persona)
    states = [
        ("draft", "pending"), ("submitted", "pending"), ("submitted", "published"),
        ("submitted", "rejected"), ("submitted", "hidden"), ("withdrawn", "published"),
        ("withdrawn", "pending"), ("draft", "hidden"),
    ]  # fmt: skip
    labels = ["26", "27", "28", "44"]
    n = 0
    for organisation, author in ((org_a, delegate_a.user), (org_b, delegate_b.user)):
        for i, (status, moderation) in enumerate(states):
            for label in labels[: 1 + i % 4]:
                n += 1
                _entries(version, organisation, author, 1 + n % 3, label=label,
                         status=status, moderation=moderation)  # fmt: skip
    renew()
    html = client.get(reverse("drafts:reader", args=["wsis20"])).content.decode()
    user = client.user
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    membership = Membership.objects.filter(user=user.pk).first() if user.pk else None
    expected = entry_counts(version, user, membership.organisation_id if membership else None)
    assert expected  # every persona sees something
    for paragraph in version.paragraphs.filter(label__in=labels):
        counts = expected.get(str(paragraph.lineage))
        bar = _bar(html, paragraph.anchor)
        if counts:
            assert _count_html(counts) in bar, paragraph.label
        else:
            assert "entry-count" not in bar, paragraph.label


def test_with_the_generations_unreachable_nothing_is_cached_and_nothing_stale(
    settings, delegate_a, anonymous, version, django_capture_on_commit_callbacks
):
    """If the store of the generations (Redis) does not answer, pages count afresh."""
    settings.CACHES = settings.CACHES | {
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    url = reverse("drafts:reader", args=["wsis20"])
    op26 = version.paragraphs.get(label="26")
    assert "1 entry" not in _bar(delegate_a.get(url).content.decode(), "OP26")
    with django_capture_on_commit_callbacks(execute=True):
        response = delegate_a.post(
            reverse("comments:create", args=[op26.pk]), {"kind": "comment", "text": "Hm."}
        )
    assert response.status_code == 302  # saved all the same
    counted, html = _counted(delegate_a, url)
    assert counted and "1 ours · 1 draft" in _bar(html, "OP26")
    panel = delegate_a.get(reverse("comments:panel", args=[op26.pk])).content.decode()
    assert "Hm." in panel
    assert anonymous.get(url).status_code == 200
