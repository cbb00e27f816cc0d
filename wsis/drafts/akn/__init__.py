"""A version as Akoma Ntoso XML, following the UN's AKN4UN guidelines, and back.

A draft resolution is a ``statement`` named ``resolution``: its ``preface`` holds the title, the
document symbol (when the version has one) and the version's label; its ``preamble`` the formula
"The General Assembly," and the preambular paragraphs, one ``recitals`` per section; its
``mainBody`` the sections of numbered operative paragraphs. ``parse`` reads such a document back
into the importer's ``ParsedDraft``, so that ``import_resolution`` takes it like a plain-text
draft. The schema is the OASIS Akoma Ntoso 3.0 schema, shipped beside this module.
"""

import hashlib
from functools import cache
from pathlib import Path

from lxml import etree

from wsis.drafts.importer import (
    DraftFormatError,
    ParsedDraft,
    ParsedParagraph,
    ParsedSection,
    _next_label,
    decode,
)
from wsis.drafts.importer import parse as parse_text
from wsis.text import xml_safe

NAMESPACE = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
SCHEMA = Path(__file__).parent / "akomantoso30.xsd"
FORMULA = "The General Assembly,"
# The operative part of a section whose first paragraphs are preambular goes on in mainBody in a
# section of this class, which ``parse`` joins back to its recitals.
CONTINUED = "continued"
# The platform that writes the files, as AKN's references name it.
ONTOLOGY = "/akn/ontology/organization/un"
PLATFORM = ("platform", f"{ONTOLOGY}/resolutionCommenting", "Resolution commenting")
GENERAL_ASSEMBLY = ("generalAssembly", f"{ONTOLOGY}/generalAssembly", "General Assembly")


def akn(tag: str) -> str:
    return f"{{{NAMESPACE}}}{tag}"


def element(parent, tag: str, text: str | None = None, **attributes):
    """A child element; text as typed, but for what XML cannot hold (``xml_safe``)."""
    child = etree.SubElement(parent, akn(tag), {k: xml_safe(str(v)) for k, v in attributes.items()})
    if text is not None:
        child.text = xml_safe(text)
    return child


def root():
    return etree.Element(akn("akomaNtoso"), nsmap={None: NAMESPACE})


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.casefold()).strip("-") or "-"


def work_uri(version) -> str:
    consultation = _slug(version.consultation.slug)
    return f"/akn/un/statement/resolution/{version.created:%Y-%m-%d}/{consultation}"


def meta(
    parent,
    version,
    *,
    uri: str,
    date,
    generated,
    name: str = "version",
    author=GENERAL_ASSEMBLY,
    references=(GENERAL_ASSEMBLY,),
) -> None:
    """The FRBR identification every AKN document carries, and who is named in it: ``author``
    (eId, ontology reference, name) wrote the work, the platform the file; ``references``
    lists the organisations named (the platform too), none inside a collection."""
    expression = f"{uri}/eng@{_slug(version.label)}"
    container = element(parent, "meta")
    identification = element(container, "identification", source=f"#{PLATFORM[0]}")
    levels = [
        ("FRBRWork", uri, date),
        ("FRBRExpression", expression, date),
        ("FRBRManifestation", f"{expression}/!main.xml", generated),
    ]
    for level, this, when in levels:
        frbr = element(identification, level)
        element(frbr, "FRBRthis", value=f"{this}/!main" if level != "FRBRManifestation" else this)
        element(frbr, "FRBRuri", value=uri if level == "FRBRWork" else expression)
        element(frbr, "FRBRdate", date=f"{when:%Y-%m-%d}", name=name)
        by = PLATFORM if level == "FRBRManifestation" else author
        element(frbr, "FRBRauthor", href=f"#{by[0]}")
        if level == "FRBRWork":
            element(frbr, "FRBRcountry", value="un")
        elif level == "FRBRExpression":
            element(frbr, "FRBRlanguage", language="eng")
    if not references:
        return  # a document inside another: its references are the outer one's
    listed = element(container, "references", source=f"#{PLATFORM[0]}")
    for eid, href, shown in (*references, PLATFORM):
        element(listed, "TLCOrganization", eId=eid, href=href, showAs=shown)


def preface(parent, version) -> None:
    container = element(parent, "preface")
    element(element(container, "p"), "docTitle", version.title or version.label)
    symbol = getattr(version, "symbol", "")
    if symbol:
        element(element(container, "p"), "docNumber", symbol)
    element(element(container, "p"), "docStage", version.label)


def statement(version, generated):
    """The ``statement`` element of a version, inside ``akomaNtoso``."""
    document = root()
    body = element(document, "statement", name="resolution")
    meta(body, version, uri=work_uri(version), date=version.created, generated=generated)
    preface(body, version)
    preamble = element(body, "preamble")
    formula = element(preamble, "formula", name="enactingFormula")
    element(formula, "p", FORMULA)
    main = element(body, "mainBody")
    recitals = section = None
    for paragraph in version.paragraphs.in_document_order():
        heading = paragraph.section.heading
        if paragraph.kind == paragraph.Kind.PREAMBULAR:
            if recitals is None or recitals.get("eId") != f"recs_{paragraph.section.order}":
                recitals = element(preamble, "recitals", eId=f"recs_{paragraph.section.order}")
                element(recitals, "heading", heading)
            recital = element(recitals, "recital", eId=f"rec_{paragraph.label}")
            element(recital, "num", f"{paragraph.label}.")
            element(recital, "p", paragraph.text)
            continue
        if section is None or section.get("eId") != f"sec_{paragraph.section.order}":
            section = element(main, "section", eId=f"sec_{paragraph.section.order}")
            if recitals is not None and recitals.get("eId") == f"recs_{paragraph.section.order}":
                section.set("class", CONTINUED)
            element(section, "heading", heading)
        number = element(section, "paragraph", eId=f"para_{paragraph.label}")
        element(number, "num", f"{paragraph.label}.")
        element(element(number, "content"), "p", paragraph.text)
    return document


def serialise(document) -> bytes:
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def version_as_akn(version, generated) -> bytes:
    return serialise(statement(version, generated))


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def schema_errors(data: bytes) -> list[str]:
    """What the Akoma Ntoso 3.0 schema finds wrong in a document, one line each."""
    checker = schema()
    if checker.validate(etree.fromstring(data)):
        return []
    return [f"line {error.line}: {error.message}" for error in checker.error_log]


def looks_like_akn(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _text(node) -> str:
    return " ".join("".join(node.itertext()).split())


def parse(data: bytes) -> ParsedDraft:
    """A statement written by ``statement`` (or by hand, to the schema) as a parsed draft;
    ``DraftFormatError`` with the line and the reason otherwise."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        document = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise DraftFormatError(exc.lineno or 0, f"the XML is not well formed: {exc.msg}") from exc
    errors = schema_errors(data)
    if errors:
        raise DraftFormatError(0, "not an Akoma Ntoso 3.0 document: " + errors[0])
    body = document.find(akn("statement"))
    if body is None:
        raise DraftFormatError(document.sourceline, "no statement (a resolution) in the document")
    title = document.find(f".//{akn('preface')}//{akn('docTitle')}")
    sections: list[ParsedSection] = []
    last = None
    for container in body.iter(akn("recitals"), akn("section")):
        heading = container.find(akn("heading"))
        kind = "preambular" if container.tag == akn("recitals") else "operative"
        continued = container.get("class") == CONTINUED and sections
        if not continued:
            heading = _text(heading) if heading is not None else ""
            sections.append(ParsedSection(heading=heading, line=container.sourceline))
        item = "recital" if kind == "preambular" else "paragraph"
        for found in container.iter(akn(item)):
            number = found.find(akn("num"))
            label = _text(number).rstrip(".") if number is not None else ""
            text = " ".join(_text(p) for p in found.iter(akn("p")))
            if not label or not text:
                raise DraftFormatError(found.sourceline, f"a {item} without its number or text")
            expected = _next_label(last, kind)
            if label != expected:
                raise DraftFormatError(
                    found.sourceline, f"{item} {label} is out of order (expected {expected})"
                )
            last = ParsedParagraph(label=label, kind=kind, text=text, line=found.sourceline)
            sections[-1].paragraphs.append(last)
    if not any(section.paragraphs for section in sections):
        raise DraftFormatError(0, "the file contains no numbered or lettered paragraphs")
    return ParsedDraft(
        title=_text(title) if title is not None else "",
        sections=sections,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def read_draft(data: bytes) -> ParsedDraft:
    """A draft file as ``import_resolution`` and the upload form take it: Akoma Ntoso XML, or
    the plain text of the importer."""
    return parse(data) if looks_like_akn(data) else parse_text(decode(data))
