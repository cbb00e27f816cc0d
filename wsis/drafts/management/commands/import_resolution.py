from collections import Counter
from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from wsis.drafts.akn import read_draft
from wsis.drafts.importer import DraftFormatError, VersionExists, import_draft
from wsis.drafts.models import Consultation, Version
from wsis.drafts.services import RevisionError, import_revision, publish_version


class Command(BaseCommand):
    help = (
        "Import a resolution draft (plain text, or Akoma Ntoso XML as export_version --format "
        "akn writes it) as a version of a consultation. A version that "
        "follows another is aligned with it and stays in preparation until the alignment is "
        "confirmed (in the browser, or here with --accept-alignment)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--consultation", required=True, help="the consultation's slug")
        parser.add_argument("--label", required=True, help="the version's label, e.g. 'Rev.1'")
        parser.add_argument("--title", help="the consultation's title, if it is created")
        parser.add_argument(
            "--replace", action="store_true", help="replace a version with the same label"
        )
        parser.add_argument(
            "--accept-alignment",
            action="store_true",
            help="accept the suggested alignment and publish the version at once",
        )
        parser.add_argument(
            "--round-days",
            type=int,
            default=14,
            help="with --accept-alignment: days the new comment round stays open (default 14)",
        )

    def handle(self, *args, file, consultation, label, title, replace, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        try:
            draft = read_draft(data)
        except DraftFormatError as exc:
            raise CommandError(f"{file}: {exc}; nothing was imported") from exc
        found = Consultation.objects.filter(slug=consultation).first()
        if found is None:
            found = Consultation.objects.create(slug=consultation, title=title or draft.title)
        existing = found.versions.filter(label=label).first()
        # A version in preparation is replaced by importing it again, with or without --replace.
        replacing = existing is not None and (replace or existing.is_preparing)
        if replacing:
            replaced = (existing.paragraphs.count(), existing.report_jobs.count())
        try:
            if existing is not None and not existing.is_preparing:
                # A published version is replaced in place, as it was imported: no alignment.
                version = import_draft(found, label, draft, replace=replace)
            else:
                version = import_revision(found, label, draft)
        except (VersionExists, RevisionError) as exc:
            raise CommandError(f"{exc}; nothing was imported") from exc
        if replacing:
            self.stdout.write(
                _(
                    "Replaced %(label)s: its %(paragraphs)d paragraphs and %(reports)d "
                    "compilations were deleted (recorded in the audit log)."
                )
                % {"label": label, "paragraphs": replaced[0], "reports": replaced[1]}
            )
        self.stdout.write(
            f"Imported {version}: {len(draft.sections)} sections, "
            f"{len(draft.paragraphs)} paragraphs."
        )
        if not version.is_preparing:
            return
        kinds = Counter(version.links.values_list("kind", flat=True))
        summary = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
        self.stdout.write(f"Aligned with {version.previous().label}: {summary}.")
        if not options["accept_alignment"]:
            self.stdout.write(
                "The version is in preparation: confirm its alignment in the browser, "
                "or import it again with --accept-alignment."
            )
            return
        version.links.update(confirmed=True)
        closes_at = timezone.now() + timedelta(days=options["round_days"])
        try:
            publish_version(version, closes_at=closes_at)
        except RevisionError as exc:
            raise CommandError(str(exc)) from exc
        version.refresh_from_db()
        self.stdout.write(
            f"Published {version.label}; {Version.Status.SUPERSEDED.label}: "
            f"{version.previous().label}; comments open until {closes_at:%Y-%m-%d %H:%M} UTC."
        )
