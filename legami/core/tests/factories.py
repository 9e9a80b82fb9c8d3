"""factory_boy factories shared by every app's tests (Faker it_IT)."""

import factory
from factory.django import DjangoModelFactory

from legami.accounts.models import User
from legami.core.roles import Role
from legami.network.models import Household, Membership, Network, Organization, Partnership, Person, Tie
from legami.territory.models import (
    Municipality,
    Neighbourhood,
    NetworkMunicipality,
    Place,
    Province,
    Region,
    SocialDistrict,
)

factory.Faker._DEFAULT_LOCALE = "it_IT"

PASSWORD = "legami-test-password"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    username = factory.SelfAttribute("email")
    full_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("istat_code",)

    istat_code = "03"
    name = "Lombardia"


class ProvinceFactory(DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("istat_code",)

    istat_code = "019"
    region = factory.SubFactory(RegionFactory)
    name = "Cremona"
    abbreviation = "CR"


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("istat_code",)

    istat_code = factory.Sequence(lambda n: f"{900000 + n:06d}")
    cadastral_code = factory.Sequence(lambda n: f"Z{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Comune {n}")
    province = factory.SubFactory(ProvinceFactory)


class NetworkFactory(DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Rete {n}")
    slug = factory.Sequence(lambda n: f"rete-{n}")
    summary = "Una rete di welfare di comunità"
    description = "Legge i bisogni insieme e costruisce risposte con la comunità."


class SocialDistrictFactory(DjangoModelFactory):
    class Meta:
        model = SocialDistrict

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Ambito {n}")


class NetworkMunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = NetworkMunicipality

    network = factory.SubFactory(NetworkFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    district = None


class NeighbourhoodFactory(DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    network = factory.SubFactory(NetworkFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Quartiere {n}")


class PlaceFactory(DjangoModelFactory):
    class Meta:
        model = Place

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Casa di quartiere {n}")
    kind = Place.Kind.COMMUNITY_HOUSE
    municipality = factory.SubFactory(MunicipalityFactory)
    address = factory.Faker("street_address")


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Cooperativa sociale {n}")
    kind = Organization.Kind.COOPERATIVE


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

    network = factory.SelfAttribute("organization.network")
    organization = factory.SubFactory(OrganizationFactory)
    role = Partnership.Role.PARTNER


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.CITIZEN


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Famiglia {n}")


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    network = factory.SubFactory(NetworkFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Faker("email")


class TieFactory(DjangoModelFactory):
    class Meta:
        model = Tie

    network = factory.SubFactory(NetworkFactory)
    kind = Tie.Kind.FRIENDSHIP
    source_person = factory.SubFactory(PersonFactory, network=factory.SelfAttribute("..network"))
    target_person = factory.SubFactory(PersonFactory, network=factory.SelfAttribute("..network"))


# --- register of processings and consents (H4) ---


class ProcessingFactory(DjangoModelFactory):
    class Meta:
        model = "core.Processing"

    network = factory.SubFactory(NetworkFactory)
    code = factory.Sequence(lambda n: f"trattamento-{n}")
    name = factory.Sequence(lambda n: f"Trattamento {n}")
    purpose = "Invio di comunicazioni sulle attività della rete."
    legal_basis = "consent"


class ConsentFactory(DjangoModelFactory):
    class Meta:
        model = "core.Consent"

    person = factory.SubFactory(PersonFactory)
    processing = factory.SubFactory(ProcessingFactory, network=factory.SelfAttribute("..person.network"))
    given = True
