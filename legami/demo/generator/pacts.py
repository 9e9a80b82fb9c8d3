"""The demo's referrals, cases and generative pacts: eighteen months of a case manager's work in the province.

A sentinel (a pharmacist of Cremona) and the partner cooperative's staff file referrals in several Comuni; the
triage assigns them, asks the reporter for more, sends some to another service, closes others, and takes most in
charge: a case of a person of the registry, with its team (the demo case manager manages most, the coordinator the
rest, the cooperative's staff is on some), a baseline assessment and, at every review, another one. Each case has a
pact at its own stage — draft, proposed, signed, in force, under review, completed, interrupted — some renewed with
a version 2 at a review, with their budget spent (a few expenses over a line, approved by a second person or still
waiting), the hours given back to the community (at the give-back places, elsewhere, at the person's volunteer
shifts and time-bank exchanges), confirmed by the host or waiting.

Everything goes through the services (referrals.services.*, pacts.services.*). Each story is told on its own days:
while a service runs, the clock (django.utils.timezone.now) reads the story's day, so that every date the services
write themselves — a referral's filing and due time, a version's writing, a review's day, the history of each — falls
where it would have. Dates are relative to today, so that the case manager's desk shows, on any day the demo is
loaded, reviews due, overdue commitments, referrals waiting, budgets near their limit and approvals waiting.
Deterministic for a seed; a second run writes nothing.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.utils import timezone

import legami.demo.generator.pacts_content as content
from legami.core.models import Processing
from legami.demo.generator.pacts_plan import FOUR_WEEKS, PROCESSING, Clock, Story, plan_stories, story_clock
from legami.demo.generator.referrals import ReferralTeller
from legami.network.models import Organization, Person
from legami.pacts.models import (
    AssessmentKind,
    BudgetLine,
    Case,
    Commitment,
    CommitmentParty,
    Domain,
    Expense,
    ExpenseStatus,
    GiveBackSource,
    InterruptReason,
    ItemRating,
    Pact,
    PactStatus,
    PartyKind,
    ReviewItem,
    ReviewOutcome,
    SignatureMethod,
)
from legami.pacts.services import assessments as assessment_services
from legami.pacts.services import budget as budget_services
from legami.pacts.services import cases as case_services
from legami.pacts.services import giveback as giveback_services
from legami.pacts.services import pacts as pact_services
from legami.pacts.services import reviews as review_services
from legami.referrals.models import Referral, Urgency


def ensure_pacts(
    network,
    *,
    case_manager,
    coordinator,
    partner_staff,
    sentinel,
    worker,
    small: bool,
    created: Counter,
    seed: int,
) -> None:
    """Referrals, cases and pacts, once."""
    if Case.objects.filter(network=network).exists() or Referral.objects.filter(network=network).exists():
        return
    rng = random.Random(seed + 12)  # noqa: S311 — demo data, not a secret
    today = timezone.localdate()
    stories = plan_stories(network, rng, today, case_manager, coordinator, small=small)
    if not stories:
        return
    teller = _Teller(
        network,
        rng=rng,
        today=today,
        case_manager=case_manager,
        coordinator=coordinator,
        partner_staff=partner_staff,
        sentinel=sentinel,
        worker=worker,
        created=created,
    )
    with story_clock() as clock:
        teller.clock = clock
        for story in stories:
            teller.tell(story)
            clock.today()
        teller.loose_referrals(small=small)
        clock.today()
        teller.linked_give_back(stories)
        teller.waiting_approval(stories)


# ------------------------------------------------------------------------------------------------ the telling


class _Teller(ReferralTeller):
    def __init__(self, network, *, rng, today, case_manager, coordinator, partner_staff, sentinel, worker, created):
        self.network, self.rng, self.today, self.created = network, rng, today, created
        self.case_manager, self.coordinator = case_manager, coordinator
        self.partner_staff, self.sentinel, self.worker = partner_staff, sentinel, worker
        self.clock: Clock = Clock()
        self.processing = Processing.objects.get(network=network, code=PROCESSING)
        from legami.demo import data

        self.org_by_key = {
            key: Organization.objects.filter(network=network, name=name).first()
            for key, name, *_rest in data.ORGANIZATIONS
        }
        self.places = list(giveback_services.open_places(network))
        self.sentinel_comuni = {
            name
            for name in Person.objects.filter(network=network).values_list("municipality__name", flat=True).distinct()
            if name and data.district_of(name) == data.CREMONESE
        }

    def day(self, day: datetime.date, hour: int | None = None) -> None:
        self.clock.at(min(day, self.today), hour if hour is not None else self.rng.randint(9, 17))

    # --- a story ----------------------------------------------------------------------------------------------

    def tell(self, story: Story) -> None:
        rng, theme = self.rng, story.theme
        manager = story.manager
        referral = None
        if story.from_referral:
            filed = story.opened_on - datetime.timedelta(days=rng.randint(2, 15))
            subject, observed = rng.choice(theme.referrals)
            referral = self.file(
                day=filed,
                municipality=story.person.municipality,
                age_band=theme.age_band,
                subject=subject,
                observed=observed,
                urgency=rng.choice((Urgency.ORDINARY, Urgency.ORDINARY, Urgency.HIGH)),
            )
            triaged = filed + datetime.timedelta(days=1)
            if story.number % 7 == 1:
                referral = self.ask(referral, day=triaged, answer_on=triaged + datetime.timedelta(days=1), by=manager)
            else:
                referral = self.assign(referral, day=triaged, to=manager)
        self.day(story.opened_on)
        case = case_services.open_case(
            actor=manager,
            network=self.network,
            referral=referral,
            data={
                "person": story.person,
                "processing": self.processing,
                "summary": rng.choice(theme.summaries),
                "opened_on": story.opened_on,
            },
        )
        self.created["cases"] += 1
        if story.with_partner and self.partner_staff is not None:
            case_services.add_member(actor=manager, case=case, user=self.partner_staff)
        scores = self.assess(case, story, AssessmentKind.BASELINE, story.opened_on + datetime.timedelta(days=3))
        pact = self.draft(case, story, complete=not (story.stage == "draft" and story.number % 2))
        written = story.opened_on + datetime.timedelta(days=7)
        if pact is None or story.stage == "draft":
            return None
        self.day(written + datetime.timedelta(days=2))
        pact = pact_services.propose_pact(actor=manager, pact=pact)
        if story.stage == "proposed":
            return None
        starts = cast(datetime.date, story.starts_on)
        signed = written + datetime.timedelta(days=rng.randint(3, 9))
        if story.stage != "signed":
            signed = max(written + datetime.timedelta(days=3), starts - datetime.timedelta(days=rng.randint(0, 2)))
        self.day(signed)
        pact_services.record_signature(
            actor=manager,
            pact=pact,
            data={"signed_on": signed, "signature_method": SignatureMethod.WITNESSED},
        )
        if story.stage == "signed":
            return None
        self.day(starts)
        # Fresh from the database: the signature put its version in force.
        pact = pact_services.start_pact(actor=manager, pact=Pact.objects.get(pk=pact.pk))
        self.carry_out(case, pact, story, scores)
        return None

    def assess(self, case, story: Story, kind: str, day: datetime.date, before: dict | None = None) -> dict:
        """An assessment on `day`: at baseline the theme's domains are weak; later they move (mostly up)."""
        rng = self.rng
        scores = {}
        for domain in Domain.values:
            if before is None:
                scores[domain] = rng.randint(1, 2) if domain in story.theme.weak else rng.randint(2, 4)
            elif story.improving:
                step = 1 if rng.random() < (0.6 if domain in story.theme.weak else 0.2) else 0
                scores[domain] = min(5, before[domain] + step)
            else:
                step = -1 if domain in story.theme.weak and rng.random() < 0.5 else 0
                scores[domain] = max(1, before[domain] + step)
        data: dict[str, Any] = {
            "kind": kind,
            "assessed_on": min(day, self.today),
            "note": content.ASSESSMENT_NOTES.get(kind, ""),
        }
        data |= {assessment_services.score_field(domain): score for domain, score in scores.items()}
        self.day(day)
        assessment = assessment_services.record_assessment(actor=story.manager, case=case, data=data)
        self.created["assessments"] += 1
        scores["_id"] = assessment.pk
        return scores

    def draft(self, case, story: Story, *, complete: bool):
        """The pact in draft with its version 1: objectives with a result, supports, budget, commitments."""
        rng, theme, manager = self.rng, story.theme, story.manager
        written = story.opened_on + datetime.timedelta(days=7)
        # Signed pacts not yet started start next week; the others the day they are signed.
        starts = (
            self.today + datetime.timedelta(days=rng.randint(3, 10))
            if story.stage == "signed"
            else written + datetime.timedelta(days=rng.randint(4, 9))
        )
        if story.stage in ("draft", "proposed"):
            starts = max(starts, self.today + datetime.timedelta(days=rng.randint(7, 20)))
        story.starts_on = starts
        months = 12 if story.stage not in ("completed", "completed_v2") else rng.choice((9, 12))
        self.day(written)
        pact = pact_services.create_pact(
            actor=manager,
            case=case,
            data={
                "summary": theme.pact_summary,
                "starts_on": starts,
                "ends_on": starts + datetime.timedelta(days=months * 30),
                "review_every_weeks": story.weeks,
            },
        )
        self.created["pacts"] += 1
        version = pact.versions.get()

        def add(row_kind: str, **row):
            return pact_services.add_row(actor=manager, version=version, kind=row_kind, data=row)

        org_key, org_commitment = theme.organization
        organization = self.org_by_key.get(org_key)
        if organization is not None:
            add("party", kind=PartyKind.ORGANIZATION, organization=organization, signs=True)
        for text, indicator, target in theme.objectives[: 2 if complete else 1]:
            objective = add("objective", text=text)
            add(
                "result",
                objective=objective,
                indicator=indicator,
                target=target,
                due_on=starts + datetime.timedelta(days=rng.choice((90, 120, 180))),
            )
        if not complete:
            return None
        supports = []
        for service, provider, frequency in theme.supports:
            supports.append(
                add("support", service=service, provider=self.org_by_key.get(provider), frequency=frequency)
            )
        for position, (category, description, low, high) in enumerate(theme.budget):
            amount = rng.randrange(low, high + 1, 50)
            add(
                "budget",
                support=supports[position] if position < len(supports) else None,
                category=category,
                description=description,
                amount=str(amount),
            )
        give_back, hours = theme.give_back
        hours = max(1, min(4, hours + rng.choice((0, 0, 1))))
        add("commitment", party=CommitmentParty.PERSON, what=give_back, is_give_back=True, hours_per_week=str(hours))
        add(
            "commitment",
            party=CommitmentParty.PERSON,
            what=theme.person,
            due_on=starts + datetime.timedelta(days=rng.randint(60, 120)),
        )
        add(
            "commitment",
            party=CommitmentParty.CASE_MANAGER,
            what=theme.manager,
            due_on=starts + datetime.timedelta(days=rng.randint(25, 50)),
        )
        if organization is not None:
            add("commitment", party=CommitmentParty.ORGANIZATION, organization=organization, what=org_commitment)
        return pact

    # --- in force ---------------------------------------------------------------------------------------------

    def carry_out(self, case, pact: Pact, story: Story, scores: dict) -> None:
        """The pact's months: give-back every four weeks, expenses, reviews, until today or its end."""
        rng, stage = self.rng, story.stage
        start = pact.current_version.starts_on
        reviews_held = 0
        last_review = {"completed": rng.choice((2, 3)), "completed_v2": 3}.get(stage)
        renew_at = 2 if stage in ("renewed", "rewriting", "completed_v2") else None
        interrupt_on = (
            start + datetime.timedelta(days=rng.randint(60, max(61, (self.today - start).days - 10)))
            if stage == "interrupted"
            else None
        )
        month = start + FOUR_WEEKS
        plan = self.spending_plan(pact, story)
        while True:
            next_review = Pact.objects.filter(pk=pact.pk).values_list("next_review_on", flat=True).get()
            moment = min(month, next_review)
            if interrupt_on is not None and interrupt_on <= moment:
                self.interrupt(case, pact, story, interrupt_on, scores)
                return
            if moment > self.today:
                break
            if moment == month:
                self.month(pact, story, month, plan)
                month += FOUR_WEEKS
                continue
            cycle = datetime.timedelta(weeks=story.weeks)
            if stage == "review_late" and next_review + cycle > self.today:
                # The review is due (or past): not held yet, the desk shows it.
                month = self.months_until_today(pact, story, month, plan)
                break
            if stage in ("under_review", "rewriting") and next_review + cycle > self.today:
                # The last review due is open since its day (the new version being written, for some).
                self.day(next_review, 9)
                pact_services.open_review(actor=story.manager, pact=pact)
                if stage == "rewriting":
                    self.day(next_review, 15)
                    self.rewrite(pact, story)
                self.months_until_today(pact, story, month, plan)
                return
            reviews_held += 1
            outcome = ReviewOutcome.CONTINUE
            if last_review is not None and reviews_held >= last_review:
                outcome = ReviewOutcome.COMPLETE
            elif renew_at is not None and reviews_held == renew_at:
                outcome = ReviewOutcome.RENEW
            scores = self.review(case, pact, story, next_review, outcome, scores)
            if outcome == ReviewOutcome.COMPLETE:
                self.close(case, story, next_review + datetime.timedelta(days=7), scores, reason="goals_reached")
                return
            if outcome == ReviewOutcome.RENEW:
                self.renew(pact, story, next_review)
        if stage in ("under_review", "rewriting"):
            # Its review comes later: opened early, today.
            self.clock.today()
            pact_services.open_review(actor=story.manager, pact=pact)
            if stage == "rewriting":
                self.rewrite(pact, story)

    def months_until_today(self, pact: Pact, story: Story, month: datetime.date, plan: dict) -> datetime.date:
        while month <= self.today:
            self.month(pact, story, month, plan)
            month += FOUR_WEEKS
        return month

    def spending_plan(self, pact: Pact, story: Story) -> dict:
        """How much of each line the story spends, and on which four-week mark (1, 2, …) each expense falls."""
        share = {"low": (0.3, 0.5), "normal": (0.55, 0.75), "high": (0.86, 1.0), "over": (0.8, 0.9)}[story.spend]
        plan: dict[int, list[tuple[BudgetLine, Decimal, bool]]] = {}
        for n, line in enumerate(BudgetLine.objects.filter(version_id=pact.current_version_id).order_by("position")):
            total = (line.amount * Decimal(str(round(self.rng.uniform(*share), 2)))).quantize(Decimal("1"))
            first = (total * Decimal("0.6")).quantize(Decimal("1"))
            plan.setdefault(1 + n, []).append((line, first, False))
            if total - first > 0:
                plan.setdefault(3 + n, []).append((line, total - first, False))
        if story.spend == "over" and story.with_partner:
            line = BudgetLine.objects.filter(version_id=pact.current_version_id).order_by("position").first()
            if line is not None:
                plan.setdefault(4, []).append((line, (line.amount * Decimal("0.35")).quantize(Decimal("1")), True))
        return plan

    def month(self, pact: Pact, story: Story, day: datetime.date, plan: dict) -> None:
        """Four weeks of the pact: the give-back hours done with the host, and the expenses planned for them."""
        rng = self.rng
        mark = (day - pact.current_version.starts_on).days // 28
        commitment = Commitment.objects.filter(version_id=pact.current_version_id, is_give_back=True).first()
        self.day(day)
        if commitment is not None and commitment.hours_per_week:
            # The host signs the register every four weeks, or every eight for two hours a week or less.
            weekly = float(commitment.hours_per_week)
            weeks = 8 if weekly <= 2 else 4
            if mark % (weeks // 4) == 0:
                factor = rng.uniform(0.3, 0.6) if story.behind else rng.uniform(0.85, 1.15)
                minutes = min(1440, int(weekly * weeks * 60 * factor) // 15 * 15)
                if minutes:
                    self.give_back(pact, story, commitment, day, minutes)
        for line, amount, over in plan.get(mark, []):
            if amount <= 0:
                continue
            # The cooperative's staff, on the team, records the expense that goes over the line.
            recorder = self.partner_staff if over else story.manager
            expense = budget_services.record_expense(
                actor=recorder,
                pact=pact,
                data={
                    "line": line.key,
                    "amount": str(amount),
                    "spent_on": day - datetime.timedelta(days=rng.randint(0, 6)),
                    "description": content.OVER_BUDGET
                    if over
                    else f"{line.description}: {rng.choice(content.EXPENSES).lower()}",
                },
            )
            self.created["expenses"] += 1
            if expense.status == ExpenseStatus.AWAITING_APPROVAL:
                self.decide_later(pact, story, expense, day)

    def decide_later(self, pact: Pact, story: Story, expense: Expense, day: datetime.date) -> None:
        """An expense over budget: decided a few days later by a second person, unless it is recent and the case
        manager's (it waits on their desk)."""
        decided = day + datetime.timedelta(days=self.rng.randint(2, 6))
        approver = story.manager if expense.recorded_by_id != story.manager.pk else None
        if approver is None or decided >= self.today - datetime.timedelta(days=20):
            return
        approve = self.rng.random() < 0.75
        self.day(decided)
        budget_services.decide_expense(
            actor=approver,
            expense=expense,
            decision="approve" if approve else "refuse",
            data={"reason": content.APPROVAL_REASON if approve else content.REFUSAL_REASON},
        )

    def give_back(self, pact: Pact, story: Story, commitment, day: datetime.date, minutes: int) -> None:
        """Four weeks of give-back at a give-back place (or elsewhere), confirmed by the host a few days later."""
        rng = self.rng
        data: dict[str, Any] = {
            "commitment": commitment.key,
            "done_on": day - datetime.timedelta(days=1),
            "minutes": minutes,
        }
        if self.places and rng.random() < 0.6:
            data |= {"source": GiveBackSource.GIVEBACK_PLACE, "giveback_place": self.places[story.number % 2].pk}
        else:
            host = self.org_by_key.get(story.theme.organization[0]) or self.org_by_key.get("parrocchia")
            data |= {"source": GiveBackSource.OTHER, "host": host, "description": commitment.what}
        hours = giveback_services.log_give_back(actor=story.manager, pact=pact, data=data)
        self.created["give-back hours"] += 1
        confirmed = day + datetime.timedelta(days=rng.randint(2, 8))
        if confirmed < self.today - datetime.timedelta(days=5):
            self.day(confirmed)
            giveback_services.confirm_give_back(actor=self.worker, hours=hours, confirmed=rng.random() > 0.04)
            self.day(day)

    def review(
        self, case, pact: Pact, story: Story, day: datetime.date, outcome: str, scores: dict, reason: str = ""
    ) -> dict:
        """A review held on its day: opened, the assessment made, each objective and commitment rated."""
        rng = self.rng
        self.day(day, 9)
        review = pact_services.open_review(actor=story.manager, pact=pact)
        scores = self.assess(case, story, AssessmentKind.REVIEW, day, before=scores)
        items = {}
        for kind, row in review_services.review_items(review):
            if kind == ReviewItem.Kind.OBJECTIVE:
                rating = rng.choice(
                    (ItemRating.MET, ItemRating.PARTLY, ItemRating.PARTLY)
                    if story.improving
                    else (ItemRating.PARTLY, ItemRating.NOT_MET)
                )
                if outcome == ReviewOutcome.COMPLETE and story.improving:
                    rating = ItemRating.MET
            elif row.is_give_back:
                rating = ItemRating.PARTLY if story.behind else ItemRating.MET
            elif row.due_on is None or row.due_on > day:
                rating = ItemRating.NOT_DUE
            else:
                rating = ItemRating.MET if rng.random() < 0.85 else ItemRating.PARTLY
            items[str(row.key)] = {"rating": rating, "note": content.RATING_NOTES[rating]}
        self.day(day, 11)
        review_services.hold_review(
            actor=story.manager,
            review=review,
            data={
                "held_on": day,
                "notes": content.REVIEW_NOTES[0 if story.improving else 3] if rng.random() < 0.7 else "",
                "outcome": outcome,
                "interrupt_reason": reason,
                "assessment": scores["_id"],
                "items": items,
            },
        )
        self.created["reviews"] += 1
        return scores

    def rewrite(self, pact: Pact, story: Story) -> Any:
        """Version 2 of a pact under review: the change note, a new objective, the budget and give-back adjusted."""
        manager, theme = story.manager, story.theme
        version = pact_services.create_version(actor=manager, pact=pact, data={"change_note": theme.change_note})
        self.created["pact versions"] += 1
        base = version.based_on
        pact_services.update_version(
            actor=manager,
            version=version,
            data={
                "summary": version.summary,
                "starts_on": version.starts_on,
                "ends_on": (base.ends_on if base else version.ends_on) + datetime.timedelta(days=180),
                "review_every_weeks": version.review_every_weeks,
            },
        )
        text, indicator, target = theme.new_objective
        objective = pact_services.add_row(actor=manager, version=version, kind="objective", data={"text": text})
        pact_services.add_row(
            actor=manager,
            version=version,
            kind="result",
            data={"objective": objective, "indicator": indicator, "target": target},
        )
        line = BudgetLine.objects.filter(version=version).order_by("position").first()
        if line is not None:
            pact_services.update_row(
                actor=manager,
                version=version,
                kind="budget",
                row_id=line.pk,
                data={"amount": str(line.amount + 200)},
            )
        return version

    def renew(self, pact: Pact, story: Story, day: datetime.date) -> None:
        """Renewed at the review: version 2 written the same day, signed a few days later, in force."""
        self.day(day, 15)
        self.rewrite(pact, story)
        signed = day + datetime.timedelta(days=self.rng.randint(2, 7))
        self.day(signed)
        pact_services.record_signature(
            actor=story.manager,
            pact=pact,
            data={"signed_on": min(signed, self.today), "signature_method": SignatureMethod.WITNESSED},
        )

    def interrupt(self, case, pact: Pact, story: Story, day: datetime.date, scores: dict) -> None:
        """Interrupted: at a review (commitments not kept) or on the day something changed; the case may close."""
        reasons = list(InterruptReason.values)
        reasons.remove(InterruptReason.CONSENT_WITHDRAWN)
        reason = reasons[story.number % len(reasons)]
        if reason == InterruptReason.COMMITMENTS_NOT_KEPT:
            story.improving, story.behind = False, True
            scores = self.review(case, pact, story, day, ReviewOutcome.INTERRUPT, scores, reason=reason)
        else:
            self.day(day)
            pact_services.interrupt_pact(actor=story.manager, pact=pact, reason=reason)
        if reason in (InterruptReason.MOVED, InterruptReason.PERSON_WITHDREW):
            closing = {InterruptReason.MOVED: "moved", InterruptReason.PERSON_WITHDREW: "withdrew"}[reason]
            self.close(case, story, day + datetime.timedelta(days=5), scores, reason=closing)

    def close(self, case, story: Story, day: datetime.date, scores: dict, *, reason: str) -> None:
        if day > self.today:
            return
        self.assess(case, story, AssessmentKind.CLOSING, day, before=scores)
        self.day(day, 16)
        case_services.close_case(actor=story.manager, case=case, data={"close_reason": reason, "note": ""})

    # --- hours the person gave elsewhere in the network --------------------------------------------------------

    def linked_give_back(self, stories: list[Story]) -> None:
        """The volunteer shifts and time-bank exchanges of the people on a pact in force count toward it."""
        for story in (story for story in stories if story.linked):
            pact = (
                Pact.objects.filter(case__person=story.person, status=PactStatus.ACTIVE).select_related("case").first()
            )
            if pact is None:
                continue
            commitment = Commitment.objects.filter(version_id=pact.current_version_id, is_give_back=True).first()
            if commitment is None:
                continue
            start = giveback_services.pact_start(pact)
            for shift in giveback_services.person_shifts(pact)[:3]:
                self._link(pact, story, commitment, source=GiveBackSource.ACTIVITY, volunteer_shift=shift.pk)
            transfers = [
                t
                for t in giveback_services.person_transfers(pact)[:12]
                if start is not None and timezone.localtime(t.posted_at or t.created_at).date() >= start
            ]
            for transfer in transfers[:3]:
                self._link(pact, story, commitment, source=GiveBackSource.TIME_BANK, transfer=transfer.pk)

    def _link(self, pact, story: Story, commitment, **data) -> None:
        try:
            giveback_services.log_give_back(actor=story.manager, pact=pact, data={"commitment": commitment.key, **data})
        except ValidationError:
            return  # more than a day's hours, or before the pact started: not this one
        self.created["give-back hours"] += 1

    # --- today ---------------------------------------------------------------------------------------------------

    def waiting_approval(self, stories: list[Story]) -> None:
        """This week the cooperative's staff recorded an expense over budget on two of the case manager's pacts in
        force: they wait for the case manager's approval (the second person)."""
        waiting = 0
        for story in stories:
            if waiting >= 2 or self.partner_staff is None:
                return
            if story.manager != self.case_manager or not story.with_partner or story.stage != "active":
                continue
            pact = Pact.objects.filter(case__person=story.person, status=PactStatus.ACTIVE).first()
            line = (
                BudgetLine.objects.filter(version_id=pact.current_version_id).order_by("-amount").first()
                if pact is not None
                else None
            )
            if pact is None or line is None:
                continue
            spent = budget_services.spent_on_line(pact, line.key)
            budget_services.record_expense(
                actor=self.partner_staff,
                pact=pact,
                data={
                    "line": line.key,
                    "amount": str((max(line.amount - spent, Decimal(0)) + Decimal("85")).quantize(Decimal("1"))),
                    "spent_on": self.today - datetime.timedelta(days=2),
                    "description": content.OVER_BUDGET,
                },
            )
            self.created["expenses"] += 1
            waiting += 1
