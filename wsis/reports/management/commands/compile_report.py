"""Render a report synchronously, through the same code as the worker."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wsis.drafts.models import Version
from wsis.reports.compilation import Options
from wsis.reports.rendering import pdf_pages, render
from wsis.stakeholders.models import Organisation, StakeholderGroup


class Command(BaseCommand):
    help = "Compile the comments on a version into a PDF, DOCX or CSV file."

    def add_arguments(self, parser):
        parser.add_argument("--consultation", required=True, help="slug, e.g. wsis20")
        parser.add_argument("--label", required=True, help='version label, e.g. "Zero draft"')
        parser.add_argument("--organisation", help="acronym: that organisation's submission")
        parser.add_argument("--format", choices=["pdf", "docx", "csv"], default="pdf")
        parser.add_argument("--out", required=True, help="file to write")
        parser.add_argument(
            "--with-pending",
            action="store_true",
            help="include entries pending moderation, each marked so (by default: published only)",
        )
        parser.add_argument("--groups", help="comma-separated stakeholder group codes")
        parser.add_argument("--first-section", type=int, help="section number, from 1")
        parser.add_argument("--last-section", type=int, help="section number, from 1")
        parser.add_argument("--without-decisions", action="store_true")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE)

    def handle(self, *args, **options):
        version = (
            Version.objects.select_related("consultation")
            .filter(consultation__slug=options["consultation"], label=options["label"])
            .first()
        )
        if version is None:
            raise CommandError(
                f"No version {options['label']!r} in consultation {options['consultation']!r}."
            )
        organisation = None
        if options["organisation"]:
            organisation = (
                Organisation.objects.select_related("group")
                .filter(acronym__iexact=options["organisation"])
                .first()
            )
            if organisation is None:
                raise CommandError(f"No organisation with acronym {options['organisation']!r}.")
        groups = tuple(sorted(filter(None, (options["groups"] or "").split(","))))
        unknown = set(groups) - set(StakeholderGroup.objects.values_list("code", flat=True))
        if unknown:
            raise CommandError(f"Unknown stakeholder groups: {', '.join(sorted(unknown))}.")
        fmt = options["format"]
        if fmt == "csv":
            kind = "entries"
        else:
            kind = "submission" if organisation else "compilation"
        report_options = Options(
            with_pending=options["with_pending"],
            groups=groups,
            first_section=options["first_section"],
            last_section=options["last_section"],
            with_decisions=not options["without_decisions"],
        )
        out = Path(options["out"])
        size = render(
            out,
            kind=kind,
            fmt=fmt,
            version=version,
            organisation=organisation,
            options=report_options,
            language=options["language"],
        )
        pages = f", {pdf_pages(out)} pages" if fmt == "pdf" else ""
        self.stdout.write(f"Wrote {out} ({size} bytes{pages}).")
