"""The authorization matrix: every URL of the project, every persona, the expected answer.

Each ``rows_<area>.py`` module beside this one lists ``ROWS`` for its area's URLs. A row names
the URL, how to build its arguments from the ``world`` (objects owned by organisation B, the
UPU, so that organisation A's people are outsiders), the method, and the status each persona
must get. ``test_matrix.py`` fails for any URL pattern without a row.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from tests.conftest import parsed, shortened

PERSONAS = (
    "anonymous", "delegate_a", "focal_a", "delegate_b", "facilitator", "unverified_facilitator",
)  # fmt: skip
# A facilitator without the second factor ``FACILITATOR_REQUIRE_2FA`` asks for is refused every
# facilitator-only URL the same way: a redirect to the second-factor page (302), never the page.
SECOND_FACTOR_FIRST = 302


@dataclass(frozen=True)
class Row:
    name: str
    expect: dict[str, int]
    args: Callable = lambda world: []
    method: str = "GET"
    data: Callable = lambda world: {}
    # Rows for the same URL with another object or method carry a distinguishing note.
    note: str = ""
    # A state-changing view must also refuse GET; rows for views that only redirect set False.
    refuses_get: bool = True

    @property
    def id(self) -> str:
        return f"{self.name}{'[' + self.note + ']' if self.note else ''}:{self.method}"


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


def signed_in(status: int, anonymous: int = 302) -> dict[str, int]:
    return everyone(status) | {"anonymous": anonymous}


def facilitators_only(status: int = 200, others: int = 403) -> dict[str, int]:
    return signed_in(others) | {
        "facilitator": status,
        "unverified_facilitator": SECOND_FACTOR_FIRST,
    }


@dataclass
class World:
    """Objects the rows point at; filled by the ``world`` fixture."""

    consultation: object = None
    version: object = None
    paragraph: object = None
    org_a: object = None
    org_b: object = None
    extra: dict = field(default_factory=dict)


@cache
def short_draft(path):
    """The draft at ``path`` (the zero draft, Rev.1) with every section but two paragraphs of
    each, and the paragraphs the rows point at: the rows are about who may do what, not about
    the text, and each of the matrix's thousand tests imports three drafts."""
    return shortened(parsed(path), keep=("B", "24", "26", "27", "31"))
