"""An organisation's submission, or the compilation, as an Akoma Ntoso ``amendmentList``.

One ``amendment`` per entry, in the compilation's order (``wsis.reports.compilation``): its
preface names the proponent, its ``amendmentReference`` the paragraph, its ``amendmentContent``
the paragraph's words with the proposal's insertions and deletions as ``ins`` and ``del`` (the
word diff, never typed), its ``amendmentJustification`` the organisation's reasons. A comment is
an amendment named ``comment`` with its text as the justification and no content.
"""

from django.utils import timezone

from wsis.drafts.akn import (
    GENERAL_ASSEMBLY,
    element,
    meta,
    preface,
    root,
    serialise,
    work_uri,
)
from wsis.reports.compilation import Compilation

ONTOLOGY = "/akn/ontology/organization"


def _organisation(organisation) -> tuple[str, str, str]:
    """An organisation as AKN's references name it: (eId, ontology reference, name)."""
    key = "".join(c for c in organisation.acronym if c.isalnum()) or str(organisation.pk)
    return f"org_{key}", f"{ONTOLOGY}/{key.lower()}", organisation.name


def _content(parent, changes) -> None:
    """The paragraph's words, the inserted ones in ``ins`` and the deleted ones in ``del``."""
    paragraph = element(parent, "p")
    last = None
    for change in changes:
        if change.op == "equal":
            if last is None:
                paragraph.text = (paragraph.text or "") + change.text
            else:
                last.tail = (last.tail or "") + change.text
            continue
        last = element(paragraph, "ins" if change.op == "insert" else "del", change.text)


def amendment_list(compilation: Compilation) -> bytes:
    version = compilation.version
    generated = timezone.now()
    document = root()
    kind = "submission" if compilation.organisation else "compilation"
    body = element(document, "amendmentList", name=kind)
    uri = f"{work_uri(version)}/amendments"
    if compilation.organisation:
        uri += f"/{_organisation(compilation.organisation)[0]}"
    # Every organisation named, once: eIds are unique in the whole list, amendments included.
    named = {_organisation(item.entry.organisation) for item in compilation.items}
    references = [GENERAL_ASSEMBLY, *sorted(named)]
    meta(body, version, uri=uri, date=generated, generated=generated, name=kind,
         references=references)  # fmt: skip
    preface(body, version)
    if compilation.organisation:
        proponent = element(body.find("{*}preface"), "p")
        element(proponent, "docProponent", compilation.organisation.name)
    collection = element(body, "collectionBody")
    for number, item in enumerate(compilation.items, start=1):
        entry = item.entry
        who = _organisation(entry.organisation)
        component = element(collection, "component", eId=f"cmp_{number}")
        amendment = element(component, "amendment", name=entry.kind)
        meta(
            amendment,
            version,
            uri=f"{work_uri(version)}/amendment/{entry.pk}",
            date=entry.submitted_at or entry.created,
            generated=generated,
            name="amendment",
            author=who,
            references=(),
        )
        heading = element(amendment, "preface")
        line = element(heading, "p")
        element(line, "docProponent", entry.organisation.name, refersTo=f"#{who[0]}")
        line[-1].tail = f" ({entry.organisation.group.name})"
        if item.supporters:
            element(heading, "p", "Supported by: " + "; ".join(item.supporters))
        if item.pending:
            element(heading, "p", "Pending moderation")
        amendment_body = element(amendment, "amendmentBody")
        reference = element(element(amendment_body, "amendmentReference"), "p")
        anchor = "para" if entry.paragraph.kind == entry.paragraph.Kind.OPERATIVE else "rec"
        element(reference, "ref", item.label, href=f"#{anchor}_{entry.paragraph.label}")
        if entry.is_proposal:
            _content(element(amendment_body, "amendmentContent"), item.changes)
        if entry.text:
            element(element(amendment_body, "amendmentJustification"), "p", entry.text)
    return serialise(document)
