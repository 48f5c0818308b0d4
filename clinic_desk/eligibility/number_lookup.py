"""Lookup by the numbers on a 資格確認書: ``POST /fhir/Coverage/$lookup-by-number``.

No card is involved: the desk's own credential (its mTLS client certificate in
production) authenticates the call, as for ``$reverify``. Nothing changes at the
gateway, so it is retried like a GET. The answer names a Patient the desk must not
trust: the identity gate compares it with the name and birthdate the patient states.
"""

from __future__ import annotations

from datetime import date

from clinic_desk.domain.clock import utc_now
from clinic_desk.domain.insured_numbers import InsuredNumbers
from clinic_desk.domain.number_lookup import (
    NUMBER_LOOKUP_PATH,
    NumberLookupAnswer,
    NumberLookupRequest,
)
from clinic_desk.eligibility.budget import Budget
from clinic_desk.eligibility.client import EligibilityClient
from clinic_desk.eligibility.replies import parse, wrong_shape

ROUTE = "number-lookup"


async def lookup_by_number(
    client: EligibilityClient,
    numbers: InsuredNumbers,
    birthdate: date,
    budget: Budget | None = None,
) -> NumberLookupAnswer:
    """The Patient and qualifications behind ``numbers`` and ``birthdate``.

    ``found`` is None for 該当資格なし. Raises the client's typed errors
    (``GatewayUnavailable``, ``GatewayProtocolError``, ``GatewayRejected``,
    ``EligibilityPending``) as the other reads do.
    """
    request = NumberLookupRequest(numbers=numbers, birthdate=birthdate)
    budget = budget or client.budget()
    body = request.to_fhir(client.settings.insurer_padding)
    with budget.running():
        while True:
            reply = await client._exchange.send(
                "POST", NUMBER_LOOKUP_PATH, ROUTE, budget, body=body, retry=True
            )
            if reply.status != 202:
                break
            await client._wait_while_processing(reply, budget)
    if reply.status != 200:
        raise wrong_shape(f"Unexpected status {reply.status}.", ROUTE, reply)
    checked_at = utc_now()
    return parse(reply, ROUTE, lambda p: NumberLookupAnswer.from_fhir_bundle(p, checked_at))
