import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from wsis.comments.models import Entry
from wsis.comments.rolling import as_plain_text
from wsis.drafts.akn import version_as_akn
from wsis.drafts.export import version_as_dict
from wsis.drafts.models import Version
from wsis.negotiation.convergence import negotiating_text
from wsis.reports.akn import amendment_list
from wsis.reports.compilation import Options, collect
from wsis.stakeholders.models import Organisation


class Command(BaseCommand):
    help = (
        "Print a version's structure (and optionally its entries) as JSON, its rolling text "
        "(every proposal inline in brackets, attributed), or Akoma Ntoso XML (AKN4UN): the "
        "version, or with --organisation (its submission) or --amendments (the compilation) "
        "an amendmentList."
    )

    def add_arguments(self, parser):
        parser.add_argument("--consultation", required=True)
        parser.add_argument("--label", required=True)
        parser.add_argument("--format", choices=["json", "rolling", "akn"], default="json")
        parser.add_argument("--with-entries", action="store_true")
        parser.add_argument(
            "--with-pending",
            action="store_true",
            help="rolling, akn: include the proposals pending moderation (default: published only)",
        )
        parser.add_argument(
            "--organisation", help="akn: the submission of this organisation (acronym)"
        )
        parser.add_argument(
            "--amendments",
            action="store_true",
            help="akn: every organisation's submitted entries (the compilation)",
        )

    def handle(self, *args, consultation, label, with_entries, with_pending, **options):
        version = (
            Version.objects.select_related("consultation")
            .filter(consultation__slug=consultation, label=label)
            .first()
        )
        if version is None:
            raise CommandError(f"no version {label!r} in consultation {consultation!r}")
        if options["format"] == "akn":
            self.stdout.write(
                self.akn(version, options["organisation"], options["amendments"], with_pending),
                ending="",
            )
            return
        if options["format"] == "rolling":
            sections = negotiating_text(version, with_pending=with_pending)[0]
            self.stdout.write(as_plain_text(version, sections), ending="")
            return
        entries = version.entries.all() if with_entries else None
        # Entries of earlier versions follow their paragraphs here once submitted.
        carried = Entry.objects.filter(status=Entry.Status.SUBMITTED) if with_entries else None
        data = version_as_dict(version, entries=entries, carried=carried)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    def akn(self, version, acronym, amendments, with_pending) -> str:
        if acronym is None and not amendments:
            return version_as_akn(version, timezone.now()).decode()
        organisation = None
        if acronym is not None:
            organisation = Organisation.objects.filter(acronym__iexact=acronym).first()
            if organisation is None:
                raise CommandError(f"no organisation with the acronym {acronym!r}")
        compilation = collect(version, Options(with_pending=with_pending), organisation)
        return amendment_list(compilation).decode()
