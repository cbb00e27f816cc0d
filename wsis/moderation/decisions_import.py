"""Decisions in bulk, from the compilation CSV the platform exports.

Secretariats decide in spreadsheets: they export the entries of a version as CSV
(``wsis.reports.rendering.write_csv``), fill in the ``decision`` and ``decision rationale``
columns and bring the file back. Every row is checked before anything is written; one bad row
refuses the whole file, with a message per row. The decisions are then recorded through
``services.decide`` (audit and mail), all in one transaction.

Rows are numbered as a spreadsheet numbers them (the header is line 1): a cell holding line
breaks does not shift the numbers of the rows after it.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from wsis.comments.models import RATIONALE_LIMIT, Entry
from wsis.drafts.models import Version
from wsis.moderation import services
from wsis.text import clean_typed

# Columns of the export (wsis.reports.rendering.CSV_HEADER); the others are ignored.
ENTRY, DECISION, RATIONALE = "entry", "decision", "decision rationale"

# What write_csv prefixes to a cell a spreadsheet would run as a formula.
DEFUSED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


class DecisionsFileError(Exception):
    """The file cannot be imported; ``messages`` says why, one per bad row."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass
class Row:
    line: int
    entry: Entry
    decision: Entry.Decision
    rationale: str

    @property
    def unchanged(self) -> bool:
        return (
            self.entry.decision == self.decision
            and self.entry.decision_rationale.strip() == self.rationale
        )


@dataclass
class Result:
    recorded: Counter = field(default_factory=Counter)  # decision -> entries
    unchanged: int = 0

    def summary(self) -> str:
        total = sum(self.recorded.values())
        per_decision = ", ".join(
            f"{Entry.Decision(decision).label}: {n}"
            for decision, n in sorted(self.recorded.items(), key=lambda item: _order(item[0]))
        )
        recorded = _("%(n)d decisions recorded") % {"n": total}
        if per_decision:
            recorded += f" ({per_decision})"
        return _("%(recorded)s; %(unchanged)d rows unchanged.") % {
            "recorded": recorded,
            "unchanged": self.unchanged,
        }


def _order(decision: str) -> int:
    return list(Entry.Decision.values).index(decision)


def _words(text: str) -> str:
    return " ".join(text.replace("_", " ").lower().split())


def _decision_words() -> dict[str, Entry.Decision]:
    """The export writes the stored value (``partial``, ``not_incorporated``); people type
    the words the pages show (``partially incorporated``): both are understood."""
    words = {}
    with override("en"):
        for decision in Entry.Decision:
            words[_words(decision.value)] = decision
            words[_words(str(decision.label))] = decision
    return words


def _allowed() -> str:
    with override("en"):
        return ", ".join(str(decision.label) for decision in Entry.Decision)


def _cell(value: str | None) -> str:
    text = (value or "").strip()
    return text[1:] if text.startswith(DEFUSED) else text


def _records(data: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DecisionsFileError(
            [_("The file is not UTF-8 text (save it as “CSV UTF-8”).")]
        ) from exc
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
        records = [
            (line, record)
            for line, record in enumerate(reader, start=2)
            if any((value or "").strip() for value in record.values() if isinstance(value, str))
        ]
    except csv.Error as exc:
        raise DecisionsFileError([_("The file is not readable as CSV: %s.") % exc]) from exc
    return header, records


def read(version: Version, data: bytes, *, lock: bool = False) -> list[Row]:
    """The rows of the file, each with its entry, or :class:`DecisionsFileError`."""
    header, records = _records(data)
    missing = [name for name in (ENTRY, DECISION, RATIONALE) if name not in header]
    if missing:
        raise DecisionsFileError(
            [
                _("The file has no column %(columns)s (the first line names the columns).")
                % {"columns": ", ".join(f"“{name}”" for name in missing)}
            ]
        )
    errors: list[str] = []

    def refuse(line: int, message: str) -> None:
        errors.append(_("Line %(line)d: %(message)s") % {"line": line, "message": message})

    numbers = {}
    for line, record in records:
        number = _cell(record.get(ENTRY))
        if number.isascii() and number.isdigit() and int(number) > 0:
            numbers[line] = int(number)
        else:
            refuse(line, _("“%(value)s” is not an entry number.") % {"value": number})
    entries = Entry.objects.filter(
        pk__in=set(numbers.values()),
        version__consultation_id=version.consultation_id,
        status__in=[Entry.Status.SUBMITTED, Entry.Status.WITHDRAWN],
    ).select_related("version")
    if lock:
        entries = entries.select_for_update(of=("self",))
    entries = {entry.pk: entry for entry in entries}
    words = _decision_words()
    seen: dict[int, int] = {}
    rows = []
    for line, record in records:
        if line not in numbers:
            continue
        pk = numbers[line]
        entry = entries.get(pk)
        if entry is None:
            refuse(
                line, _("there is no submitted entry #%(pk)d in this consultation.") % {"pk": pk}
            )
            continue
        if pk in seen:
            refuse(
                line,
                _("entry #%(pk)d is already on line %(first)d.") % {"pk": pk, "first": seen[pk]},
            )
            continue
        seen[pk] = line
        if entry.version_id != version.pk:
            refuse(
                line,
                _("entry #%(pk)d was made on %(made_on)s, not on %(version)s.")
                % {"pk": pk, "made_on": entry.version.label, "version": version.label},
            )
            continue
        value = _cell(record.get(DECISION))
        decision = words.get(_words(value))
        if decision is None:
            refuse(
                line,
                _("“%(value)s” is not a decision; write one of: %(allowed)s.")
                % {"value": value, "allowed": _allowed()},
            )
            continue
        try:
            rationale = clean_typed(_cell(record.get(RATIONALE)), multiline=True)
        except forms.ValidationError as exc:
            refuse(line, " ".join(exc.messages))
            continue
        if len(rationale) > RATIONALE_LIMIT:
            refuse(
                line,
                _("the rationale has %(n)d characters; at most %(limit)d fit.")
                % {"n": len(rationale), "limit": RATIONALE_LIMIT},
            )
            continue
        row = Row(line, entry, decision, rationale)
        if row.unchanged:
            rows.append(row)
            continue
        if decision != Entry.Decision.OPEN and not rationale:
            refuse(line, _("give the rationale for the decision on entry #%(pk)d.") % {"pk": pk})
        elif not entry.is_proposal:
            refuse(line, _("entry #%(pk)d is a comment: a comment takes no decision.") % {"pk": pk})
        elif entry.status == Entry.Status.WITHDRAWN:
            refuse(line, _("entry #%(pk)d was withdrawn by its organisation.") % {"pk": pk})
        elif entry.moderation in (Entry.Moderation.REJECTED, Entry.Moderation.HIDDEN):
            refuse(
                line,
                _("entry #%(pk)d is %(state)s: it takes no decision.")
                % {"pk": pk, "state": entry.get_moderation_display()},
            )
        else:
            rows.append(row)
    if errors:
        raise DecisionsFileError(errors)
    if not rows:
        raise DecisionsFileError([_("The file has no entries.")])
    return rows


def import_decisions(version: Version, data: bytes, *, request=None) -> Result:
    """Check every row, then record every changed decision; nothing is saved if a row is bad."""
    result = Result()
    with transaction.atomic():
        # Read under lock: a decision taken meanwhile in the browser is not overwritten unseen.
        rows = read(version, data, lock=True)
        groups: dict[tuple[str, str], list[Entry]] = {}
        for row in rows:
            if row.unchanged:
                result.unchanged += 1
            else:
                groups.setdefault((row.decision, row.rationale), []).append(row.entry)
        # One call per decision and rationale: the organisations get one mail for each.
        for (decision, rationale), entries in groups.items():
            outcome = services.decide(entries, decision, rationale=rationale, request=request)
            result.recorded[decision] += len(outcome.changed)
            result.unchanged += len(outcome.skipped)
    return result
