import importlib
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authz.matrix import PERSONAS, SECOND_FACTOR_FIRST, World, short_draft
from tests.conftest import open_version
from wsis.drafts.demo import ZERO_DRAFT

ROWS = [
    row
    for module in sorted(Path(__file__).parent.glob("rows_*.py"))
    for row in importlib.import_module(f"tests.authz.{module.stem}").ROWS
]
# Django's admin guards itself (staff only) and is checked by tests/test_admin.py.
EXEMPT_NAMESPACES = {"admin"}


def url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            if inner in EXEMPT_NAMESPACES:
                continue
            prefix = f"{namespace}{inner}:" if inner else namespace
            yield from url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern):
            if pattern.name is None:
                raise AssertionError(f"URL pattern {pattern.pattern} has no name")
            yield f"{namespace}{pattern.name}"


def test_every_url_has_a_row():
    missing = sorted(set(url_names()) - {row.name for row in ROWS})
    assert missing == [], f"add rows to tests/authz/rows_*.py for: {missing}"


def test_every_row_names_a_url():
    assert {row.name for row in ROWS} <= set(url_names())


def test_row_ids_are_unique():
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids))


@pytest.fixture
def version(consultation):
    return open_version(consultation, short_draft(ZERO_DRAFT))


@pytest.fixture
def world(version, org_a, org_b, request):
    built = World(
        consultation=version.consultation,
        version=version,
        paragraph=version.paragraphs.get(label="26"),
        org_a=org_a,
        org_b=org_b,
    )
    # Areas add the objects their rows need (entries of organisation B, report jobs, ...).
    for module in sorted(Path(__file__).parent.glob("rows_*.py")):
        setup = getattr(importlib.import_module(f"tests.authz.{module.stem}"), "build", None)
        if setup is not None:
            setup(built, request)
    return built


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_the_answer_for_each_persona(request, settings, world, row, persona):
    # The facilitator persona has confirmed a second factor: it passes the gate even when it
    # is required.
    settings.FACILITATOR_REQUIRE_2FA = True
    # Persona fixtures are created first so the world's objects exist for every persona.
    client = request.getfixturevalue(persona)
    url = reverse(row.name, args=row.args(world))
    response = getattr(client, row.method.lower())(url, row.data(world))
    assert response.status_code == row.expect[persona], (
        f"{row.method} {url} as {persona}: {response.status_code}, expected {row.expect[persona]}"
    )
    # An action done answers 302 too: a refused facilitator must be on the way to the code.
    if persona == "unverified_facilitator" and row.expect[persona] == SECOND_FACTOR_FIRST:
        if row.expect["delegate_a"] != SECOND_FACTOR_FIRST:
            assert response["Location"].startswith(reverse("moderation:two_factor")), (
                f"{row.method} {url} as {persona}: sent to {response['Location']}"
            )


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r.method == "POST" and r.refuses_get], ids=lambda row: row.id
)
def test_state_changing_views_refuse_get(request, world, row):
    client = request.getfixturevalue("facilitator")
    assert client.get(reverse(row.name, args=row.args(world))).status_code == 405
