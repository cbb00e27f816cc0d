from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wsis.drafts.demo import PASSWORD, load_demo
from wsis.stakeholders.demo import load_onboarding_demo


class Command(BaseCommand):
    help = "Load the WSIS+20 demo (idempotent) and print its sign-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load it even with DEBUG off (a staging site, say).",
        )

    def handle(self, *args, **options):
        # The demo's users share one published password, and one of them is a facilitator.
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG is off: this looks like a production site, and the demo would add users "
                f"who all sign in with the published password {PASSWORD!r}, a facilitator "
                "among them. Nothing was loaded. Run it with --allow-production if this site "
                "is meant for demonstrations."
            )
        sign_ins = load_demo()
        self.stdout.write("WSIS+20 demo loaded. Sign in with any of these users,")
        self.stdout.write(f"all with the password {PASSWORD!r}:")
        width = max(len(username) for username, _ in sign_ins)
        for username, what in sign_ins:
            self.stdout.write(f"  {username:<{width}}  {what}")
        self.stdout.write("\n".join(load_onboarding_demo()))
