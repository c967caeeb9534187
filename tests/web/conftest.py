"""Fixtures for the help center page tests: a small published site to read."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

LONG_BODY = """Payouts move your earnings to your bank.

## Setting up payouts

Add a bank account under **Settings**.

## When payouts arrive

Payouts arrive on the first business day of the month.

### Holidays

Bank holidays can delay a payout by a day.

## Fees

There is no fee for bank transfers.
"""


@dataclass
class Site:
    """Three published payout articles (one long), one billing article and its slugs."""

    long: object
    first: object
    last: object
    billing: object


@pytest.fixture
def site(make_document):
    long = make_document(state="published", title="How payouts work", body=LONG_BODY,
                         section="payouts/schedule", tags=("payouts",))
    first = make_document(state="published", title="Adding a bank account",
                          body="Add a bank account to receive payouts.", section="payouts/schedule")
    last = make_document(state="published", title="Payout holidays",
                         body="Payouts wait for bank holidays to pass.", section="payouts/schedule")
    billing = make_document(state="published", title="Updating your card",
                            body="Change the card your membership is billed to.", section="billing/cards")
    return Site(long, first, last, billing)
