"""The facilitators' queue: submitted entries filtered by URL parameters, with facet counts.

Each filter is a facet: one URL parameter, one field (or, for the section and the paragraph,
where the entry sits in the version shown: ``Placement``). The count shown next to each
value of a facet is computed with every *other* filter applied, so it says how many
entries picking that value would show. One aggregate query per facet, whatever the
number of entries.
"""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from wsis.comments.models import Entry, Support


@dataclass(frozen=True)
class Facet:
    param: str
    label: str
    field: str
    # Extra fields read with the value: the first is the display name, the rest order it.
    shown: tuple[str, ...] = ()
    choices: type | None = None
    # A number in the database: a value that is not one (a hand-made URL) matches nothing.
    numeric: bool = False
    # Read where an entry sits in the version shown (``Placement``), not on the entry: one made
    # on an earlier version counts under the paragraph that continues its own.
    placed: bool = False

    def accepts(self, value: str) -> bool:
        return not self.numeric or (value.isascii() and value.isdigit() and int(value) < 2**31)


FACETS = [
    Facet("moderation", _("Moderation"), "moderation", choices=Entry.Moderation),
    Facet("decision", _("Decision"), "decision", choices=Entry.Decision),
    Facet("kind", _("Kind"), "kind", choices=Entry.Kind),
    Facet(
        "group",
        _("Stakeholder group"),
        "organisation__group__code",
        ("organisation__group__name", "organisation__group__order"),
    ),
    Facet(
        "organisation",
        _("Organisation"),
        "organisation__acronym",
        ("organisation__name", "organisation__name"),
    ),
    Facet("section", _("Section"), "paragraph_id", numeric=True, placed=True),
    Facet("paragraph", _("Paragraph"), "paragraph_id", placed=True),
]
PARAMS = [facet.param for facet in FACETS] + ["q"]
# The queue opens on what waits for review; ``moderation=all`` shows every state.
DEFAULT_MODERATION = Entry.Moderation.PENDING
ALL = "all"

# A correlated subquery, not a join and GROUP BY: Postgres counts supporters only for the
# rows of the page, after sorting and cutting, however many entries match.
SUPPORTERS = Coalesce(
    Subquery(
        Support.objects.filter(entry=OuterRef("pk"))
        .order_by()
        .values("entry")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    ),
    0,
)


def _words_filter(text: str) -> Q:
    q = Q()
    for word in text.split()[:10]:
        q &= Q(text__icontains=word) | Q(proposed_text__icontains=word)
    return q


def _clean(value: str | None) -> str:
    # PostgreSQL refuses a NUL in any text it is asked to compare: only a hand-made URL has one.
    return (value or "").replace("\x00", "").strip()


def _placed_value(facet: Facet, paragraph) -> tuple[str, str, int]:
    """A paragraph of the version as a value of a placed facet: value, name, order."""
    if facet.param == "section":
        section = paragraph.section
        return str(section.order), section.heading, section.order
    return paragraph.label, paragraph.display_label, paragraph.order


class Queue:
    def __init__(self, placement, params):
        self.placement = placement
        self.base = placement.entries()
        self.selected = {}
        for facet in FACETS:
            value = _clean(params.get(facet.param))
            if facet.param == "moderation" and "moderation" not in params:
                value = DEFAULT_MODERATION
            if value and value != ALL:
                self.selected[facet.param] = value
        self.q = _clean(params.get("q"))

    def _filtered(self, skip: str | None = None):
        queryset = self.base
        for facet in FACETS:
            if facet.param != skip and facet.param in self.selected:
                value = self.selected[facet.param]
                if not facet.accepts(value):
                    return queryset.none()
                if facet.placed:
                    queryset = queryset.filter(paragraph_id__in=self._placed_sources(facet, value))
                else:
                    queryset = queryset.filter(**{facet.field: value})
        if self.q:
            queryset = queryset.filter(_words_filter(self.q))
        return queryset

    def _placed_sources(self, facet: Facet, value: str) -> list[int]:
        paragraphs = self.placement.paragraphs.values()
        return self.placement.sources_of(
            p for p in paragraphs if _placed_value(facet, p)[0] == value
        )

    def _option(self, facet: Facet, row) -> dict:
        value = row[facet.field]
        if facet.choices is not None:
            name, order = facet.choices(value).label, list(facet.choices).index(value)
        else:
            name, order = row[facet.shown[0]], row[facet.shown[1]]
        return {
            "value": str(value),
            "name": name,
            "n": row["n"],
            "order": order,
            "selected": self.selected.get(facet.param) == str(value),
        }

    def _placed_options(self, facet: Facet, rows) -> list[dict]:
        """Counts per paragraph made on, summed where those entries sit in the version. An
        entry counts once per value it sits under (a split paragraph's entries sit on both
        parts); entries whose paragraph was deleted sit nowhere and count under none."""
        counted: dict[str, dict] = {}
        for row in rows:
            values = {}
            for paragraph in self.placement.targets_of(row["paragraph_id"]):
                value, name, order = _placed_value(facet, paragraph)
                values[value] = (name, order)
            for value, (name, order) in values.items():
                option = counted.setdefault(
                    value,
                    {
                        "value": value,
                        "name": name,
                        "n": 0,
                        "order": order,
                        "selected": self.selected.get(facet.param) == value,
                    },
                )
                option["n"] += row["n"]
        return list(counted.values())

    def entries(self):
        """Newest first, with what a row shows fetched in the same query."""
        return (
            self._filtered()
            .select_related("paragraph__section", "paragraph__version", "organisation__group")
            .annotate(supporters=SUPPORTERS)
            .order_by("-submitted_at", "-pk")
        )

    def facets(self) -> list[dict]:
        out = []
        for facet in FACETS:
            rows = (
                self._filtered(skip=facet.param)
                .order_by()
                .values(facet.field, *facet.shown)
                .annotate(n=Count("pk"))
            )
            if facet.placed:
                options = self._placed_options(facet, rows)
            else:
                options = [self._option(facet, row) for row in rows]
            options.sort(key=lambda option: (option["order"], option["name"]))
            if facet.choices is not None:
                # Every state is listed, even at zero, so the tabs do not move about.
                present = {option["value"] for option in options}
                for value in facet.choices:
                    if value.value not in present:
                        options.append(
                            {
                                "value": value.value,
                                "name": value.label,
                                "n": 0,
                                "order": list(facet.choices).index(value),
                                "selected": self.selected.get(facet.param) == value.value,
                            }
                        )
                options.sort(key=lambda option: option["order"])
            out.append(
                {
                    "param": facet.param,
                    "label": facet.label,
                    "options": options,
                    "selected": self.selected.get(facet.param, ""),
                }
            )
        return out

    @property
    def is_filtered(self) -> bool:
        return bool(self.selected or self.q)
