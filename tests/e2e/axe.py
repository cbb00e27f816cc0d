"""axe-core (from npm, see package.json) injected into a page, WCAG 2.2 A and AA rules."""

import json
import os
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[dict]:
    if not AXE.exists():
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail(f"{AXE} is missing and REQUIRE_E2E=1: run `make install`")
        pytest.skip("axe-core is not installed: run `make install` (needs npm)")
    # The page's Content Security Policy forbids injected scripts; the test context bypasses it
    # (bypass_csp), which changes nothing else about the page.
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=2)
