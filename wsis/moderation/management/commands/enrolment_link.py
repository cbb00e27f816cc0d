from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from wsis.moderation.second_factor import issue_link


class Command(BaseCommand):
    help = (
        "Print a single-use link, valid for one day, with which USERNAME (signed in with "
        "their password) enrols an authenticator app; it replaces the account's earlier "
        "links and, once used, its earlier devices. Hand it over out of band."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--base-url",
            default="",
            help="The site's address, e.g. https://comments.example.org, to print a full link.",
        )

    def handle(self, *args, username, base_url, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active account named {username!r}.")
        path = reverse("moderation:enrol", args=[issue_link(user)])
        self.stdout.write(f"{base_url.rstrip('/')}{path}")
