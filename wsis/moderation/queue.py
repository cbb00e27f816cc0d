"""The facilitators' queue: submitted entries filtered by URL parameters, with facet counts.

Each filter is a facet: one URL parameter, one field. The count shown next to each
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
    Facet(
        "section",
        _("Section"),
        "paragraph__section__order",
        ("paragraph__section__heading", "paragraph__section__order"),
        numeric=True,
    ),
    Facet(
        "paragraph",
        _("Paragraph"),
        "paragraph__label",
        ("paragraph__kind", "paragraph__order"),
    ),
]
PARAMS = [facet.param for facet in FACETS] + ["q"]

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


class Queue:
    def __init__(self, base, params):
        self.base = base
        self.selected = {}
        for facet in FACETS:
            value = _clean(params.get(facet.param))
            if value:
                self.selected[facet.param] = value
        self.q = _clean(params.get("q"))

    def _filtered(self, skip: str | None = None):
        queryset = self.base
        for facet in FACETS:
            if facet.param != skip and facet.param in self.selected:
                value = self.selected[facet.param]
                if not facet.accepts(value):
                    return queryset.none()
                queryset = queryset.filter(**{facet.field: value})
        if self.q:
            queryset = queryset.filter(_words_filter(self.q))
        return queryset

    def entries(self):
        """Newest first, with what a row shows fetched in the same query."""
        return (
            self._filtered()
            .select_related("paragraph__section", "organisation__group")
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
            options = []
            for row in rows:
                value = row[facet.field]
                if facet.choices is not None:
                    name, order = facet.choices(value).label, list(facet.choices).index(value)
                elif facet.param == "paragraph":
                    prefix = "PP" if row["paragraph__kind"] == "preambular" else "OP"
                    name, order = f"{prefix} {value}", row["paragraph__order"]
                else:
                    name, order = row[facet.shown[0]], row[facet.shown[1]]
                options.append(
                    {
                        "value": str(value),
                        "name": name,
                        "n": row["n"],
                        "order": order,
                        "selected": self.selected.get(facet.param) == str(value),
                    }
                )
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
