import json

from django.core.management.base import BaseCommand, CommandError

from wsis.comments.models import Entry
from wsis.comments.rolling import as_plain_text
from wsis.drafts.export import version_as_dict
from wsis.drafts.models import Version
from wsis.negotiation.convergence import negotiating_text


class Command(BaseCommand):
    help = (
        "Print a version's structure (and optionally its entries) as JSON, or its rolling text: "
        "every proposal inline in brackets, attributed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--consultation", required=True)
        parser.add_argument("--label", required=True)
        parser.add_argument("--format", choices=["json", "rolling"], default="json")
        parser.add_argument("--with-entries", action="store_true")
        parser.add_argument(
            "--with-pending",
            action="store_true",
            help="rolling: include the proposals pending moderation (default: published only)",
        )

    def handle(self, *args, consultation, label, with_entries, with_pending, **options):
        version = (
            Version.objects.select_related("consultation")
            .filter(consultation__slug=consultation, label=label)
            .first()
        )
        if version is None:
            raise CommandError(f"no version {label!r} in consultation {consultation!r}")
        if options["format"] == "rolling":
            sections = negotiating_text(version, with_pending=with_pending)[0]
            self.stdout.write(as_plain_text(version, sections), ending="")
            return
        entries = version.entries.all() if with_entries else None
        # Entries of earlier versions follow their paragraphs here once submitted.
        carried = Entry.objects.filter(status=Entry.Status.SUBMITTED) if with_entries else None
        data = version_as_dict(version, entries=entries, carried=carried)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
