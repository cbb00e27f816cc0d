"""A delegation's marked-up copy of a version, read into the entries it proposes.

Delegations work in Word: they send back the whole draft with tracked changes and Word
comments, with their wording typed in bold, highlighted, underlined or in colour and deletions
struck through, or as plain text (pasted, or extracted from a PDF) with no marks at all. Every
copy is read into paragraphs, each with the wording it had before the delegation's changes
(``base``: deletions kept, insertions left out) and after them (``proposed``); the paragraphs are
then matched to the version's by text (``wsis.drafts.alignment``) and, for what is left, by
label, so a renumbered, split or partial copy still lands on the right paragraphs. A proposal is
what differs from the version, paragraph by paragraph: the marks only say which wording was
there before, never what the proposal is. Margin notes typed between slashes (the UPU's
``/possibly also in the capacity-building section, OP68 or 69/``) and Word comments become
comments on their paragraph, with their exact words.

Nothing here writes: ``wsis.comments.services.import_markup`` saves what the delegation chose.
"""

import hashlib
import io
import re
import zipfile
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher

from django.utils.translation import gettext as _
from lxml import etree

from wsis.comments.models import Entry
from wsis.drafts.alignment import align, part_of
from wsis.drafts.importer import DASHED, DraftFormatError, decode, is_heading, lines

# A copy of the zero draft is 60 kB as text and about 100 kB as DOCX; a file far larger is not
# a copy of a draft (and reading it would hold a web process).
MAX_FILE_BYTES = 10 * 1024 * 1024
# A DOCX is a zip: what it unpacks to, and how many parts it has, are bounded before anything
# is read, so that a zip bomb is refused rather than unpacked.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_PARTS = 1000
# Below this share of its wording found in the version, a file is a copy of something else.
MIN_MATCHED_SHARE = 0.5
# A run of this many words in common is shared wording; fewer ("of the") is chance.
SHARED_RUN = 3

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

LABELLED = re.compile(
    r"^(?:-\s+)?(?:(?:(?:OP|PP)\s*)?(?P<label>[A-Z]|\d{1,4}(?:\s*(?:bis|ter|quater))?)\.|"
    r"(?:OP|PP)\s*(?P<bare>[A-Z]|\d{1,4}(?:\s*(?:bis|ter|quater))?)[:.]?)\s+(?P<text>\S.*)$"
)
NEW_LABEL = re.compile(r"\d\s*(?:bis|ter|quater)$")
# A note between slashes, each slash against a space or the end of the line, with a space
# inside: "A/RES/70/125" and "and/or" are wording, not notes.
MARGIN_NOTE = re.compile(r"(?:^|(?<=\s))/(?P<note>[^/\s][^/]*\s[^/]*[^/\s])/(?=\s|$)")
WORD = re.compile(r"\w+")


def too_large() -> str:
    return _("The file is too large (more than %(size)d MB) for a copy of a draft.") % {
        "size": MAX_FILE_BYTES // (1024 * 1024)
    }


def damaged() -> str:
    return _("This file is damaged: it is not a readable Word document.")


class MarkupError(ValueError):
    """A file that cannot be read as a copy of the version; the message says why, for the
    person who uploaded it. Nothing was imported."""


@dataclass
class CopyParagraph:
    label: str
    base: str
    proposed: str
    notes: list[str] = field(default_factory=list)
    # Every word of it was marked as inserted: a new paragraph, not a changed one.
    inserted: bool = False
    # Every word of it was struck through: the paragraph's deletion.
    deleted: bool = False


@dataclass
class Proposal:
    """One entry the copy proposes, with the paragraph it is on (or follows)."""

    kind: str
    paragraph: int
    label: str
    proposed_text: str = ""
    text: str = ""


@dataclass
class Reading:
    """What a copy proposes, what of it matched nothing, and how much of it matched."""

    proposals: list[Proposal]
    unmatched: list[CopyParagraph]
    paragraphs: int
    matched_share: float
    sha256: str = ""
    filename: str = ""

    def as_data(self) -> dict:
        """As plain data, for the preview form to carry to the confirmation."""
        return {
            "proposals": [asdict(p) for p in self.proposals],
            "unmatched": [asdict(c) for c in self.unmatched],
            "paragraphs": self.paragraphs,
            "matched": round(self.matched_share * 100),
            "sha256": self.sha256,
            "filename": self.filename,
        }


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _take_notes(text: str) -> tuple[str, list[str]]:
    notes = [m["note"] for m in MARGIN_NOTE.finditer(text)]
    return _spaced(MARGIN_NOTE.sub(" ", text)), notes


def _labelled(text: str) -> tuple[str, str]:
    found = LABELLED.match(text)
    if found is None:
        return "", text
    label = found["label"] or found["bare"]
    return " ".join(label.split()), found["text"]


# Plain text: a pasted copy, or pdftotext's output.


def text_paragraphs(text: str) -> list[CopyParagraph]:
    """The paragraphs of a plain-text copy: each labelled line starts one, the lines after it
    continue it (as the importer joins a paragraph cut by a page break) until a heading; in a
    copy with no labels at all, blank lines separate paragraphs."""
    numbered = list(lines(text))
    has_labels = any(LABELLED.match(line) for _number, line in numbered)
    paragraphs: list[list[str]] = []
    current: list[str] | None = None
    for _number, line in numbered:
        if not line:
            if not has_labels:
                current = None
            continue
        if LABELLED.match(line):
            current = [*_labelled(line)]
            paragraphs.append(current)
            continue
        dashed = DASHED.match(line)
        if has_labels and not dashed and is_heading(line):
            current = None  # a heading or title line ends the paragraph and is no wording
            continue
        continuation = dashed["text"] if dashed else line
        if current is None:
            current = ["", continuation]
            paragraphs.append(current)
        else:
            current[1] = f"{current[1]} {continuation}"
    result = []
    for label, wording in paragraphs:
        wording, notes = _take_notes(wording)
        result.append(CopyParagraph(label=label, base=wording, proposed=wording, notes=notes))
    return result


# DOCX: tracked changes, comments and marks typed by hand.


def _unpack(data: bytes, filename: str) -> dict[str, bytes]:
    """The parts of a DOCX that are read, each unpacked within the limits."""
    if data.startswith(OLE_MAGIC):
        # Word keeps an encrypted DOCX inside an OLE compound file, as it kept the old .doc.
        raise MarkupError(
            _(
                "This Word file is password-protected (encrypted), or in the old .doc format: "
                "it cannot be read. Remove the password, or save it as a Word document "
                "(.docx), and upload it again."
            )
        )
    macros = MarkupError(
        _(
            "This Word file contains macros, which are never opened here. Save it as a "
            "Word document without macros (.docx) and upload it again."
        )
    )
    if filename.lower().endswith((".docm", ".dotm")):
        raise macros
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise MarkupError(damaged()) from None
    names = {part.filename for part in parts}
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise macros
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise MarkupError(_("This file unpacks to far more than any copy of a draft: refused."))
    if "word/document.xml" not in names:
        raise MarkupError(_("This file is a zip archive, not a Word document (.docx)."))
    found, budget = {}, MAX_UNPACKED_BYTES
    for name in ("word/document.xml", "word/comments.xml"):
        if name not in names:
            continue
        try:
            with archive.open(name) as part:
                # Read no more than the budget, whatever the archive says a part's size is.
                content = part.read(budget + 1)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
            raise MarkupError(damaged()) from None
        budget -= len(content)
        if budget < 0:
            raise MarkupError(_("This file unpacks to far more than any copy of a draft: refused."))
        found[name] = content
    return found


# No entities, no network, no huge trees: the XML comes from whoever uploaded it.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _xml(content: bytes):
    try:
        return etree.fromstring(content, PARSER)
    except etree.XMLSyntaxError:
        raise MarkupError(damaged()) from None


def _on(properties, name: str, off=("0", "false", "none", "auto", "000000")) -> bool:
    if properties is None:
        return False
    element = properties.find(W + name)
    return element is not None and element.get(W + "val", "").lower() not in off


def _run_state(run, paragraph) -> str:
    """ "ins", "del" or "same": tracked changes first, then the marks typed by hand."""
    for ancestor in run.iterancestors():
        if ancestor is paragraph:
            break
        if ancestor.tag in (W + "del", W + "moveFrom"):
            return "del"
        if ancestor.tag in (W + "ins", W + "moveTo"):
            return "ins"
    properties = run.find(W + "rPr")
    if _on(properties, "strike") or _on(properties, "dstrike"):
        return "del"
    if any(_on(properties, name) for name in ("b", "highlight", "u", "color")):
        return "ins"
    return "same"


def _run_text(run) -> str:
    pieces = []
    for element in run:
        if element.tag in (W + "t", W + "delText"):
            pieces.append(element.text or "")
        elif element.tag in (W + "tab", W + "br", W + "cr"):
            pieces.append(" ")
    return "".join(pieces)


def _comments(content: bytes | None) -> dict[str, str]:
    if content is None:
        return {}
    notes = {}
    for comment in _xml(content).iter(W + "comment"):
        paragraphs = ["".join(t.text or "" for t in p.iter(W + "t")) for p in comment.iter(W + "p")]
        notes[comment.get(W + "id")] = "\n".join(p.strip() for p in paragraphs if p.strip())
    return notes


def docx_paragraphs(data: bytes, filename: str = "") -> list[CopyParagraph]:
    parts = _unpack(data, filename)
    body = _xml(parts["word/document.xml"])
    comments = _comments(parts.get("word/comments.xml"))
    # A comment belongs to the paragraph where its range starts (or, with no range, where its
    # reference is), once.
    placed: set[str] = set()
    result = []
    for paragraph in body.iter(W + "p"):
        segments = []
        for run in paragraph.iter(W + "r"):
            text = _run_text(run)
            if text:
                segments.append((_run_state(run, paragraph), text))
        label, _rest = _labelled(_spaced("".join(text for _, text in segments)))
        if label:
            segments = _without_label(segments, label)
        base = _spaced("".join(t for s, t in segments if s != "ins"))
        proposed = _spaced("".join(t for s, t in segments if s != "del"))
        base = _take_notes(base)[0]
        proposed, notes = _take_notes(proposed)
        anchors = [e.get(W + "id") for e in paragraph.iter(W + "commentRangeStart")]
        anchors += [e.get(W + "id") for e in paragraph.iter(W + "commentReference")]
        for anchor in anchors:
            if anchor in comments and anchor not in placed and comments[anchor]:
                placed.add(anchor)
                notes.append(comments[anchor])
        if not (base or proposed or notes):
            continue
        result.append(
            CopyParagraph(
                label=label,
                base=base,
                proposed=proposed,
                notes=notes,
                inserted=bool(proposed) and not base,
                deleted=bool(base) and not proposed,
            )
        )
    return result


def _without_label(segments: list[tuple[str, str]], label: str) -> list[tuple[str, str]]:
    """The runs of a paragraph without its leading label ("26. ", "- OP 26. ")."""
    whole = "".join(text for _, text in segments)
    found = LABELLED.match(whole.lstrip())
    if found is None:
        return segments
    skip = len(whole) - len(whole.lstrip()) + found.start("text")
    kept = []
    for state, text in segments:
        cut = min(skip, len(text))
        skip -= cut
        if text[cut:]:
            kept.append((state, text[cut:]))
    return kept


def copy_paragraphs(filename: str, data: bytes) -> list[CopyParagraph]:
    """The paragraphs of an uploaded copy, DOCX or text, or MarkupError saying why not."""
    if len(data) > MAX_FILE_BYTES:
        raise MarkupError(too_large())
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)) or filename.lower().endswith((".docm", ".dotm")):
        paragraphs = docx_paragraphs(data, filename)
    elif data.startswith(b"%PDF"):
        raise MarkupError(
            _(
                "This is a PDF, which is read here as its text: copy the text out of it (or "
                "run pdftotext on it) and upload that, or the Word file it was made from."
            )
        )
    else:
        try:
            paragraphs = text_paragraphs(decode(data))
        except DraftFormatError:
            raise MarkupError(
                _("This file is neither a Word document (.docx) nor a text file (UTF-8).")
            ) from None
    if not paragraphs:
        raise MarkupError(_("The file has no paragraphs to read."))
    return paragraphs


# Matching the copy with the version.


def _shared_words(old: str, new: str) -> int:
    """How many of ``new``'s words sit in runs of ``SHARED_RUN`` or more words of ``old``."""
    a, b = WORD.findall(old.lower()), WORD.findall(new.lower())
    if a == b:  # most paragraphs of a copy: no need to look for the runs
        return len(b)
    blocks = SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks if block.size >= SHARED_RUN)


def _changed(old: str, new: str) -> bool:
    return _spaced(old) != _spaced(new)


def read_copy(version, filename: str, data: bytes) -> Reading:
    """What the copy ``data`` proposes on ``version``, or MarkupError."""
    reading = propose(
        list(version.paragraphs.order_by("order")),
        copy_paragraphs(filename, data),
        ignore={version.title, *version.sections.values_list("heading", flat=True)},
    )
    reading.sha256 = hashlib.sha256(data).hexdigest()
    reading.filename = filename
    return reading


def propose(paragraphs, copy: list[CopyParagraph], ignore=()) -> Reading:
    """Match ``copy`` with the version's ``paragraphs`` (in document order) and list what it
    proposes. ``ignore``: the title and headings, which a full copy repeats."""
    skipped = {_spaced(line).lower() for line in ignore if line}
    copy = [c for c in copy if c.notes or _spaced(c.proposed or c.base).lower() not in skipped]
    matches = align(
        [(p.label, p.text) for p in paragraphs], [(c.label, c.base or c.proposed) for c in copy]
    )
    parts: dict[int, list[int]] = {}  # version paragraph -> copy paragraphs
    sources: dict[int, list[int]] = {}  # copy paragraph -> version paragraphs
    for match in matches:
        if match.old is not None and match.new is not None:
            parts.setdefault(match.old, []).append(match.new)
            sources.setdefault(match.new, []).append(match.old)
    words = sum(len(WORD.findall(c.base or c.proposed)) for c in copy)
    shared = sum(
        _shared_words(" ".join(paragraphs[i].text for i in olds), copy[j].base or copy[j].proposed)
        for j, olds in sources.items()
    )
    share = shared / words if words else 0.0
    if share < MIN_MATCHED_SHARE:
        raise MarkupError(
            _(
                "Only %(share)d%% of the file's wording is found in %(version)s: it looks like a "
                "copy of another document. Nothing was imported."
            )
            % {"share": round(share * 100), "version": _version_label(paragraphs)}
        )
    _match_by_label(paragraphs, copy, parts, sources)

    proposals = []
    by_copy: dict[int, list[Proposal]] = {}
    for i, paragraph in enumerate(paragraphs):
        js = sorted(parts.get(i, ()))
        if not js:
            continue
        pieces = [copy[j] for j in js]
        if len(sources[js[0]]) > 1:  # merged in the copy: this paragraph's stretch of it
            proposed = _own_sentences(pieces[0].proposed, paragraph.text)
        else:
            proposed = " ".join(c.proposed for c in pieces if c.proposed)
        label = paragraph.display_label
        found = []
        if all(c.deleted for c in pieces):
            found.append(Proposal(Entry.Kind.DELETION, paragraph.pk, label))
        elif proposed and _changed(paragraph.text, proposed):
            found.append(Proposal(Entry.Kind.AMENDMENT, paragraph.pk, label, proposed))
        for j in js:
            if sources[j][0] == i:  # a merged paragraph's notes once, on its first part
                found += [
                    Proposal(Entry.Kind.COMMENT, paragraph.pk, label, text=n) for n in copy[j].notes
                ]
        by_copy.setdefault(js[0], []).extend(found)

    unmatched = []
    follows = None  # the version paragraph the last matched copy paragraph is on
    for j, piece in enumerate(copy):
        if j in sources:
            follows = paragraphs[max(sources[j])]
            proposals += by_copy.get(j, [])
        elif follows is not None and (piece.inserted or NEW_LABEL.search(piece.label)):
            note = "\n".join(piece.notes)
            proposals.append(
                Proposal(
                    Entry.Kind.NEW_PARAGRAPH,
                    follows.pk,
                    f"{follows.anchor} bis",
                    piece.proposed,
                    note,
                )
            )
        elif piece.label or piece.notes or not is_heading(piece.proposed or piece.base):
            unmatched.append(piece)
        # else a title or heading line of the copy: not wording of the draft
    return Reading(proposals, unmatched, paragraphs=len(copy), matched_share=share)


SENTENCE_END = re.compile(r"[.;:](?=\s|$)")


def _own_sentences(whole: str, text: str) -> str:
    """The stretch of ``whole`` (paragraphs run together in the copy) that continues ``text``:
    ``part_of``'s, widened to whole sentences, since paragraphs meet at a sentence's end."""
    if not whole:
        return ""
    stretch = part_of(whole, text)
    start = whole.find(stretch)
    end = start + len(stretch)
    head = whole[:start].rstrip()
    if head and not SENTENCE_END.search(head[-1]):
        found = list(SENTENCE_END.finditer(head))
        start = found[-1].end() if found else 0
    if not SENTENCE_END.fullmatch(whole[end - 1 : end]):
        found = SENTENCE_END.search(whole, end)
        end = found.end() if found else len(whole)
    return whole[start:end].strip()


def _match_by_label(paragraphs, copy, parts, sources) -> None:
    """Pair what the text left unmatched by label, where both sides are free: a paragraph
    rewritten beyond recognition keeps its number."""
    free = {p.label: i for i, p in enumerate(paragraphs) if i not in parts}
    for j, piece in enumerate(copy):
        i = free.pop(piece.label, None) if piece.label and j not in sources else None
        if i is not None:
            parts[i] = [j]
            sources[j] = [i]


def _version_label(paragraphs) -> str:
    return paragraphs[0].version.label if paragraphs else ""


def already_there(version, organisation, proposals: list[Proposal]) -> set[int]:
    """The indexes of ``proposals`` the organisation has already made on ``version`` (the same
    file uploaded twice): they are not proposed again."""
    existing = {
        (kind, paragraph, proposed.strip(), text.strip())
        for kind, paragraph, proposed, text in Entry.objects.filter(
            version=version, organisation=organisation
        )
        .exclude(status=Entry.Status.WITHDRAWN)
        .values_list("kind", "paragraph_id", "proposed_text", "text")
    }
    return {
        index
        for index, p in enumerate(proposals)
        if (p.kind, p.paragraph, p.proposed_text.strip(), p.text.strip()) in existing
    }
