"""Templates read like code: no line over 200 characters, so a diff of one shows what changed."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
LIMIT = 200


def test_no_template_line_is_over_200_characters():
    long = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if len(line) > LIMIT
    ]
    assert long == []
