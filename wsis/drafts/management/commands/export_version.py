import json

from django.core.management.base import BaseCommand, CommandError

from wsis.comments.models import Entry
from wsis.drafts.export import version_as_dict
from wsis.drafts.models import Version


class Command(BaseCommand):
    help = "Print a version's structure (and optionally its entries) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--consultation", required=True)
        parser.add_argument("--label", required=True)
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--with-entries", action="store_true")

    def handle(self, *args, consultation, label, with_entries, **options):
        version = (
            Version.objects.select_related("consultation")
            .filter(consultation__slug=consultation, label=label)
            .first()
        )
        if version is None:
            raise CommandError(f"no version {label!r} in consultation {consultation!r}")
        entries = version.entries.all() if with_entries else None
        # Entries of earlier versions follow their paragraphs here once submitted.
        carried = Entry.objects.filter(status=Entry.Status.SUBMITTED) if with_entries else None
        data = version_as_dict(version, entries=entries, carried=carried)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
