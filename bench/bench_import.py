"""Importing the zero draft: parsing alone, and parsing plus writing to Postgres."""

from django.db import transaction

from bench.timing import figure, median_seconds
from wsis.drafts.demo import ZERO_DRAFT
from wsis.drafts.importer import decode, import_draft, parse
from wsis.drafts.models import Consultation


def run() -> dict:
    data = ZERO_DRAFT.read_bytes()
    parse_time = median_seconds(lambda: parse(decode(data)), repeat=21)

    consultation, _ = Consultation.objects.get_or_create(slug="bench-import", title="Bench")

    def import_once():
        with transaction.atomic():
            import_draft(consultation, "Zero draft", parse(decode(data)), replace=True)

    import_time = median_seconds(import_once, repeat=9)
    consultation.delete()
    return {
        "import.zero_draft.parse": figure(parse_time * 1000, "ms", paragraphs=155),
        "import.zero_draft.parse_and_write": figure(import_time * 1000, "ms", paragraphs=155),
    }
