"""Reads a plain-text resolution draft, as extracted from the PDF, into its structure.

The text has title lines, section headings on lines of their own, preambular
paragraphs lettered ``A.``, operative paragraphs numbered ``1.``, most lines
starting with ``- ``, and paragraphs cut by page breaks whose rest continues on
a later line without a label. ``parse`` joins those back so that every
paragraph is whole, word for word, and refuses anything that is not such a
draft with the line number and a plain reason.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

PARAGRAPH = re.compile(r"^(?:-\s+)?(?P<label>[A-Z]|\d{1,4})\.\s+(?P<text>\S.*)$")
DASHED = re.compile(r"^-\s+(?P<text>\S.*)$")
# Beside a form feed (a page break in ``pdftotext`` output), a line made only of these is the
# page's number, job number or document symbol ("3", "Page 3 of 20", "25-14000 3/20",
# "A/80/L.41"), not the draft's text.
PAGE_MARK = re.compile(r"(?i)page|of|\d{1,5}(?:[-/]\d{1,5})?|[A-Z](?:/[\w.]+)+")
# A heading is short and does not end like a sentence; a longer unlabelled line is a continuation.
HEADING_MAX_LENGTH = 120
SENTENCE_END = (".", ",", ";", ":")


class DraftFormatError(ValueError):
    def __init__(self, line: int, reason: str):
        self.line = line
        self.reason = reason
        super().__init__(f"line {line}: {reason}" if line else reason)


@dataclass
class ParsedParagraph:
    label: str
    kind: str
    text: str
    line: int


@dataclass
class ParsedSection:
    heading: str
    line: int
    paragraphs: list[ParsedParagraph] = field(default_factory=list)


@dataclass
class ParsedDraft:
    title: str
    sections: list[ParsedSection]
    sha256: str

    @property
    def paragraphs(self) -> list[ParsedParagraph]:
        return [p for s in self.sections for p in s.paragraphs]


def decode(data: bytes) -> str:
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise DraftFormatError(line, "the file is binary, not a plain-text draft")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DraftFormatError(line, "the file is not UTF-8 text") from exc


def _check_characters(number: int, line: str) -> None:
    for char in line:
        if char != "\t" and unicodedata.category(char) in ("Cc", "Cs", "Co"):
            raise DraftFormatError(
                number, f"control character U+{ord(char):04X} is not allowed in a draft"
            )


def is_heading(line: str) -> bool:
    return (
        line[0].isupper()
        and len(line) <= HEADING_MAX_LENGTH
        and not line.endswith(SENTENCE_END)
        and not DASHED.match(line)
    )


def _next_label(previous: ParsedParagraph | None, kind: str) -> str | None:
    """The label that must follow ``previous`` for a paragraph of ``kind``."""
    if kind == "preambular":
        if previous is None:
            return "A"
        if previous.kind == "preambular":
            return chr(ord(previous.label) + 1)
        return None  # a preambular paragraph after an operative one is out of order
    if previous is None or previous.kind == "preambular":
        return "1"
    return str(int(previous.label) + 1)


def lines(text: str):
    """Each line as ``(number, line)``, its spacing collapsed; the page marks beside a form
    feed are left out, and the form feed itself is a space.

    Lines end at "\n" only (a "\r" before it is dropped), so the line numbers in messages are
    those an editor shows; str.splitlines() would also break at form feeds and other separators.
    """
    raw_lines = text.split("\n")
    for index, raw in enumerate(raw_lines):
        raw = raw.removesuffix("\r")
        # pdftotext ends each page with a form feed, so the next page's first line starts with
        # one: a page number or header is on that line or on the one before it.
        near_break = "\f" in raw or (index + 1 < len(raw_lines) and "\f" in raw_lines[index + 1])
        raw = raw.replace("\f", " ")
        _check_characters(index + 1, raw)
        line = " ".join(raw.split())
        if near_break and line and all(PAGE_MARK.fullmatch(word) for word in line.split()):
            continue
        yield index + 1, line


def parse(text: str) -> ParsedDraft:
    title_lines: list[str] = []
    sections: list[ParsedSection] = []
    pending_heading: tuple[int, str] | None = None
    last: ParsedParagraph | None = None

    for number, line in lines(text):
        if not line:
            continue
        match = PARAGRAPH.match(line)
        if match:
            label = match["label"]
            kind = "preambular" if label.isalpha() else "operative"
            expected = _next_label(last, kind)
            if expected != label:
                if expected is None:
                    reason = f"preambular paragraph {label} comes after the operative paragraphs"
                else:
                    reason = f"paragraph {label} is duplicate or out of order (expected {expected})"
                raise DraftFormatError(number, reason)
            if pending_heading is not None:
                sections.append(ParsedSection(heading=pending_heading[1], line=pending_heading[0]))
                pending_heading = None
            if not sections:
                raise DraftFormatError(number, "a paragraph comes before any section heading")
            last = ParsedParagraph(label=label, kind=kind, text=match["text"], line=number)
            sections[-1].paragraphs.append(last)
            continue

        dashed = DASHED.match(line)
        continuation = dashed["text"] if dashed else line
        if last is not None and pending_heading is None and (dashed or not is_heading(line)):
            # The rest of a paragraph that a page break cut.
            last.text = f"{last.text} {continuation}"
            continue
        if dashed or not is_heading(line):
            raise DraftFormatError(number, "text that belongs to no paragraph")
        if pending_heading is not None:
            if last is not None:
                raise DraftFormatError(pending_heading[0], "a section heading with no paragraphs")
            title_lines.append(pending_heading[1])
        pending_heading = (number, line)

    if pending_heading is not None:
        if last is None:
            title_lines.append(pending_heading[1])
        else:
            raise DraftFormatError(pending_heading[0], "a section heading with no paragraphs")
    if last is None:
        raise DraftFormatError(0, "the file contains no numbered or lettered paragraphs")
    return ParsedDraft(
        title=" — ".join(title_lines),
        sections=sections,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


class VersionExists(ValueError):
    pass


class VersionInUse(VersionExists):
    """Replacing the version would delete what people wrote on it, or what follows it."""


def _refuse_if_in_use(version) -> None:
    from wsis.drafts.models import ParagraphLink

    entries = version.entries.count()
    if entries:
        raise VersionInUse(
            ngettext(
                "version %(label)s has %(count)d entry, which replacing it would delete",
                "version %(label)s has %(count)d entries, which replacing it would delete",
                entries,
            )
            % {"label": version.label, "count": entries}
            + "; "
            + _(
                "import the new text under a new label instead: it is aligned with "
                "%(label)s and the entries follow their paragraphs"
            )
            % {"label": version.label}
        )
    if not version.is_preparing and (
        version.links.exists() or ParagraphLink.objects.filter(source__version=version).exists()
    ):
        # Entries of the versions around it follow its paragraphs through these links.
        raise VersionInUse(
            _(
                "version %(label)s is aligned with another version, whose entries follow its "
                "paragraphs; import the new text under a new label instead"
            )
            % {"label": version.label}
        )


def _replace(old, draft: ParsedDraft, *, actor, request):
    """A new version in place of ``old``, with its label, order, status and comment round;
    the compilations of the old text go with it. Audited, since it deletes.

    A new row rather than new paragraphs in the old one: what is cached of a version's text
    is cached for good (``rendered_text``).
    """
    from wsis.audit.models import record
    from wsis.drafts.models import CommentRound, Version

    _refuse_if_in_use(old)
    removed = {
        "replaced_version": old.pk,
        "paragraphs_deleted": old.paragraphs.count(),
        "report_jobs_deleted": old.report_jobs.count(),
        "old_sha256": old.source_sha256,
    }
    files = [job.path for job in old.report_jobs.exclude(file="")]
    old.report_jobs.all().delete()
    transaction.on_commit(lambda: [path.unlink(missing_ok=True) for path in files])
    label, order, status = old.label, old.order, old.status
    # Taken aside so that the label is free; the round protects the row until it moves.
    old.label = f"~{old.pk}"
    old.save(update_fields=["label"])
    version = Version.objects.create(
        consultation=old.consultation,
        label=label,
        title=draft.title,
        order=order,
        status=status,
        source_sha256=draft.sha256,
    )
    CommentRound.objects.filter(version=old).update(version=version)
    # Paragraphs and sections go with it; an entry on it would protect it (refused above).
    old.delete()
    record(
        "version.replaced",
        version,
        actor=actor,
        request=request,
        paragraphs_imported=len(draft.paragraphs),
        new_sha256=draft.sha256,
        **removed,
    )
    return version


@transaction.atomic
def import_draft(
    consultation, label: str, draft: ParsedDraft, *, replace: bool = False, actor=None, request=None
):
    """Write a parsed draft as a new version of ``consultation``, in one transaction.

    With ``replace``, it takes the place of an existing version of that label, if no entry is
    written on that one and no other version is aligned with it (else ``VersionInUse``).
    """
    from wsis.drafts.models import Paragraph, Section, Version

    existing = consultation.versions.select_for_update().filter(label=label).first()
    if existing is not None:
        if not replace:
            raise VersionExists(f"version {label!r} already exists; use --replace to replace it")
        version = _replace(existing, draft, actor=actor, request=request)
    else:
        last = consultation.versions.order_by("-order").first()
        version = Version.objects.create(
            consultation=consultation,
            label=label,
            title=draft.title,
            order=last.order + 1 if last else 1,
            source_sha256=draft.sha256,
        )
    paragraphs = []
    position = 0
    for section_order, parsed_section in enumerate(draft.sections, start=1):
        section = Section.objects.create(
            version=version, heading=parsed_section.heading, order=section_order
        )
        for parsed in parsed_section.paragraphs:
            position += 1
            paragraphs.append(
                Paragraph(
                    version=version,
                    section=section,
                    label=parsed.label,
                    kind=parsed.kind,
                    text=parsed.text,
                    order=position,
                )
            )
    Paragraph.objects.bulk_create(paragraphs)
    return version
