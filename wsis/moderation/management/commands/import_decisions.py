from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wsis.drafts.models import Version
from wsis.moderation.decisions_import import DecisionsFileError, import_decisions


class Command(BaseCommand):
    help = (
        "Record decisions from the compilation CSV the platform exports (columns entry, "
        "decision, decision rationale; the others are ignored). Every row is checked first; "
        "if any is wrong, each is named with its line and nothing is recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--consultation", required=True, help="the consultation's slug")
        parser.add_argument("--label", required=True, help="the version's label, e.g. 'Zero draft'")

    def handle(self, *args, file, consultation, label, **options):
        version = (
            Version.objects.filter(consultation__slug=consultation, label=label)
            .exclude(status=Version.Status.PREPARING)
            .select_related("consultation")
            .first()
        )
        if version is None:
            raise CommandError(f"No published version {label!r} in consultation {consultation!r}.")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        try:
            result = import_decisions(version, data)
        except DecisionsFileError as exc:
            raise CommandError(
                "\n".join([f"{file}: nothing was recorded.", *exc.messages])
            ) from exc
        self.stdout.write(f"{version.label}: {result.summary()}")
