import json

from django.core.management.base import BaseCommand, CommandError

from wsis.comments.ledger import ledger
from wsis.drafts.models import Consultation
from wsis.stakeholders.models import Organisation


class Command(BaseCommand):
    help = (
        "Print how an organisation's input was addressed: every entry it submitted in the "
        "consultation, its moderation, decision and rationale, and the paragraph of the "
        "latest published version it now sits in (null when not taken in)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--consultation", required=True, help="the consultation's slug")
        parser.add_argument("--organisation", required=True, help="the organisation's acronym")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, consultation, organisation, **options):
        found = Consultation.objects.filter(slug=consultation).first()
        if found is None:
            raise CommandError(f"No consultation {consultation!r}.")
        member = Organisation.objects.filter(acronym=organisation).first()
        if member is None:
            raise CommandError(f"No organisation with the acronym {organisation!r}.")
        data = [line.as_json() for line in ledger(found, member)]
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
