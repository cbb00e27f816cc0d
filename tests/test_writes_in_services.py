"""Views validate and call one service; services are the only writers (issue #20, item 3).

No view module needs an exception: a write that seems to belong in a view goes into a named
function of its app's ``services.py`` (or ``moderation/second_factor.py``)."""

import ast
from pathlib import Path

import wsis

WRITES = {
    "save", "delete", "create", "update", "bulk_create", "bulk_update",
    "get_or_create", "update_or_create",
}  # fmt: skip
VIEW_MODULES = sorted(Path(wsis.__file__).parent.glob("*/views.py")) + [
    Path(wsis.__file__).parent / "drafts" / "revisions.py"
]


def writes_in(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name) and function.id == "record":
            found.append(f"{path.parent.name}/{path.name}:{node.lineno}: record(")
        elif isinstance(function, ast.Attribute) and function.attr in WRITES:
            found.append(f"{path.parent.name}/{path.name}:{node.lineno}: .{function.attr}(")
    return found


def test_the_view_modules_are_found():
    assert len(VIEW_MODULES) >= 6


def test_no_view_records_or_writes_through_the_orm():
    found = [write for path in VIEW_MODULES for write in writes_in(path)]
    assert found == []
