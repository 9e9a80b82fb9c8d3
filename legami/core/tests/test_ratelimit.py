"""Rate limits: the API per token (or logged-in user) per minute, each public form per address per hour."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from legami.api.tests.helpers import make_token
from legami.core import ratelimit
from legami.core.tests.stamps import stamp_from
from legami.needs.forms.needs import _STAMP_SALT
from legami.needs.models import Need
from legami.needs.tests.factories import NeedAreaFactory


def test_hits_within_the_limit_pass_and_the_next_waits_for_the_window(monkeypatch):
    monkeypatch.setattr(time, "time", lambda: 1_000_000.0)  # 40 s into a minute's window
    assert [ratelimit.hit("k", limit=3, window=60) for _ in range(3)] == [0, 0, 0]
    assert ratelimit.hit("k", limit=3, window=60) == 20
    assert ratelimit.hit("other", limit=3, window=60) == 0  # each key counts apart
    monkeypatch.setattr(time, "time", lambda: 1_000_020.0)  # the next window
    assert ratelimit.hit("k", limit=3, window=60) == 0
    assert ratelimit.hit("k", limit=0, window=60) == 0  # 0: no limit


def test_the_api_answers_429_with_retry_after_past_the_tokens_limit(cast, settings):
    settings.LEGAMI_API_REQUESTS_PER_MINUTE = 3
    url = f"/api/v1/networks/{cast.network.slug}/"
    token = Client(headers={"Authorization": f"Bearer {make_token(cast.coordinator)}", "Accept-Language": "en"})
    assert [token.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = token.get(url)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "at most 3 a minute" in refused.json()["detail"]
    # Another token of another user is counted apart.
    other = Client(headers={"Authorization": f"Bearer {make_token(cast.community_worker)}"})
    assert other.get(url).status_code == 200


def test_the_api_limit_also_counts_a_logged_in_browser(cast, settings, login):
    settings.LEGAMI_API_REQUESTS_PER_MINUTE = 2
    client = login(cast.coordinator)
    url = f"/api/v1/networks/{cast.network.slug}/"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.parametrize("form", ["report", "survey"])
def test_a_public_form_answers_429_past_the_addresss_limit(cast, settings, form):
    settings.LEGAMI_PUBLIC_FORM_POSTS_PER_HOUR = 2
    if form == "report":
        url = reverse("needs:report", args=[cast.network.slug])
    else:
        from legami.needs.models import Survey
        from legami.needs.tests.factories import SurveyFactory

        survey = SurveyFactory(network=cast.network, status=Survey.Status.OPEN)
        url = reverse("needs:survey_answer", args=[cast.network.slug, survey.public_token])
    client = Client(REMOTE_ADDR="10.9.9.9", headers={"Accept-Language": "en"})
    assert [client.post(url, {}).status_code != 429 for _ in range(2)] == [True, True]
    refused = client.post(url, {})
    assert refused.status_code == 429 and "sent too many times" in refused.content.decode()
    assert Client(REMOTE_ADDR="10.9.9.10").post(url, {}).status_code != 429  # another address
    assert client.get(url).status_code == 200  # reading the page is not limited


def test_a_refused_post_writes_nothing(cast, settings):
    settings.LEGAMI_PUBLIC_FORM_POSTS_PER_HOUR = 1
    area = NeedAreaFactory(network=cast.network, code="casa", name="Casa")
    data = {
        "area": area.pk,
        "target_group": "minors",
        "municipality": cast.municipalities[0].pk,
        "description": "Serve un doposcuola",
        "contact_name": "Maria Rossi",
        "contact_email": "maria@example.org",
        "privacy": "on",
    }
    client = Client(REMOTE_ADDR="10.9.9.11")
    url = reverse("needs:report", args=[cast.network.slug])
    assert client.post(url, {**data, "stamp": stamp_from(_STAMP_SALT)}).status_code == 302
    assert client.post(url, {**data, "stamp": stamp_from(_STAMP_SALT)}).status_code == 429
    assert Need.objects.count() == 1
