"""A demand's words never tell one person's story: keywords (and the concept of its title and summary) come
only from needs that are not the case team's, and a word counts when it is shared by two different people,
households or anonymous needs, not by one person's several needs."""

from legami.aggregation import summaries
from legami.aggregation.describing import describe, keyword_sources
from legami.core.tests import factories as f
from legami.needs.models import PrivacyLevel
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory

RARE = "talassemia"


def _needs(cast, texts, **kwargs):
    area = NeedAreaFactory(network=cast.network, code="salute", name="Salute")
    return [
        NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], description=text, **kwargs)
        for text in texts
    ]


def _words(needs):
    return describe(needs, area_name="Salute", keywords=["doposcuola", RARE, "compiti"])


def test_case_team_words_never_become_keywords(cast):
    person = f.PersonFactory(network=cast.network)
    secret = _needs(cast, [f"{RARE} e doposcuola"] * 3, person=person, privacy_level=PrivacyLevel.CASE_TEAM)
    others = _needs(cast, ["doposcuola per i compiti", "un doposcuola e aiuto con i compiti"])
    description = _words(secret + others)
    assert RARE not in description.keywords
    assert RARE not in description.summary and RARE not in description.title
    assert RARE not in " ".join(description.reasons)
    assert "doposcuola" in description.keywords


def test_one_persons_several_needs_share_nothing_by_themselves(cast):
    person = f.PersonFactory(network=cast.network)
    same_person = _needs(cast, [f"{RARE}: serve aiuto"] * 3, person=person)
    assert RARE not in _words(same_person).keywords
    other_person = _needs(cast, [f"anche qui {RARE}"], person=f.PersonFactory(network=cast.network))
    assert RARE in _words(same_person + other_person).keywords


def test_a_household_counts_once_and_anonymous_needs_count_each(cast):
    household = f.HouseholdFactory(network=cast.network)
    family = _needs(cast, [f"{RARE} in famiglia"] * 2, household=household)
    assert RARE not in _words(family).keywords
    anonymous = _needs(cast, [f"{RARE} qui", f"{RARE} là"])
    assert RARE in _words(anonymous).keywords


def test_keyword_sources_skip_case_needs_and_name_the_subject(cast):
    person = f.PersonFactory(network=cast.network)
    household = f.HouseholdFactory(network=cast.network)
    case = _needs(cast, ["segreto"], privacy_level=PrivacyLevel.CASE_TEAM)
    mine = _needs(cast, ["uno"], person=person)
    ours = _needs(cast, ["due"], household=household)
    anyone = _needs(cast, ["tre"])
    texts, subjects = keyword_sources(case + mine + ours + anyone)
    assert texts == ["uno", "due", "tre"]
    assert subjects == [("person", person.pk), ("household", household.pk), ("need", anyone[0].pk)]


def test_recomputed_keywords_follow_the_same_rule():
    texts = [f"{RARE} e doposcuola", f"{RARE} e doposcuola", "doposcuola"]
    assert RARE in summaries.recompute_keywords(texts)  # three anonymous needs
    one_person = summaries.recompute_keywords(texts, subjects=["p1", "p1", "p2"])
    assert RARE not in one_person and "doposcuola" in one_person
