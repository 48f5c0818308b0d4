"""Refresh the TEST KEYS shipped with the card fixtures.

Every virtual card's RSA key is derived from its profile's seed, which costs about
half a second a key; a fresh machine replaying the fixture library would pay that
for every card before the first check-in. The fixtures therefore carry their cards'
keys, marked as test keys, in ``<cards folder>/test-keys``. After adding a card
profile (or an inline card in a scenario) with a new seed, run:

    python -m reader.virtual_card.shipped_keys fixtures/cards fixtures/scenarios

It reads every JSON file under the folders given (a card profile, or a scenario whose
``card`` is an inline profile), and writes the key of each seed it finds, plus the
fixture CA's, into ``test-keys`` under the first folder.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path

from reader.localfile import LocalFileError, read_regular_file
from reader.virtual_card.keys import TEST_KEYS_FOLDER, write_test_keys
from reader.virtual_card.pki import CA_SEED, card_key_seed
from reader.virtual_card.profile import MAX_PROFILE_BYTES


def _seed_of(data: object) -> str | None:
    if not isinstance(data, dict):
        return None
    card = data.get("card")
    holder = card if isinstance(card, dict) else data
    seed = holder.get("seed")
    return seed if isinstance(seed, str) and seed else None


def fixture_seeds(folders: Iterable[Path]) -> set[str]:
    """The key seeds of every card found in JSON files under ``folders``, and the CA's."""
    seeds = {CA_SEED}
    for folder in folders:
        for path in sorted(folder.rglob("*.json")):
            try:
                data = json.loads(read_regular_file(path, MAX_PROFILE_BYTES, "fixture"))
            except (LocalFileError, ValueError, RecursionError):
                continue
            seed = _seed_of(data)
            if seed is not None:
                seeds.add(card_key_seed(seed))
    return seeds


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    folders = [Path(a) for a in argv]
    target = folders[0] / TEST_KEYS_FOLDER
    written = write_test_keys(target, fixture_seeds(folders))
    print(f"{len(written)} test key(s) written to {target}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
