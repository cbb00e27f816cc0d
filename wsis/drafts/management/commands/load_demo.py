from django.core.management.base import BaseCommand

from wsis.drafts.demo import PASSWORD, load_demo
from wsis.stakeholders.demo import load_onboarding_demo


class Command(BaseCommand):
    help = "Load the WSIS+20 demo (idempotent) and print its sign-ins."

    def handle(self, *args, **options):
        sign_ins = load_demo()
        self.stdout.write("WSIS+20 demo loaded. Sign in with any of these users,")
        self.stdout.write(f"all with the password {PASSWORD!r}:")
        width = max(len(username) for username, _ in sign_ins)
        for username, what in sign_ins:
            self.stdout.write(f"  {username:<{width}}  {what}")
        self.stdout.write("\n".join(load_onboarding_demo()))
