"""Write the API's OpenAPI schema (the committed docs/api/openapi.json is made with `make schema`)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from legami.api.openapi import render_openapi


class Command(BaseCommand):
    help = "Write the OpenAPI schema of /api/v1/ as sorted, indented JSON."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default="-", help="File to write; '-' (the default) for stdout.")

    def handle(self, *args, output: str, **options):
        text = render_openapi()
        if output == "-":
            self.stdout.write(text, ending="")
            return
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path}")
