"""The time bank on a phone: a volunteer records hours given to a partner organisation, the organisation's staff
confirm them after seeing what it does to their balance, and both balances change; axe clean on every page,
no horizontal scroll at 360 px."""

import pytest
from django.urls import reverse

from legami.exchange.models import TimeAccount, Transfer
from legami.exchange.models import TransferStatus as S
from legami.exchange.tests.factories_timebank import citizen_account, credit, organization_account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1, page.url


def test_hours_are_proposed_confirmed_and_balances_change(page, login_as, cast, check_a11y):
    page.set_viewport_size({"width": 360, "height": 740})
    mine = citizen_account(cast)
    credit(cast, mine, 300)
    org = organization_account(cast)
    slug = cast.network.slug

    login_as(cast.citizen)
    page.goto(reverse("exchange:timebank", args=[slug]))
    check_a11y(page)
    _fits(page)
    assert "5:00 h" in page.content()
    page.click(f"a[href='{reverse('exchange:timebank_propose', args=[slug])}']")
    check_a11y(page)
    _fits(page)
    # Find the organisation by name, then fill the form by keyboard-reachable fields.
    page.fill("#id_q", "Ponte")
    page.press("#id_q", "Enter")
    page.wait_for_load_state("load")
    page.select_option("#id_counterpart", str(org.pk))
    page.check("input[name=gives][value='1']")
    page.fill("#id_minutes", "1:30")
    page.fill("#id_reason", "Aiuto al trasloco della sede")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_load_state("load")
    transfer = Transfer.objects.get(reason="Aiuto al trasloco della sede")
    assert transfer.status == S.PROPOSED and transfer.total_minutes == 90
    check_a11y(page)
    _fits(page)

    page.context.clear_cookies()
    login_as(cast.partner_staff)
    page.goto(reverse("exchange:timebank", args=[slug]))
    assert "Aiuto al trasloco della sede" in page.content()
    check_a11y(page)
    page.goto(reverse("exchange:timebank_transfer", args=[slug, transfer.pk]))
    page.click(f"a[href='{reverse('exchange:timebank_transfer_move', args=[slug, transfer.pk, 'confirm'])}']")
    page.wait_for_load_state("load")
    assert "1:30 h" in page.content()  # what the balance will be, before confirming
    check_a11y(page)
    _fits(page)
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_load_state("load")
    check_a11y(page)
    transfer.refresh_from_db()
    assert transfer.status == S.CONFIRMED
    assert TimeAccount.objects.get(pk=mine.pk).balance_minutes == 300 - 90
    assert TimeAccount.objects.get(pk=org.pk).balance_minutes == 90

    page.context.clear_cookies()
    login_as(cast.citizen)
    page.goto(reverse("exchange:timebank", args=[slug]))
    assert "3:30 h" in page.content()
    check_a11y(page)
    assert page.js_errors == []
