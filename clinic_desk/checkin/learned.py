"""Names the gate has learned, in the check-in: an approved alias spares the staff
decision; a variant staff accept becomes a proposal for the manager.

The gate's verdict never changes (a ● stays a variant); only the approved alias for
this card, this record and these two spellings stands in for the receptionist.
"""

from __future__ import annotations

from clinic_desk.checkin import effects as fx
from clinic_desk.checkin.events import RecordIdentity
from clinic_desk.checkin.held import HeldRecord
from clinic_desk.domain.card import CardIdentity
from clinic_desk.identity.aliases import NameAlias, decide
from clinic_desk.identity.model import Verdict


def covering_alias(
    card: CardIdentity,
    record: RecordIdentity,
    judged: Verdict,
    record_ref: str,
    aliases: tuple[NameAlias, ...],
) -> str | None:
    """The id of the approved alias that covers a variant verdict (None: staff decide)."""
    if not aliases or not judged.is_variant or not record_ref:
        return None
    decision = decide(
        card.name,
        card.birthdate,
        record.name,
        record.birthdate,
        certificate_sha256=card.certificate_sha256,
        record_ref=record_ref,
        aliases=aliases,
    )
    return decision.alias_id if decision.accepted_by_alias else None


def alias_proposal(
    held: HeldRecord | None, card: CardIdentity | None, certificate_sha256: str
) -> list[fx.Effect]:
    """Staff accepted a variant: propose it as an alias (online records only: an
    offline record has no gateway reference to tie the alias to)."""
    if held is None or card is None or not held.linked_record_ref or not certificate_sha256:
        return []
    return [
        fx.ProposeAlias(
            certificate_sha256=certificate_sha256,
            record_ref=held.linked_record_ref,
            card_name=card.name,
            record_name=held.identity.name,
            birthdate=card.birthdate,
        )
    ]
