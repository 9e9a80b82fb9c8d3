"""The files that let a public body adopt legami: the licence, publiccode.yml, the contributor and security guides.

No publiccode.yml validator installs here, so this checks the keys the standard (version 0.4) requires, their
types and limits, and that the file agrees with the project (version, licence, languages).
"""

import datetime
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]

PLATFORMS = {"web", "windows", "mac", "linux", "ios", "android"}
SOFTWARE_TYPES = {
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
}
DEVELOPMENT_STATUSES = {"concept", "development", "beta", "stable", "obsolete"}
MAINTENANCE_TYPES = {"internal", "contract", "community", "none"}


@pytest.fixture(scope="module")
def publiccode() -> dict:
    return yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_publiccode_has_the_required_top_level_keys(publiccode):
    required = {
        "publiccodeYmlVersion",
        "name",
        "url",
        "platforms",
        "softwareType",
        "developmentStatus",
        "description",
        "legal",
        "maintenance",
        "localisation",
    }
    assert required <= publiccode.keys(), f"missing: {sorted(required - publiccode.keys())}"
    assert publiccode["publiccodeYmlVersion"] == "0.4"
    assert re.fullmatch(r"https://\S+", publiccode["url"])


def test_publiccode_values_are_among_the_standard_ones(publiccode):
    assert publiccode["platforms"] and set(publiccode["platforms"]) <= PLATFORMS
    assert publiccode["softwareType"] in SOFTWARE_TYPES
    assert publiccode["developmentStatus"] in DEVELOPMENT_STATUSES
    maintenance = publiccode["maintenance"]
    assert maintenance["type"] in MAINTENANCE_TYPES
    if maintenance["type"] in {"internal", "contract", "community"}:
        assert maintenance["contacts"] and all(contact.get("name") for contact in maintenance["contacts"])
    datetime.date.fromisoformat(publiccode["releaseDate"])


@pytest.mark.parametrize("language", ["it", "en"])
def test_publiccode_describes_legami_in_italian_and_english(publiccode, language):
    description = publiccode["description"][language]
    assert 0 < len(description["shortDescription"]) <= 150
    assert 150 <= len(description["longDescription"]) <= 10000
    assert description["features"] and all(0 < len(feature) <= 100 for feature in description["features"])


def test_publiccode_agrees_with_the_project(publiccode, project):
    assert publiccode["name"] == project["name"]
    assert publiccode["softwareVersion"] == project["version"]
    assert publiccode["legal"]["license"] == project["license"]["text"]
    localisation = publiccode["localisation"]
    assert localisation["localisationReady"] is True
    assert set(localisation["availableLanguages"]) == {code for code, _ in settings.LANGUAGES}
    assert publiccode["IT"]["countryExtensionVersion"] == "1.0"


def test_the_licence_file_holds_the_full_agpl(project):
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert project["license"]["text"] == "AGPL-3.0-or-later"
    assert licence.startswith("GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007")
    # The full text, not a notice: all seventeen sections up to the end of the terms.
    assert "17. Interpretation of Sections 15 and 16." in licence
    assert "END OF TERMS AND CONDITIONS" in licence


@pytest.mark.parametrize("name", ["CONTRIBUTING.md", "SECURITY.md", "CHANGELOG.md"])
def test_the_project_guides_exist(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    assert text.startswith("# ") and len(text) > 400
