"""A DOCX read as Word reads it: its parts as XML, its tracked changes and comments."""

import zipfile
from collections import Counter

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"


def w(name: str) -> str:
    return f"{{{W}}}{name}"


class WordFile:
    def __init__(self, path):
        with zipfile.ZipFile(path) as archive:
            self.parts = {name: archive.read(name) for name in archive.namelist()}
        self.body = self.xml("word/document.xml")

    def xml(self, name: str):
        return etree.fromstring(self.parts[name])

    def paragraphs(self, accept: bool = True) -> list[str]:
        """Every paragraph's text with all changes accepted (or all rejected)."""
        return [paragraph_text(p, accept) for p in self.body.iter(w("p"))]

    def revisions(self, tag: str) -> list[tuple[str, str]]:
        """(author, text) of each ``w:ins`` or ``w:del`` around runs."""
        found = []
        for element in self.body.iter(w(tag)):
            if element.getparent().tag == w("rPr"):
                continue  # a paragraph mark's
            text = "".join(element.itertext())
            found.append((element.get(w("author")), text))
        return found

    def comments(self) -> list[tuple[str, str]]:
        """(author, text) of each comment, its paragraphs joined by line breaks."""
        return [
            (
                comment.get(w("author")),
                "\n".join("".join(p.itertext()) for p in comment.iter(w("p"))),
            )
            for comment in self.xml("word/comments.xml").iter(w("comment"))
        ]

    def commented_paragraphs(self, accept: bool = True) -> dict[str, list[str]]:
        """Each comment's text -> the text of the paragraph its range starts in."""
        by_id = {
            comment.get(w("id")): "\n".join("".join(p.itertext()) for p in comment.iter(w("p")))
            for comment in self.xml("word/comments.xml").iter(w("comment"))
        }
        found = {}
        for start in self.body.iter(w("commentRangeStart")):
            paragraph = start.getparent()
            found.setdefault(by_id[start.get(w("id"))], []).append(
                paragraph_text(paragraph, accept)
            )
        return found

    def annotation_ids(self) -> Counter:
        ids = Counter()
        for tag in ("ins", "del", "bookmarkStart"):
            ids.update(e.get(w("id")) for e in self.body.iter(w(tag)))
        ids.update(e.get(w("id")) for e in self.xml("word/comments.xml").iter(w("comment")))
        return ids

    def field_instructions(self, part: str) -> list[str]:
        return [" ".join(e.text.split()) for e in self.xml(part).iter(w("instrText"))]

    def footer_parts(self) -> list[str]:
        return [name for name in self.parts if name.startswith("word/footer")]

    def core(self, name: str) -> str:
        found = self.xml("docProps/core.xml").find(name, NS)
        return "" if found is None else (found.text or "")


def paragraph_text(paragraph, accept: bool = True) -> str:
    skipped = w("del") if accept else w("ins")
    out = []
    for element in paragraph.iter(w("t"), w("delText")):
        inside = {ancestor.tag for ancestor in element.iterancestors()}
        if skipped in inside or (element.tag == w("delText") and accept):
            continue
        out.append(element.text or "")
    return "".join(out)
