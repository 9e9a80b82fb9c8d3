"""The demo's referrals: the sentinel's and the cooperative staff's, filed, assigned, asked about, redirected, closed
(the ones that become cases are told with their story, in legami.demo.generator.pacts)."""

from __future__ import annotations

import datetime

import legami.demo.generator.pacts_content as content
from legami.demo.generator.pacts_plan import LOOSE_REFERRALS
from legami.network.models import Person
from legami.referrals.models import ConsentState, Urgency
from legami.referrals.services import filing, triage


class ReferralTeller:
    """Files and triages referrals on the story's days (a part of the pacts step's teller)."""

    def file(self, *, day: datetime.date, municipality, age_band: str, subject: str, observed: str, urgency: str):
        """A referral filed on `day` by the sentinel (in the Cremonese) or the cooperative's staff."""
        by_sentinel = (
            self.sentinel is not None and municipality.name in self.sentinel_comuni and self.rng.random() < 0.7
        )
        reporter = self.sentinel if by_sentinel else self.partner_staff
        contacts = content.SENTINEL_CONTACTS if by_sentinel else content.PARTNER_CONTACTS
        consent = self.rng.choice((ConsentState.GIVEN, ConsentState.GIVEN, ConsentState.NOT_ASKED))
        self.day(day)
        referral = filing.file_referral(
            actor=reporter,
            network=self.network,
            data={
                "subject": subject,
                "age_band": age_band,
                "where": f"{municipality.name}",
                "observed": observed,
                "urgency": urgency,
                "consent": consent,
                "consent_note": "" if consent == ConsentState.GIVEN else "Non ho avuto modo di parlargliene.",
                "municipality": municipality,
                "reporter_contact": self.rng.choice(contacts),
            },
        )
        self.created["referrals"] += 1
        return referral

    def assign(self, referral, *, day: datetime.date, to=None):
        self.day(day)
        return triage.assign_referral(
            actor=to or self.case_manager,
            referral=referral,
            data={"assignee": to or self.case_manager, "note": self.rng.choice(content.ASSIGN_NOTES)},
        )

    def ask(self, referral, *, day: datetime.date, answer_on: datetime.date | None, by=None):
        question, answer = self.rng.choice(content.QUESTIONS)
        self.day(day)
        referral = triage.ask_reporter(actor=by or self.case_manager, referral=referral, data={"question": question})
        if answer_on is not None and referral.reporter is not None:
            self.day(answer_on)
            filing.answer_question(actor=referral.reporter, referral=referral, data={"answer": answer})
            referral.refresh_from_db()
        return referral

    def loose_referrals(self, *, small: bool) -> None:
        """The referrals the triage did not take in charge: waiting, asked, sent elsewhere or closed."""
        comuni = list(
            Person.objects.filter(network=self.network, municipality__isnull=False)
            .values_list("municipality", flat=True)
            .distinct()
            .order_by("municipality")
        )
        from legami.territory.models import Municipality

        municipalities = list(Municipality.objects.filter(pk__in=comuni).order_by("name"))
        plan = [state for state, count in LOOSE_REFERRALS for _ in range(count)]
        if small:
            plan = [state for state, _count in LOOSE_REFERRALS]
        close_reasons = list(content.CLOSE_NOTES)
        for number, state in enumerate(plan):
            theme = content.THEMES[(number * 5) % len(content.THEMES)]
            subject, observed = theme.referrals[number % len(theme.referrals)]
            municipality = municipalities[(number * 7) % len(municipalities)]
            ago = {"new": (1, 20), "assigned": (3, 30), "asked": (4, 15), "answered": (8, 30)}.get(state, (20, 400))
            filed = self.today - datetime.timedelta(days=self.rng.randint(*ago))
            urgency = self.rng.choice((Urgency.ORDINARY, Urgency.ORDINARY, Urgency.HIGH, Urgency.IMMEDIATE))
            if state == "new" and number % 3 == 0:
                filed, urgency = self.today, Urgency.ORDINARY  # filed today: not due yet
            referral = self.file(
                day=filed,
                municipality=municipality,
                age_band=theme.age_band,
                subject=subject,
                observed=observed,
                urgency=urgency,
            )
            if state == "new":
                continue
            triager = self.coordinator if number % 4 == 3 else self.case_manager
            step = filed + datetime.timedelta(days=self.rng.randint(0, 2))
            if state in ("asked", "answered"):
                answer = step + datetime.timedelta(days=2) if state == "answered" else None
                self.ask(referral, day=step, answer_on=answer, by=triager)
                continue
            referral = self.assign(referral, day=step, to=triager)
            decided = step + datetime.timedelta(days=self.rng.randint(2, 10))
            if state == "redirected":
                self.day(decided)
                triage.redirect_referral(
                    actor=triager,
                    referral=referral,
                    data={"service": content.REDIRECTS[number % len(content.REDIRECTS)], "note": ""},
                )
            elif state == "closed":
                reason = close_reasons[number % len(close_reasons)]
                self.day(decided)
                triage.close_referral(
                    actor=triager, referral=referral, data={"reason": reason, "note": content.CLOSE_NOTES[reason]}
                )
