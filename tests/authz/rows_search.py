"""The search page: anyone may search a published version (each finding what they may see,
``tests/search/test_visibility.py``); a version in preparation only its facilitators."""

from tests.authz.matrix import Row, everyone
from tests.authz.rows_visibility import NOTE, hidden


def consultation(world):
    return [world.consultation.slug]


ROWS = [
    Row("search:search", everyone(200), args=consultation, data=lambda w: {"q": "digital"}),
    Row(
        "search:search",
        hidden(200),
        args=consultation,
        data=lambda w: {"q": "digital", "version": w.extra["rev1"].label},
        note=NOTE,
    ),
]
