"""The cache of laid-out parts: a recompile lays out only the parts whose inputs changed, gives
the file a full compile gives, and the cache stays bounded and whole."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from pikepdf import NameTree, Pdf

from tests.reports.conftest import add_entry
from tests.reports.helpers import pdf_text
from tests.reports.test_views import make_job
from wsis.comments.models import Entry, Support
from wsis.drafts.models import Version
from wsis.reports import parallel, part_cache
from wsis.reports.compilation import Options, collect
from wsis.reports.models import CachedPart, part_path
from wsis.reports.parallel import part_ranges
from wsis.reports.part_cache import evict, find, part_keys, record
from wsis.reports.rendering import lay_out_part, pdf_pages, render
from wsis.reports.tasks import merge_report, render_part, render_report

# The zero draft's 18 sections, at most 40 paragraphs a part: five parts.
PART_PARAGRAPHS = 40


@pytest.fixture(autouse=True)
def in_parts(settings):
    settings.REPORT_SPLIT_MIN_ENTRIES = 1
    settings.REPORT_PART_PARAGRAPHS = PART_PARAGRAPHS


@pytest.fixture
def laid_out(monkeypatch):
    """The ranges of the parts laid out, in order."""
    ranges = []
    original = parallel.render_part

    def counted(compilation, first, last, out):
        ranges.append((first, last))
        return original(compilation, first, last, out)

    monkeypatch.setattr(parallel, "render_part", counted)
    return ranges


@pytest.fixture
def frozen(monkeypatch):
    """One instant for the whole test: the cover says when it was compiled, to the minute."""
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)


def ranges_of(version, size=PART_PARAGRAPHS):
    return part_ranges(collect(version, light=True), size)


def keys_of(version, options=None, language="en"):
    compilation = collect(version, options, light=True)
    return part_keys(compilation, part_ranges(compilation, PART_PARAGRAPHS), language)


def compile_to(path: Path, version) -> Path:
    render(path, kind="compilation", fmt="pdf", version=version)
    return path


def long_proposal(version, organisation, paragraph):
    """An amendment long enough to push every later section a page or more further."""
    text = paragraph.text + " Further words on the digital economy." * 160
    return add_entry(version, paragraph.label, organisation, Entry.Kind.AMENDMENT, text)


def contents(path: Path, version) -> list[tuple[str, int]]:
    """Each section of the contents with the page it gives."""
    text = " ".join(pdf_text(path).split("\f")[1].split())
    return [
        (s.heading, int(re.search(re.escape(s.heading) + r"[\s.]+(\d+)", text).group(1)))
        for s in collect(version, light=True).sections
    ]


def bookmarks(path: Path) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """Each section's bookmark and the page it opens, with its paragraphs'."""
    with Pdf.open(path) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        names = NameTree(pdf.Root.Names.Dests)

        def page_of(item):
            return pages[names[str(item.destination)][0].objgen]

        with pdf.open_outline() as outline:
            return [
                (item.title, page_of(item), [(kid.title, page_of(kid)) for kid in item.children])
                for item in outline.root
            ]


def test_parts_are_whole_sections_or_even_groups_of_a_long_one(version):
    compilation = collect(version, light=True)
    paragraphs = {
        section.order: [block.paragraph.order for block in section.blocks]
        for section in compilation.sections
    }
    orders = sorted(order for section in paragraphs.values() for order in section)
    for size in (3, 8, PART_PARAGRAPHS):
        parts = [
            [order for order in orders if first <= order <= last]
            for first, last in part_ranges(compilation, size)
        ]
        assert [order for part in parts for order in part] == orders  # each once, in order
        for part in parts:
            assert len(part) <= size
            spanned = [s for s, inside in paragraphs.items() if set(inside) & set(part)]
            if len(spanned) > 1:
                assert all(set(paragraphs[s]) <= set(part) for s in spanned)
            else:
                (section,) = spanned
                groups = [len(set(other) & set(paragraphs[section])) for other in parts]
                assert max(groups) - min(n for n in groups if n) <= 1
    assert len(part_ranges(compilation, PART_PARAGRAPHS)) == 5


def test_one_new_proposal_changes_the_key_of_its_part_only(version, entries, org_a):
    before = keys_of(version)
    assert len(set(before)) == len(before) == 5
    assert keys_of(version) == before
    paragraph = version.paragraphs.get(order=ranges_of(version)[1][0])
    long_proposal(version, org_a, paragraph)
    after = keys_of(version)
    assert [a == b for a, b in zip(before, after, strict=True)] == [True, False, True, True, True]


def test_what_a_part_shows_of_an_entry_changes_its_key(version, entries, org_a, org_b):
    before = keys_of(version)
    Entry.objects.filter(pk=entries["kenya_26"].pk).update(decision=Entry.Decision.PARTIAL)
    changed = keys_of(version)
    assert sum(a != b for a, b in zip(before, changed, strict=True)) == 1
    # Who supports an entry, and how its organisation is named.
    Support.objects.create(entry=entries["kenya_26"], organisation=org_b, user=org_b_user(org_b))
    supported = keys_of(version)
    assert sum(a != b for a, b in zip(changed, supported, strict=True)) == 1
    org_a.name = "Republic of Kenya"
    org_a.save()
    renamed = keys_of(version)
    assert sum(a != b for a, b in zip(supported, renamed, strict=True)) >= 1
    # Entries not shown (a draft, a rejected one) change nothing.
    add_entry(version, "26", org_b, Entry.Kind.COMMENT, text="Unsent.", status="draft")
    assert keys_of(version) == renamed


def org_b_user(organisation):
    from tests.conftest import make_user

    return make_user(f"supporter-{organisation.acronym.lower()}")


def test_the_language_the_options_and_the_release_each_change_every_key(
    version, entries, monkeypatch
):
    keys = set(keys_of(version))
    assert not keys & set(keys_of(version, language="fr"))
    assert not keys & set(keys_of(version, Options(with_decisions=False)))
    assert not keys & set(keys_of(version, Options(with_pending=True)))
    # A release with other templates, stylesheet, code or translations; another WeasyPrint.
    monkeypatch.setattr(part_cache, "release", lambda: "another release")
    assert not keys & set(keys_of(version))
    monkeypatch.undo()
    monkeypatch.setattr(part_cache, "installed", lambda package: "99.0")
    assert not keys & set(keys_of(version))


def test_other_part_sizes_make_other_keys(version, entries, settings):
    compilation = collect(version, light=True)
    keys = set(part_keys(compilation, part_ranges(compilation, PART_PARAGRAPHS), "en"))
    assert not keys & set(part_keys(compilation, part_ranges(compilation, 30), "en"))


def test_a_recompile_lays_out_the_changed_part_only_and_equals_a_full_compile(
    version, entries, org_a, settings, tmp_path, laid_out, frozen
):
    ranges = ranges_of(version)
    first = compile_to(tmp_path / "first.pdf", version)
    assert laid_out == ranges
    paragraph = version.paragraphs.get(order=ranges[1][0])
    long_proposal(version, org_a, paragraph)

    laid_out.clear()
    again = compile_to(tmp_path / "again.pdf", version)
    assert laid_out == [ranges[1]]
    # The compilation grew by pages in its second part: the contents and numbers follow.
    assert pdf_pages(again) > pdf_pages(first)
    assert contents(again, version)[-1][1] > contents(first, version)[-1][1]

    # A full compile of the same inputs, from an empty cache.
    settings.MEDIA_ROOT = tmp_path / "empty"
    laid_out.clear()
    full = compile_to(tmp_path / "full.pdf", version)
    assert laid_out == ranges
    assert pdf_pages(again) == pdf_pages(full)
    assert pdf_text(again).split("\f") == pdf_text(full).split("\f")
    assert contents(again, version) == contents(full, version)
    assert bookmarks(again) == bookmarks(full)
    # And the contents give the pages where the sections are.
    pages = pdf_text(again).split("\f")
    for heading, number in contents(again, version):
        assert re.search(rf"^\s*{re.escape(heading)}\s*$", pages[number - 1], re.M), heading
    total = pdf_pages(again)
    assert f"page {total} of {total}" in " ".join(pages[total - 1].split())


def test_a_compilation_asked_of_the_workers_lays_out_only_the_parts_not_cached(
    version, entries, org_a, facilitator, tmp_path, laid_out, monkeypatch
):
    compile_to(tmp_path / "first.pdf", version)
    ranges = ranges_of(version)
    long_proposal(version, org_a, version.paragraphs.get(order=ranges[3][0]))
    asked = []
    monkeypatch.setattr(render_part, "apply_async", lambda args: asked.append(args))
    laid_out.clear()
    job = make_job(version, facilitator.user)
    assert render_report.apply(args=[job.pk]).get() == "split"
    assert asked == [(job.pk, 3)]
    assert list(job.parts.filter(done=False).values_list("index", flat=True)) == [3]
    assert render_part.apply(args=asked[0]).get() == "done"
    assert merge_report.apply(args=[job.pk]).get() == "done"
    assert laid_out == [ranges[3]]
    job.refresh_from_db()
    assert job.pages == pdf_pages(job.path)
    # Every part stays in the cache for the next compilation.
    assert set(find(job.parts.values_list("key", flat=True))) == set(keys_of(version))


def cached(version, key, size, used):
    """A part in the cache (its file a stand-in), of ``size`` bytes, last used at ``used``."""
    path = part_path(version.pk, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7 stand-in")
    record(version.pk, key, {"pages": 1, "sections": {}}, size)
    CachedPart.objects.filter(key=key).update(used=used)
    return path


def test_the_least_recently_used_parts_go_when_the_cache_is_full(version, settings):
    settings.REPORT_PART_CACHE_MB = 1
    now = timezone.now()
    paths = {
        key: cached(version, key, 300 * 1024, now - timedelta(hours=hours))
        for key, hours in [("oldest", 4), ("older", 3), ("old", 2), ("new", 1)]
    }
    # 1.2 MB for 1 MB: the least recently used goes, but not one in use by this compilation.
    assert evict(keep=["oldest"]) == 1
    assert set(CachedPart.objects.values_list("key", flat=True)) == {"oldest", "old", "new"}
    assert [key for key, path in paths.items() if not path.exists()] == ["older"]
    cached(version, "newest", 300 * 1024, now)
    assert evict() == 1
    assert set(CachedPart.objects.values_list("key", flat=True)) == {"old", "new", "newest"}
    assert evict() == 0


def test_finding_a_part_marks_it_used_so_it_is_not_the_next_to_go(version, settings):
    settings.REPORT_PART_CACHE_MB = 1
    now = timezone.now()
    for key, hours in [("first", 3), ("second", 2), ("third", 1)]:
        cached(version, key, 400 * 1024, now - timedelta(hours=hours))
    assert set(find(["first"])) == {"first"}
    assert evict() == 1
    assert set(CachedPart.objects.values_list("key", flat=True)) == {"first", "third"}


def test_a_record_whose_file_went_is_not_found(version):
    path = cached(version, "lost", 100, timezone.now())
    path.unlink()
    assert find(["lost"]) == {}


def test_a_superseded_version_s_parts_go(version, consultation, django_capture_on_commit_callbacks):
    other = Version.objects.create(consultation=consultation, label="Rev.1", order=2)
    kept = cached(other, "kept", 100, timezone.now())
    gone = cached(version, "gone", 100, timezone.now())
    version.status = Version.Status.CLOSED
    version.save()
    assert gone.exists()
    with django_capture_on_commit_callbacks(execute=True):
        version.status = Version.Status.SUPERSEDED
        version.save(update_fields=["status"])
    assert not gone.parent.exists()
    assert list(CachedPart.objects.values_list("key", flat=True)) == ["kept"]
    with django_capture_on_commit_callbacks(execute=True):
        other.delete()
    assert not kept.parent.exists() and not CachedPart.objects.exists()


def test_a_part_laid_out_twice_at_once_leaves_one_whole_file_and_one_record(
    version, entries, monkeypatch
):
    (first, last), *_others = ranges_of(version)
    (key, *_keys) = keys_of(version)
    path = part_path(version.pk, key)
    original = parallel.render_part
    interrupted = []

    def interrupting(compilation, first, last, out):
        result = original(compilation, first, last, out)
        if not interrupted:
            interrupted.append(out)
            # This one written but not yet in place, another process lays out the same part.
            assert not path.exists() and find([key]) == {}
            lay_out_part(version, Options(), first, last, key)
            assert path.exists() and set(find([key])) == {key}
        return result

    monkeypatch.setattr(parallel, "render_part", interrupting)
    part = lay_out_part(version, Options(), first, last, key)
    assert CachedPart.objects.filter(key=key).count() == 1
    assert part.pages == CachedPart.objects.get(key=key).pages == pdf_pages(path)
    assert path.read_bytes().rstrip().endswith(b"%%EOF")
    # No temporary file left beside the parts.
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_a_part_that_fails_to_lay_out_leaves_nothing_in_the_cache(version, entries, monkeypatch):
    (first, last), *_others = ranges_of(version)
    (key, *_keys) = keys_of(version)

    def failing(compilation, first, last, out):
        out.write_bytes(b"%PDF-1.7 half")
        raise ValueError("layout failed")

    monkeypatch.setattr(parallel, "render_part", failing)
    with pytest.raises(ValueError):
        lay_out_part(version, Options(), first, last, key)
    assert not CachedPart.objects.exists()
    assert list(part_path(version.pk, key).parent.iterdir()) == []
