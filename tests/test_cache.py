"""The one cache module: keys per release, cached(), slots, and plain values in the cache."""

import datetime
import pickle
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape

import wsis.cache
from tests.comments.conftest import paragraph
from wsis.cache import PARAGRAPHS, cached, fill, generations, joined, key, slot


def test_a_release_never_reads_what_another_cached(monkeypatch):
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    monkeypatch.setattr(wsis.cache, "release", lambda: "old")
    assert cached(key("piece", 1), compute, 60) == 1
    assert cached(key("piece", 1), compute, 60) == 1
    monkeypatch.setattr(wsis.cache, "release", lambda: "new")
    assert cached(key("piece", 1), compute, 60) == 2


def test_the_release_changes_with_the_code(settings, tmp_path):
    (tmp_path / "wsis").mkdir()
    (tmp_path / "templates").mkdir()
    module = tmp_path / "wsis" / "views.py"
    module.write_text("A = 1\n")
    (tmp_path / "templates" / "page.html").write_text("<p>{{ a }}</p>")
    settings.BASE_DIR = tmp_path
    wsis.cache.release.cache_clear()
    try:
        before = wsis.cache.release()
        module.write_text("A = 2\n")
        wsis.cache.release.cache_clear()
        assert wsis.cache.release() != before
    finally:
        wsis.cache.release.cache_clear()


def test_what_cannot_be_named_is_computed_and_cached_nowhere():
    assert key("panel", 1, None) is None
    assert cached(None, lambda: "fresh", 60) == "fresh"
    assert cached(None, lambda: "again", 60) == "again"


def test_a_value_of_none_is_cached_like_any_other():
    calls = []
    name = key("nothing")
    assert cached(name, lambda: calls.append(1), 60) is None
    assert cached(name, lambda: calls.append(1), 60) is None
    assert calls == [1]


def test_slots_are_filled_in_one_way_escaped_or_not():
    html = f'<input value="{escape(slot("csrf"))}"><p>{slot("count-1")}.</p>{slot("x")}'
    filled = fill(html, {"csrf": "T0K", "count-1": "<b>3</b>"}.get)
    assert filled == '<input value="T0K"><p><b>3</b>.</p>'


def _plain(value) -> bool:
    if isinstance(value, (tuple, list, set)):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    return value is None or isinstance(
        value, (str, int, float, bool, datetime.datetime, datetime.date, uuid.UUID)
    )


def test_the_panel_caches_its_paragraph_as_plain_values(anonymous, version):
    target = paragraph(version, "26")
    assert anonymous.get(reverse("comments:panel", args=[target.pk])).status_code == 200
    name = key("panel-paragraph", target.pk, joined(generations(PARAGRAPHS), PARAGRAPHS))
    stored = cache.get(name)
    assert stored is not None and _plain(stored)
    assert b"drafts.models" not in pickle.dumps(stored)


def test_the_shared_store_keeps_its_redis_client_between_calls():
    """Django's Redis cache builds a client per call; ours keeps one per connection pool."""
    from django.core.cache import caches

    from wsis.cache import RedisCache

    shared = caches["shared"]
    if not isinstance(shared, RedisCache):
        pytest.skip("the shared store is not Redis here")
    assert shared._cache.get_client() is shared._cache.get_client(write=True)
    shared.set("reused-client", 1)
    assert shared.get("reused-client") == 1
