"""The outcome a new version suggests for each proposal made on earlier versions: how much
of what it proposed the new text took in."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from wsis.comments.carry import carried_entries_for_version
from wsis.comments.models import Entry
from wsis.drafts.diff import TOKEN, diff_html, word_diff
from wsis.drafts.models import ParagraphLink

# Share of a proposal's changes found in the new text for each suggested outcome.
INCORPORATED_AT = 0.8
PARTIAL_AT = 0.25


@dataclass
class Suggestion:
    entry: Entry
    carried: list  # the Carried views of the entry (several when its paragraph was split)
    outcome: str
    found: int
    total: int
    version_label: str  # the version whose text suggested the outcome

    @property
    def proposal_diff(self):
        """The proposal marked up against the paragraph it was made on."""
        return diff_html(self.entry.paragraph.text, self.entry.proposed_text)

    @property
    def outcome_label(self) -> str:
        return Entry.Decision(self.outcome).label

    @property
    def evidence(self) -> str:
        """The evidence behind the suggestion, for the facilitator who confirms it: the
        platform's reading of the text, never a rationale a person gave the organisation."""
        label = self.version_label
        targets = ", ".join(p.display_label for p in self.paragraphs)
        if self.entry.kind == Entry.Kind.DELETION:
            if targets:
                return _("%(label)s keeps the paragraph (%(targets)s).") % {
                    "label": label,
                    "targets": targets,
                }
            return _("%(label)s deletes the paragraph.") % {"label": label}
        if not targets and self.entry.kind != Entry.Kind.NEW_PARAGRAPH:
            return _("%(label)s deletes the paragraph.") % {"label": label}
        return _("%(found)d of the %(total)d words the proposal changes are in %(label)s.") % {
            "found": self.found,
            "total": self.total,
            "label": label,
        }

    @property
    def made_on(self):
        return self.carried[0]

    @property
    def paragraphs(self):
        return [c.paragraph for c in self.carried if c.paragraph is not None]


def _words(text: str) -> Counter:
    return Counter(w.lower() for w in TOKEN.findall(text) if w[0].isalnum())


def _share_taken_in(old: str, proposed: str, new: str) -> tuple[int, int]:
    """How many of the words a proposal inserts are now in ``new`` (and it deletes, gone)."""
    inserted, deleted = Counter(), Counter()
    for change in word_diff(old, proposed):
        if change.op == "insert":
            inserted.update(_words(change.text))
        elif change.op == "delete":
            deleted.update(_words(change.text))
    before, after = _words(old), _words(new)
    gained, lost = after - before, before - after
    found = sum(min(n, gained[w]) for w, n in inserted.items())
    found += sum(min(n, lost[w]) for w, n in deleted.items())
    return found, inserted.total() + deleted.total()


def _outcome(found: int, total: int) -> str:
    if total and found >= INCORPORATED_AT * total:
        return Entry.Decision.INCORPORATED
    if total and found >= PARTIAL_AT * total:
        return Entry.Decision.PARTIAL
    return Entry.Decision.NOT_INCORPORATED


def suggest_outcomes(version) -> list[Suggestion]:
    """For every proposal made on earlier versions, the outcome the text of ``version`` suggests."""
    entries = Entry.objects.filter(status=Entry.Status.SUBMITTED).exclude(
        moderation__in=[Entry.Moderation.REJECTED, Entry.Moderation.HIDDEN]
    )
    carried, orphaned = carried_entries_for_version(version, entries)
    by_entry = defaultdict(list)
    for items in carried.values():
        for item in items:
            by_entry[item.entry.pk].append(item)
    for item in orphaned:
        by_entry[item.entry.pk].append(item)
    new_paragraphs = [
        link.target.text
        for link in version.links.filter(kind=ParagraphLink.Kind.NEW).select_related("target")
    ]
    suggestions = []
    for items in by_entry.values():
        entry = items[0].entry
        if not entry.is_proposal:
            continue
        targets = [i.paragraph.text for i in items if i.paragraph is not None]
        if entry.kind == Entry.Kind.DELETION:
            found, total = (0, 1) if targets else (1, 1)
        elif entry.kind == Entry.Kind.NEW_PARAGRAPH:
            proposed = _words(entry.proposed_text)
            total = proposed.total()
            found = max(
                (sum((proposed & _words(text)).values()) for text in new_paragraphs), default=0
            )
        elif targets:
            found, total = _share_taken_in(
                entry.paragraph.text, entry.proposed_text, " ".join(targets)
            )
        else:
            found, total = 0, 1
        suggestions.append(
            Suggestion(entry, items, _outcome(found, total), found, total, version.label)
        )
    suggestions.sort(key=lambda s: (s.made_on.entry.paragraph.order, s.entry.created, s.entry.pk))
    return suggestions
