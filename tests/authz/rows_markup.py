"""Rows of the authorization matrix for uploading a marked-up copy (see matrix.py).

Any member of an organisation accredited to the consultation may upload its copy and turn
what it proposes into the organisation's drafts; facilitators belong to no organisation.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.authz.matrix import Row, signed_in

NO_ORGANISATION = {"facilitator": 403, "unverified_facilitator": 403}


def _slug(world):
    return [world.consultation.slug]


def _copy(world):
    """The organisation's copy of the (shortened) draft, one paragraph amended."""
    lines = [
        f"- {paragraph.label}. {paragraph.text}"
        + (" Through post offices." if paragraph == world.paragraph else "")
        for paragraph in world.version.paragraphs.order_by("order")
    ]
    copy = "\n".join(lines).encode()
    return {"file": SimpleUploadedFile("upu.txt", copy, "text/plain")}


ROWS = [
    Row("comments:markup", signed_in(200) | NO_ORGANISATION, args=_slug),
    # No file: the form comes back with its error.
    Row(
        "comments:markup", signed_in(400) | NO_ORGANISATION, args=_slug, method="POST",
        refuses_get=False,
    ),
    Row(
        "comments:markup", signed_in(200) | NO_ORGANISATION, args=_slug, method="POST",
        data=_copy, note="copy", refuses_get=False,
    ),
    # No signed preview: back to the upload, nothing saved.
    Row("comments:markup_confirm", signed_in(302) | NO_ORGANISATION, args=_slug, method="POST"),
]  # fmt: skip
