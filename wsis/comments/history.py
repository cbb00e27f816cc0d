"""An entry's history in plain words, told from its audit events (``wsis.audit``).

"Drafted by Alice Wanjiku (KEN)", "edited by Bob (3 times)", "submitted by Fatima, focal point
of KEN", "published by the facilitators", "decision: partially incorporated (rationale: …)".
Only the entry's organisation and the consultation's facilitators may read it
(``may_read_history``): a draft's history is the organisation's own business. Organisations
read what the facilitators did as "the facilitators"; the facilitators read each other's names.
The evidence the platform suggested an outcome from is never told: it is not a rationale.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wsis.audit.models import AuditEvent, target_of
from wsis.comments.models import Entry
from wsis.drafts.models import Paragraph

# What a person did to their organisation's entry, by action; "%(name)s" is who did it.
BY_MEMBERS = {
    "entry.updated": lambda: _("edited by %(name)s"),
    "entry.withdrawn": lambda: _("withdrawn by %(name)s"),
}
# What the facilitators did; "%(by)s" is who, as the reader may know them.
BY_FACILITATORS = {
    "entry.published": lambda: _("published by %(by)s"),
    "entry.hidden": lambda: _("hidden by %(by)s"),
}
# What a late attempt would have done, as ``services._refused_late`` records it.
ATTEMPTS = {
    "create": lambda: _("to save it"),
    "update": lambda: _("to save it"),
    "submit": lambda: _("to submit it"),
    "submit_all": lambda: _("to submit it"),
    "withdraw": lambda: _("to withdraw it"),
    "support": lambda: _("to support it"),
    "withdraw_support": lambda: _("to withdraw a support"),
}


@dataclass
class Step:
    when: datetime
    text: str
    times: int = 1


def may_read_history(user, entry: Entry, membership, facilitates: bool) -> bool:
    """Whether ``user`` (acting as ``membership``) may read the entry's history."""
    if not user.is_authenticated:
        return False
    return facilitates or (
        membership is not None and membership.organisation_id == entry.organisation_id
    )


def _name(user) -> str:
    if user is None:
        return _("someone no longer registered")
    return user.get_full_name() or user.username


def _organisation(event: AuditEvent, entry: Entry) -> str:
    return (event.organisation or entry.organisation).acronym


def _sentence(event: AuditEvent, entry: Entry, facilitators: str, paragraphs) -> str | None:
    data = event.data
    name = _name(event.actor)
    action = event.action
    if action == "entry.created":
        if data.get("imported_from"):
            return _("drafted by %(name)s (%(org)s) from the organisation's marked-up copy") % {
                "name": name,
                "org": _organisation(event, entry),
            }
        return _("drafted by %(name)s (%(org)s)") % {
            "name": name,
            "org": _organisation(event, entry),
        }
    if action in BY_MEMBERS:
        return BY_MEMBERS[action]() % {"name": name}
    if action == "entry.submitted":
        if data.get("batch"):
            return _("submitted by %(name)s, focal point of %(org)s, with the other drafts") % {
                "name": name,
                "org": _organisation(event, entry),
            }
        return _("submitted by %(name)s, focal point of %(org)s") % {
            "name": name,
            "org": _organisation(event, entry),
        }
    if action == "entry.supported":
        return _("supported by %(org)s") % {"org": _organisation(event, entry)}
    if action == "entry.support_withdrawn":
        return _("%(org)s withdrew its support") % {"org": _organisation(event, entry)}
    if action == "entry.refused_late":
        attempt = ATTEMPTS.get(data.get("attempted"), ATTEMPTS["update"])()
        return _(
            "%(name)s tried %(attempt)s after the round had closed: refused, the text kept"
        ) % {"name": name, "attempt": attempt}
    if action == "entry.carried":
        paragraph = paragraphs.get(data.get("to_paragraph"))
        if paragraph is None:
            return _("carried to the current version by %(name)s") % {"name": name}
        return _("carried to %(label)s of %(version)s by %(name)s") % {
            "label": paragraph.display_label,
            "version": paragraph.version.label,
            "name": name,
        }
    by = name if facilitators is None else facilitators
    if action in BY_FACILITATORS:
        return BY_FACILITATORS[action]() % {"by": by}
    if action == "entry.rejected":
        if data.get("reason"):
            return _("rejected by %(by)s (reason: %(reason)s)") % {
                "by": by,
                "reason": data["reason"],
            }
        return _("rejected by %(by)s") % {"by": by}
    if action == "entry.decided":
        decision = Entry.Decision(data["decision"]).label if "decision" in data else ""
        if data.get("rationale"):
            return _("decision by %(by)s: %(decision)s (rationale: %(rationale)s)") % {
                "by": by,
                "decision": decision,
                "rationale": data["rationale"],
            }
        return _("decision by %(by)s: %(decision)s") % {"by": by, "decision": decision}
    if action == "entry.marked_duplicate":
        if data.get("duplicate_of"):
            return _("marked by %(by)s as a duplicate of entry #%(pk)s") % {
                "by": by,
                "pk": data["duplicate_of"],
            }
        return _("no longer marked as a duplicate, by %(by)s") % {"by": by}
    return None  # an action the history does not tell (none yet)


def entry_history(entry: Entry, *, facilitates: bool) -> list[Step]:
    """The entry's history, oldest first; several edits in a row by one person read as one
    step ("edited by Bob, 3 times"), dated by the last. ``facilitates``: the reader is one of
    the facilitators, who read each other's names."""
    events = list(
        AuditEvent.objects.filter(target=target_of(entry))
        .select_related("actor", "organisation")
        .order_by("created", "pk")
    )
    carried_to = [e.data.get("to_paragraph") for e in events if e.action == "entry.carried"]
    paragraphs = Paragraph.objects.select_related("version").in_bulk(
        [pk for pk in carried_to if isinstance(pk, int)]
    )
    facilitators = None if facilitates else _("the facilitators")
    steps: list[Step] = []
    previous = None
    for event in events:
        text = _sentence(event, entry, facilitators, paragraphs)
        if text is None:
            continue
        if (
            event.action == "entry.updated"
            and previous is not None
            and previous.action == "entry.updated"
            and previous.actor_id == event.actor_id
        ):
            steps[-1].when, steps[-1].times = event.created, steps[-1].times + 1
        else:
            steps.append(Step(event.created, text))
        previous = event
    for step in steps:
        if step.times > 1:
            step.text += ngettext(" (%(n)d time)", " (%(n)d times)", step.times) % {"n": step.times}
    return steps
