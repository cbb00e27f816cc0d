"""Full-text search over a version's paragraphs and the entries a reader may see.

PostgreSQL's text search in the version's language (``Version.search_config``): the words
are read as a web search engine reads them ("quoted phrases", -exclusions, ``or``), entries are
found through their GIN index on the same expression (``search_indexes``), a version's few
hundred paragraphs through the version's index, and the results are ranked, their matches
highlighted. Which entries a reader finds is ``visible_to``, as on
the panels: a search shows nothing a panel would not.
"""

import secrets
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from wsis.comments.models import SEARCHED_FIELDS, Entry
from wsis.drafts.models import Paragraph, Section, Version, search_vector
from wsis.stakeholders.access import facilitated_consultations, request_memberships
from wsis.stakeholders.models import Organisation, StakeholderGroup

# Longer than any phrase worth searching for; a pasted paragraph is refused with a message.
MAX_QUERY = 200
# Around the matches, enough words to recognise the passage: one passage, as PostgreSQL's
# fragments (MaxFragments) cut a short text down to the words next to a match.
HEADLINE = {"max_words": 35, "min_words": 15}


def visible_entries(request) -> QuerySet:
    """``Entry.objects.visible_to`` the reader, with who they are asked once per request (as
    the panel asks it)."""
    return Entry.objects.visible_to(
        request.user,
        organisation_ids=[m.organisation_id for m in request_memberships(request)],
        consultation_ids=[c.pk for c in facilitated_consultations(request)],
    )


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to. ``kind`` is a paragraph's kind (its paragraphs and the
    entries on them) or an entry's (those entries only); an organisation or a group also
    leaves the paragraphs out, since nobody wrote them."""

    section: Section | None = None
    kind: str = ""
    organisation: Organisation | None = None
    group: StakeholderGroup | None = None

    @property
    def entries_only(self) -> bool:
        return bool(self.organisation or self.group or self.kind in Entry.Kind.values)


class Search:
    """One search of ``words`` in ``version``: its querysets are ranked, filtered and carry
    their highlighted passages, so that a page of them is one query each."""

    def __init__(self, version: Version, words: str, filters: Filters | None = None):
        self.version = version
        self.filters = filters or Filters()
        self.config = version.search_config
        self.query = SearchQuery(words, config=self.config, search_type="websearch")
        # Where a match starts and stops in a passage: unguessable, so that no text can hold
        # them; the passage is escaped and only they become <mark> (``highlighted``).
        token = secrets.token_hex(8)
        self.start, self.stop = f"s{token}s", f"e{token}e"

    def _headline(self, field: str) -> SearchHeadline:
        return SearchHeadline(
            field,
            self.query,
            config=self.config,
            start_sel=self.start,
            stop_sel=self.stop,
            **HEADLINE,
        )

    def matching(self, queryset: QuerySet, *fields: str) -> QuerySet:
        """``queryset`` narrowed to the rows whose ``fields`` hold the words."""
        vector = search_vector(self.config, *fields)
        return queryset.alias(vector=vector).filter(vector=self.query)

    def paragraphs(self) -> QuerySet:
        """The version's paragraphs holding the words, best first, then in document order."""
        if self.filters.entries_only:
            return Paragraph.objects.none()
        found = self.matching(self.version.paragraphs.all(), "text")
        if self.filters.section:
            found = found.filter(section=self.filters.section)
        if self.filters.kind:
            found = found.filter(kind=self.filters.kind)
        return (
            found.select_related("section")
            .annotate(rank=SearchRank(F("vector"), self.query), passage=self._headline("text"))
            .order_by("-rank", "order")
        )

    def entries(self, visible: QuerySet) -> QuerySet:
        """The entries on the version, among ``visible`` (``visible_entries``), holding the
        words in their comment, justification or wording; best first."""
        # Matched in a subquery, so that PostgreSQL finds the rows through the GIN index
        # whatever else narrows them down: for an anonymous reader it would rather read every
        # published entry through their own index and compute each one's words (over 10,000
        # entries, 1.3 s instead of 40 ms; ``bench/bench_search.py``).
        ids = self.matching(Entry.objects.order_by(), *SEARCHED_FIELDS).values("pk")
        found = visible.filter(version=self.version, pk__in=ids).alias(
            vector=search_vector(self.config, *SEARCHED_FIELDS)
        )
        filters = self.filters
        if filters.section:
            found = found.filter(paragraph__section=filters.section)
        if filters.kind in Paragraph.Kind.values:
            found = found.filter(paragraph__kind=filters.kind)
        elif filters.kind:
            found = found.filter(kind=filters.kind)
        if filters.organisation:
            found = found.filter(organisation=filters.organisation)
        if filters.group:
            found = found.filter(organisation__group=filters.group)
        return (
            found.select_related("organisation__group", "paragraph")
            .annotate(
                rank=SearchRank(F("vector"), self.query),
                passage=self._headline("text"),
                proposed_passage=self._headline("proposed_text"),
            )
            .order_by("-rank", "paragraph__order", "pk")
        )

    def highlighted(self, passage: str, whole: str) -> SafeString:
        """A passage of the text ``whole`` as HTML: escaped, its matches marked, and an
        ellipsis where it starts or stops inside the text."""
        html = escape(passage.strip()).replace(self.start, "<mark>").replace(self.stop, "</mark>")
        words = passage.replace(self.start, "").replace(self.stop, "").split()
        text = whole.split()
        if words and text[: len(words[:3])] != words[:3]:
            html = "… " + html
        if words and text[-len(words[-3:]) :] != words[-3:]:
            html += " …"
        return mark_safe(html)  # noqa: S308 - escaped above; only our markers became tags


class Results:
    """The paragraphs, then the entries, as one sequence for a ``Paginator``: a page asks for
    the rows it shows and no more, each highlighted."""

    def __init__(self, search: Search, paragraphs: QuerySet, entries: QuerySet):
        self.search = search
        self.paragraphs = paragraphs
        self.entries = entries
        self.paragraph_count = paragraphs.count()
        self.entry_count = entries.count()

    def count(self) -> int:
        return self.paragraph_count + self.entry_count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list:
        start, stop = window.start or 0, window.stop
        split = self.paragraph_count
        rows = []
        if start < split:
            rows += list(self.paragraphs[start : min(stop, split)])
        if stop > split:
            rows += list(self.entries[max(start - split, 0) : stop - split])
        for row in rows:
            row.passage = self.search.highlighted(row.passage, row.text)
            if isinstance(row, Entry):
                row.proposed_passage = self.search.highlighted(
                    row.proposed_passage, row.proposed_text
                )
        return rows
