"""`manage.py load_demo`: create the demo network "Wel(l)FARE legami — Provincia di Cremona"."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from legami.demo import data
from legami.demo.generator import FULL_PEOPLE, SEED, SMALL_PEOPLE, demo_digest, load_demo


class Command(BaseCommand):
    help = "Create the demo network through the services (idempotent: a second run adds nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--small", action="store_true", help=f"{SMALL_PEOPLE} people instead of {FULL_PEOPLE} (for tests)"
        )
        parser.add_argument("--people", type=int, help="how many people to generate (overrides --small)")
        parser.add_argument("--seed", type=int, default=SEED, help="random seed (same seed, same demo)")

    def handle(self, *args, **options):
        verbose = options["verbosity"] >= 2

        def log(message: str) -> None:
            if verbose:
                self.stdout.write(f"  {message}")

        if options["people"] is not None and options["people"] < 1:
            raise CommandError(_("--people must be at least 1."))
        try:
            result = load_demo(small=options["small"], people=options["people"], seed=options["seed"], log=log)
        except ValidationError as exc:
            raise CommandError(_("The demo could not be created: %(error)s") % {"error": exc}) from exc

        network = result.network
        if result.created:
            created = ", ".join(f"{what}: {n}" for what, n in sorted(result.created.items()))
            self.stdout.write(self.style.SUCCESS(_("Demo network ready: %(name)s.") % {"name": network.name}))
            self.stdout.write(_("Created: %(what)s.") % {"what": created})
        else:
            self.stdout.write(
                self.style.SUCCESS(_("The demo network %(name)s was already complete.") % {"name": network.name})
            )
        self.stdout.write(
            _("Address: /%(slug)s/ — time: %(seconds)s s") % {"slug": network.slug, "seconds": result.seconds}
        )
        if verbose:
            self.stdout.write(_("Content fingerprint: %(digest)s") % {"digest": demo_digest(network)})
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))

        headers = (_("E-mail"), _("Role"), _("Limited to"))
        rows = [(a.email, a.role, a.scope) for a in result.accounts]
        widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(3)]
        self.stdout.write("")
        self.stdout.write("  ".join(f"{h:<{w}}" for h, w in zip(headers, widths, strict=True)).rstrip())
        self.stdout.write("  ".join("-" * w for w in widths))
        for row in rows:
            self.stdout.write("  ".join(f"{str(c):<{w}}" for c, w in zip(row, widths, strict=True)).rstrip())
        self.stdout.write("")
        self.stdout.write(_("Password of every account: %(password)s") % {"password": data.PASSWORD})
