"""The public forms' stamps: genuine, fresh, not too fast, and spent once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from legami.core import formguard
from legami.core.models import UsedFormStamp
from legami.core.tests.stamps import stamp_from

SALT = "legami.test.form"


def _code(value, **kwargs):
    with pytest.raises(ValidationError) as exc:
        formguard.check_stamp(value, salt=SALT, **kwargs)
    return exc.value.code


def test_a_stamp_shown_a_minute_ago_is_accepted_with_its_nonce():
    assert formguard.check_stamp(stamp_from(SALT, 60, nonce="abc"), salt=SALT) == "abc"


def test_a_new_stamp_is_too_fast_until_a_person_could_have_filled_the_form():
    stamp = formguard.new_stamp(SALT)
    assert _code(stamp) == "too_fast"
    assert formguard.check_stamp(stamp, salt=SALT, min_seconds=0)


@pytest.mark.parametrize(
    "value",
    ["", "garbage", stamp_from("another.salt"), stamp_from(SALT, 25 * 3600)],
)
def test_a_stamp_that_is_not_genuine_or_too_old_is_stale(value):
    assert _code(value) == "stale"


def test_a_stamp_is_spent_once_and_old_records_go(db):
    old = UsedFormStamp.objects.create(nonce="old", used_at=timezone.now() - datetime.timedelta(days=2))
    formguard.spend_stamp("n1")
    with pytest.raises(ValidationError) as exc:
        formguard.spend_stamp("n1")
    assert exc.value.code == "reused"
    assert not UsedFormStamp.objects.filter(pk=old.pk).exists()
    assert UsedFormStamp.objects.filter(nonce="n1").count() == 1
