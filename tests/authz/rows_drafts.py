from tests.authz.matrix import Row, everyone

ROWS = [
    # The world has two consultations (rows_participation.py): the home page lists them.
    Row("home", everyone(200)),
    Row("health", everyone(200)),
    Row("login", everyone(200)),
    Row("logout", everyone(302), method="POST"),
    Row("drafts:reader", everyone(200), args=lambda w: [w.consultation.slug]),
    Row("drafts:version", everyone(200), args=lambda w: [w.consultation.slug, w.version.label]),
    Row("api:consultations", everyone(200)),
    Row("api:consultation", everyone(200), args=lambda w: [w.consultation.slug]),
    Row("api:version", everyone(200), args=lambda w: [w.consultation.slug, w.version.label]),
    Row(
        "api:paragraph",
        everyone(200),
        args=lambda w: [w.consultation.slug, w.version.label, w.paragraph.anchor],
    ),
]
