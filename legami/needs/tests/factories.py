"""factory_boy factories for needs and surveys (the shared ones live in legami.core.tests.factories)."""

import datetime
import secrets

import factory
from factory.django import DjangoModelFactory

from legami.core.tests import factories as f
from legami.needs.models import (
    Answer,
    Channel,
    Need,
    NeedArea,
    Question,
    Survey,
    SurveyNeedRule,
    SurveyResponse,
    TargetGroup,
)


class NeedAreaFactory(DjangoModelFactory):
    class Meta:
        model = NeedArea
        django_get_or_create = ("network", "code")

    network = factory.SubFactory(f.NetworkFactory)
    code = factory.Sequence(lambda n: f"area-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").capitalize())
    position = factory.Sequence(lambda n: n)


class NeedFactory(DjangoModelFactory):
    class Meta:
        model = Need

    network = factory.SubFactory(f.NetworkFactory)
    area = factory.SubFactory(NeedAreaFactory, network=factory.SelfAttribute("..network"))
    target_group = TargetGroup.FAMILIES
    description = factory.Faker("sentence", nb_words=10)
    channel = Channel.INTERVIEW
    municipality = factory.SubFactory(f.MunicipalityFactory)
    observed_on = factory.LazyFunction(datetime.date.today)


class SurveyFactory(DjangoModelFactory):
    class Meta:
        model = Survey

    network = factory.SubFactory(f.NetworkFactory)
    title = factory.Sequence(lambda n: f"Questionario {n}")
    public_token = factory.LazyFunction(lambda: secrets.token_urlsafe(16))


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n)
    kind = Question.Kind.SINGLE_CHOICE
    text = factory.Sequence(lambda n: f"Domanda {n}?")
    choices = factory.LazyFunction(lambda: ["Sì", "No"])


class SurveyResponseFactory(DjangoModelFactory):
    class Meta:
        model = SurveyResponse

    survey = factory.SubFactory(SurveyFactory)


class AnswerFactory(DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(SurveyResponseFactory)
    question = factory.SubFactory(QuestionFactory)
    value = "Sì"


class SurveyNeedRuleFactory(DjangoModelFactory):
    class Meta:
        model = SurveyNeedRule

    question = factory.SubFactory(QuestionFactory)
    survey = factory.SelfAttribute("question.survey")
    choice = "Sì"
    area = factory.SubFactory(NeedAreaFactory, network=factory.SelfAttribute("..survey.network"))
    target_group = TargetGroup.FAMILIES
    description = "Bisogno rilevato dal questionario"
