from tests.authz.matrix import Row, everyone, facilitators_only


def on_version(world):
    return [world.consultation.slug, world.version.label]


ROWS = [
    Row("health", everyone(200)),
    Row("login", everyone(200)),
    Row("logout", everyone(302), method="POST"),
    Row("drafts:reader", everyone(200), args=lambda w: [w.consultation.slug]),
    Row("drafts:version", everyone(200), args=lambda w: [w.consultation.slug, w.version.label]),
    # The rolling text is public; with the proposals pending moderation, the facilitators'.
    Row("comments:rolling", everyone(200), args=on_version),
    Row(
        "comments:rolling",
        facilitators_only(200),
        args=on_version,
        data=lambda w: {"with_pending": "1"},
        note="pending",
    ),
    Row("api:consultations", everyone(200)),
    Row("api:consultation", everyone(200), args=lambda w: [w.consultation.slug]),
    Row("api:version", everyone(200), args=lambda w: [w.consultation.slug, w.version.label]),
    Row(
        "api:paragraph",
        everyone(200),
        args=lambda w: [w.consultation.slug, w.version.label, w.paragraph.anchor],
    ),
]
