"""The fixed cast of personas every test uses, in one network, plus an outsider from another.

Personas: coordinator, case_manager, community_worker, partner_staff, evaluator, funder,
citizen, privacy_officer (all members of `network`), district_case_manager (a case manager
limited to one district), outsider (coordinator of `other_network`), platform_admin (a
superuser with no role in any network) and anonymous (None).
"""

from dataclasses import dataclass

import pytest

from legami.core.roles import Role
from legami.core.tests import factories as f


@dataclass
class Cast:
    network: object
    other_network: object
    district: object
    other_district: object
    municipalities: list
    organization: object
    users: dict

    def __getattr__(self, name):
        try:
            return self.__dict__["users"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc


PERSONA_ROLES = {
    "coordinator": Role.COORDINATOR,
    "case_manager": Role.CASE_MANAGER,
    "community_worker": Role.COMMUNITY_WORKER,
    "partner_staff": Role.PARTNER_STAFF,
    "evaluator": Role.EVALUATOR,
    "funder": Role.FUNDER,
    "citizen": Role.CITIZEN,
    "privacy_officer": Role.PRIVACY_OFFICER,
    "sentinel": Role.SENTINEL,
}
PERSONAS = [*PERSONA_ROLES, "district_case_manager", "outsider", "platform_admin", "anonymous"]


def pytest_configure(config):
    # SecurityMiddleware reads SECURE_SSL_REDIRECT once, when a handler is built; the session-wide
    # live server of the browser tests may be built by any test, so switch the redirect off up front.
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _english_messages():
    """Services and forms speak English in tests (the msgids); pages follow each request's language."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test counts its own rate limits (legami.core.ratelimit keeps them in the cache) and writes its own
    calendar feeds."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _two_factor_verified_force_login(request, monkeypatch):
    """A session made by `force_login` has passed the second step too (a code-less test device stands for the
    authenticator), so that tests of everything else need not type codes. Tests marked `two_factor_flow` get
    Django's plain force_login and go through the real thing."""
    if request.node.get_closest_marker("two_factor_flow"):
        return
    from django.test.client import ClientMixin

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        verify_session(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


def verify_session(client, user) -> None:
    """Mark `client`'s session as having passed the second step for `user`."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    device, _created = StaticDevice.objects.get_or_create(user=user, name="test-verified", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _media_and_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def cast(db) -> Cast:
    network = f.NetworkFactory(name="Rete di prova", slug="rete-prova")
    other = f.NetworkFactory(name="Altra rete", slug="altra-rete")
    district = f.SocialDistrictFactory(network=network, name="Ambito Cremonese")
    other_district = f.SocialDistrictFactory(network=network, name="Ambito Cremasco")
    cremona = f.MunicipalityFactory(istat_code="019036", cadastral_code="D150", name="Cremona", is_capital=True)
    crema = f.MunicipalityFactory(istat_code="019035", cadastral_code="D142", name="Crema")
    f.NetworkMunicipalityFactory(network=network, municipality=cremona, district=district)
    f.NetworkMunicipalityFactory(network=network, municipality=crema, district=other_district)
    organization = f.OrganizationFactory(network=network, name="Cooperativa Il Ponte")
    f.PartnershipFactory(organization=organization, role="partner")
    users = {}
    for persona, role in PERSONA_ROLES.items():
        user = f.UserFactory(email=f"{persona}@example.org", full_name=persona.replace("_", " ").title())
        f.MembershipFactory(
            network=network,
            user=user,
            role=role,
            organization=organization if role == Role.PARTNER_STAFF else None,
        )
        users[persona] = user
    users["district_case_manager"] = f.UserFactory(email="district_case_manager@example.org")
    f.MembershipFactory(network=network, user=users["district_case_manager"], role=Role.CASE_MANAGER, district=district)
    users["outsider"] = f.UserFactory(email="outsider@example.org")
    f.MembershipFactory(network=other, user=users["outsider"], role=Role.COORDINATOR)
    users["platform_admin"] = f.UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    users["anonymous"] = None
    return Cast(network, other, district, other_district, [cremona, crema], organization, users)


@pytest.fixture
def login(client):
    """`login(user)` logs the test client in as `user` (None stays anonymous) and returns it."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login


@pytest.fixture
def english_login(login):
    """`login` with English pages (the request and the user's own language), so assertions name the msgids."""

    def _login(user):
        client = login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        if user is not None:
            user.preferred_language = "en"
            user.save(update_fields=["preferred_language"])
        return client

    return _login
