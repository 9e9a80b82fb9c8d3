"""`manage.py reset_two_factor EMAIL`: a lost phone. Removes the account's authenticator and recovery codes (and
its pause after wrong codes); at the next log-in it turns the verification on again. Audited."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from legami.accounts.services.two_factor import reset_two_factor


class Command(BaseCommand):
    help = "Remove the two-factor devices of the account with this e-mail address (a lost or changed phone)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the e-mail address of the account")

    def handle(self, *args, **options) -> None:
        email = options["email"].strip()
        if not email:
            raise CommandError("Give the e-mail address of the account.")
        try:
            removed = reset_two_factor(email=email)
        except LookupError:
            raise CommandError(f"No account has the e-mail address {email!r}.") from None
        if removed:
            self.stdout.write(
                f"Two-factor verification reset for {email}: {removed} device(s) removed. At the next log-in the "
                "account turns it on again (check first that the request really comes from its owner)."
            )
        else:
            self.stdout.write(f"{email} had no two-factor device: nothing to remove.")
