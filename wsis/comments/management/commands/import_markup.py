from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils.translation import gettext as _

from wsis.comments import services
from wsis.comments.markup import MarkupError, read_copy
from wsis.comments.models import diff_pair
from wsis.drafts.access import get_version
from wsis.drafts.diff import word_diff
from wsis.stakeholders.models import Membership, Organisation

MARKS = {"insert": "[+{}+]", "delete": "[-{}-]", "equal": "{}"}


def marked_diff(old: str, new: str) -> str:
    """The word diff for a terminal: ``[+inserted+]`` and ``[-deleted-]``."""
    return "".join(MARKS[c.op].format(c.text) for c in word_diff(old, new))


class Command(BaseCommand):
    help = (
        "Read an organisation's marked-up copy of a version (DOCX with tracked changes, "
        "comments or marks typed by hand, or plain text) and print the proposals it makes; "
        "without --dry-run, save them as the organisation's drafts."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--consultation", required=True, help="the consultation's slug")
        parser.add_argument("--label", required=True, help="the version's label, e.g. 'Zero draft'")
        parser.add_argument("--organisation", required=True, help="the organisation's acronym")
        parser.add_argument("--dry-run", action="store_true", help="print, save nothing")
        parser.add_argument(
            "--user",
            help="the member who authors the drafts (default: the organisation's focal point, "
            "recorded as imported by an operator)",
        )

    def handle(self, *args, file, consultation, label, organisation, dry_run, user, **options):
        try:
            # Published versions only: a copy is read against what delegations were sent.
            version = get_version(consultation, label)
        except Http404:
            raise CommandError(f"no version {label!r} in consultation {consultation!r}") from None
        found = Organisation.objects.filter(acronym=organisation).first()
        if found is None:
            raise CommandError(f"no organisation with the acronym {organisation!r}")
        author = self._author(found, user)
        try:
            reading = read_copy(version, file.name, file.read_bytes())
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        except MarkupError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        self._print(version, reading)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was saved."))
            return
        entries, outcome = services.import_markup(
            version, reading.proposals, organisation=found, author=author, operator=user is None,
            source={"filename": file.name, "sha256": reading.sha256},
        )  # fmt: skip
        self.stdout.write(
            _("Saved %(count)d drafts of %(organisation)s from %(file)s.")
            % {"count": len(entries), "organisation": found.acronym, "file": file.name}
        )
        if outcome == services.LATE:
            self.stdout.write(_("The comment round is closed for this organisation."))

    def _author(self, organisation, username):
        members = Membership.objects.filter(organisation=organisation).select_related("user")
        if username is not None:
            user = get_user_model().objects.filter(username=username).first()
            if user is None or not members.filter(user=user).exists():
                raise CommandError(f"{username!r} is not a member of {organisation.acronym}")
            return user
        member = members.filter(role=Membership.Role.FOCAL_POINT).order_by("pk").first()
        if member is None:
            raise CommandError(
                f"{organisation.acronym} has no focal point to author the drafts: give --user"
            )
        return member.user

    def _print(self, version, reading):
        texts = dict(version.paragraphs.values_list("pk", "text"))
        self.stdout.write(
            _("%(count)d proposals in %(file)s (%(share)d%% of its wording is in %(label)s):")
            % {
                "count": len(reading.proposals),
                "file": reading.filename,
                "share": round(reading.matched_share * 100),
                "label": version.label,
            }
        )
        for proposal in reading.proposals:
            self.stdout.write(f"- {proposal.label}: {proposal.kind}")
            pair = diff_pair(proposal.kind, texts[proposal.paragraph], proposal.proposed_text)
            if pair is not None:
                self.stdout.write(f"  {marked_diff(*pair)}")
            if proposal.text:
                self.stdout.write(f"  {_('Note')}: {proposal.text}")
        if reading.unmatched:
            self.stdout.write(_("Not matched with any paragraph:"))
            for piece in reading.unmatched:
                self.stdout.write(f"- {piece.label or '?'}: {piece.proposed or piece.base}")
