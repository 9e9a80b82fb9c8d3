"""The demo's fingerprint: its content without ids or timestamps, to compare two runs."""

from __future__ import annotations

import hashlib

from legami.aggregation.models import AggregatedDemand
from legami.core.models import Consent
from legami.needs.models import Answer, Need, Question, Survey, SurveyNeedRule
from legami.network.models import Network, Organization, Person, Tie
from legami.territory.models import NetworkMunicipality


def demo_digest(network: Network) -> str:
    """A fingerprint of the demo's content, free of ids and timestamps (equal on any two fresh databases)."""
    lines: list[str] = []
    for p in Person.objects.filter(network=network).select_related("municipality", "neighbourhood", "household"):
        lines.append(
            "P|"
            + "|".join(
                str(v)
                for v in (
                    p.first_name,
                    p.last_name,
                    p.tax_code,
                    p.birth_date,
                    p.gender,
                    p.email,
                    p.phone,
                    p.address,
                    p.municipality.istat_code if p.municipality else "",
                    p.neighbourhood.name if p.neighbourhood else "",
                    p.household.name if p.household else "",
                    p.household_role,
                )
            )
        )
    for t in Tie.objects.filter(network=network).select_related(
        "source_person", "target_person", "source_organization", "target_organization"
    ):
        lines.append(f"T|{t.kind}|{t.direction}|{t.source}|{t.target}|{t.since}|{t.note}")
    for o in Organization.objects.filter(network=network).prefetch_related("partnerships"):
        roles = ",".join(sorted(p.role for p in o.partnerships.all()))
        lines.append(f"O|{o.name}|{o.kind}|{o.tax_code}|{roles}")
    for n in NetworkMunicipality.objects.filter(network=network).select_related("municipality", "district"):
        lines.append(f"M|{n.municipality.istat_code}|{n.district.name if n.district else ''}")
    for c in Consent.objects.filter(person__network=network).select_related("person", "processing"):
        lines.append(f"C|{c.person.tax_code or c.person.full_name}|{c.person.birth_date}|{c.processing.code}|{c.given}")
    lines += _needs_lines(network)
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def _needs_lines(network: Network) -> list[str]:
    """Needs, surveys and demands; a survey's needs and answers carry the day they were given, so no dates for them."""
    lines: list[str] = []
    for n in Need.objects.filter(network=network).select_related(
        "area", "municipality", "neighbourhood", "person", "household"
    ):
        demo = n.external_id.startswith("demo-")
        lines.append(
            "N|"
            + "|".join(
                str(v)
                for v in (
                    n.external_id if demo else "",
                    n.observed_on if demo else "",
                    n.area.code,
                    n.target_group,
                    n.description,
                    n.urgency,
                    n.expressed,
                    n.channel,
                    n.privacy_level,
                    n.status,
                    n.municipality.istat_code,
                    n.neighbourhood.name if n.neighbourhood else "",
                    n.latitude,
                    n.longitude,
                    n.time_windows,
                    n.people_count,
                    n.person.tax_code or n.person.full_name if n.person else "",
                    n.household.name if n.household else "",
                )
            )
        )
    places: dict[tuple[str, int], str] = {}
    for survey in Survey.objects.filter(network=network):
        lines.append(f"S|{survey.title}|{survey.status}|{survey.anonymous}|{survey.opens_on}|{survey.closes_on}")
        questions = list(Question.objects.filter(survey=survey).order_by("position", "id"))
        for q in questions:
            lines.append(f"Q|{survey.title}|{q.position}|{q.kind}|{q.text}|{q.choices}|{q.min_value}|{q.max_value}")
        for r in SurveyNeedRule.objects.filter(survey=survey).select_related("question", "area"):
            lines.append(
                f"R|{survey.title}|{r.question.position}|{r.choice}|{r.min_value}|{r.area.code}|{r.description}"
            )
        positions = {q.pk: q.position for q in questions}
        kinds = {q.pk: q.kind for q in questions}
        answers: dict[int, list[str]] = {}
        for a in Answer.objects.filter(response__survey=survey).order_by("question__position"):
            value = a.value
            if kinds[a.question_id] in (Question.Kind.MUNICIPALITY, Question.Kind.NEIGHBOURHOOD):
                value = places.setdefault((kinds[a.question_id], value), _place_name(kinds[a.question_id], value))
            answers.setdefault(a.response_id, []).append(f"{positions[a.question_id]}={value}")
        lines += [f"A|{survey.title}|{';'.join(values)}" for values in answers.values()]
    for d in AggregatedDemand.objects.filter(network=network).select_related("area"):
        lines.append(
            f"D|{d.title}|{d.status}|{d.area.code}|{d.target_group}|{d.need_count}|{d.people_count}|{d.keywords}|"
            f"{d.time_windows}|{d.answer}"
        )
    return lines


def _place_name(kind: str, pk: int) -> str:
    from legami.territory.models import Municipality, Neighbourhood

    if kind == Question.Kind.MUNICIPALITY:
        return Municipality.objects.filter(pk=pk).values_list("istat_code", flat=True).first() or ""
    return Neighbourhood.objects.filter(pk=pk).values_list("name", flat=True).first() or ""
