"""Notifications: each signed-in person's own list and mail preference; nobody else's."""

from tests.authz.matrix import Row, signed_in

ROWS = [
    Row("notifications:list", signed_in(200)),
    Row(
        "notifications:mail_mode",
        signed_in(302),
        method="POST",
        data=lambda w: {"mode": "daily"},
    ),
]
