"""factory_boy factories of referrals: a new, ordinary referral in Cremona."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from legami.core.tests import factories as f
from legami.referrals.models import TRIAGE_WITHIN, AgeBand, ConsentState, Referral, Urgency


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral

    network = factory.SubFactory(f.NetworkFactory)
    reporter = factory.SubFactory(f.UserFactory)
    municipality = factory.SubFactory(f.MunicipalityFactory)
    subject = "La signora anziana del civico 12, vive sola"
    age_band = AgeBand.OLDER
    where = "Via Manzoni 12, secondo piano"
    observed = "Non ritira più la pensione e non esce da una settimana."
    urgency = Urgency.ORDINARY
    consent = ConsentState.NOT_ASKED
    consent_note = "Non sono riuscito a parlarle."
    reporter_contact = "Farmacia Centrale, 0372 000000"
    due_at = factory.LazyAttribute(lambda o: timezone.now() + TRIAGE_WITHIN[o.urgency])


def in_cremona(cast, **kwargs) -> Referral:
    """A referral filed by the cast's sentinel about someone in Cremona (cast.district)."""
    kwargs.setdefault("reporter", cast.sentinel)
    return ReferralFactory(network=cast.network, municipality=cast.municipalities[0], **kwargs)


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)
