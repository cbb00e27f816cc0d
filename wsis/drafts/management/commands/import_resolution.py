from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wsis.drafts.importer import DraftFormatError, VersionExists, decode, import_draft, parse
from wsis.drafts.models import Consultation


class Command(BaseCommand):
    help = "Import a plain-text resolution draft as a version of a consultation."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--consultation", required=True, help="the consultation's slug")
        parser.add_argument("--label", required=True, help="the version's label, e.g. 'Rev.1'")
        parser.add_argument("--title", help="the consultation's title, if it is created")
        parser.add_argument(
            "--replace", action="store_true", help="replace a version with the same label"
        )

    def handle(self, *args, file, consultation, label, title, replace, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        try:
            draft = parse(decode(data))
        except DraftFormatError as exc:
            raise CommandError(f"{file}: {exc}; nothing was imported") from exc
        found = Consultation.objects.filter(slug=consultation).first()
        if found is None:
            found = Consultation.objects.create(slug=consultation, title=title or draft.title)
        try:
            version = import_draft(found, label, draft, replace=replace)
        except VersionExists as exc:
            raise CommandError(f"{exc}; nothing was imported") from exc
        self.stdout.write(
            f"Imported {version}: {len(draft.sections)} sections, "
            f"{len(draft.paragraphs)} paragraphs."
        )
