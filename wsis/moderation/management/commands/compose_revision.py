from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from wsis.drafts.models import Version
from wsis.drafts.services import RevisionError, publish_version
from wsis.moderation.compose import ComposeError, compose_revision


class Command(BaseCommand):
    help = (
        "Compose the next version from the current one and the decisions: incorporated "
        "amendments, deletions and new paragraphs applied, partially incorporated proposals "
        "listed for the facilitator, conflicts left for them to resolve in the browser."
    )

    def add_arguments(self, parser):
        parser.add_argument("--consultation", required=True, help="the consultation's slug")
        parser.add_argument(
            "--from", dest="source", required=True, help="the current version's label"
        )
        parser.add_argument("--label", required=True, help="the new version's label, e.g. Rev.1")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish it at once (refused while proposals are in conflict)",
        )
        parser.add_argument(
            "--round-days",
            type=int,
            default=14,
            help="with --publish: days the new comment round stays open (default 14)",
        )

    def handle(self, *args, consultation, source, label, publish, round_days, **options):
        found = (
            Version.objects.filter(consultation__slug=consultation, label=source)
            .exclude(status=Version.Status.PREPARING)
            .select_related("consultation")
            .first()
        )
        if found is None:
            raise CommandError(f"No published version {source!r} in consultation {consultation!r}.")
        closes_at = timezone.now() + timedelta(days=round_days)
        try:
            # Composed and published together, or neither.
            with transaction.atomic():
                composition = compose_revision(found, label)
                if publish:
                    publish_version(composition.version, closes_at=closes_at)
        except (ComposeError, RevisionError) as exc:
            raise CommandError(f"{exc} Nothing was composed.") from exc
        version = composition.version
        proposals = "proposal" if composition.applied == 1 else "proposals"
        self.stdout.write(
            f"Composed {version.label} from {found.label}: {version.paragraphs.count()} "
            f"paragraphs; {composition.applied} {proposals} applied, {composition.by_hand} to "
            "write in by hand."
        )
        if composition.conflicts:
            labels = ", ".join(p.display_label for p in composition.conflicts)
            self.stdout.write(f"In conflict, to resolve in the browser: {labels}.")
        if publish:
            self.stdout.write(
                f"Published {version.label}; comments open until {closes_at:%Y-%m-%d %H:%M} UTC."
            )
        else:
            self.stdout.write(
                f"{version.label} is in preparation: edit it in the browser, then publish it."
            )
