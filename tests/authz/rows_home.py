"""The home page: a page for everyone, whatever they may do (each sees only their own)."""

from tests.authz.matrix import Row, everyone

ROWS = [
    # A facilitator yet to confirm a code is not sent away: the home shows them the way.
    Row("home", everyone(200)),
]
