"""Offer what citizens write to the language app's annotation queue.

New comments, mentions, messages and search results are classified for sentiment and message
type; the ones the models are least sure of wait in each unit's annotation queue, where
analysts label them (and the unit's labels train its next model).
"""

import logging
from collections import defaultdict

from warta.channels.connectors.base import ItemKind

logger = logging.getLogger(__name__)
CITIZEN_KINDS = {ItemKind.COMMENT, ItemKind.MENTION, ItemKind.MESSAGE, ItemKind.SEARCH_RESULT}
TASKS = ("sentiment", "message_type")


def items_offer_for_annotation(items: list) -> None:
    """Ingest consumer: hand citizens' texts, per unit, to ``candidates_offer``."""
    from warta.language.annotation import candidates_offer

    by_unit = defaultdict(list)
    for item in items:
        if item.unit_id and item.kind in CITIZEN_KINDS and item.text.strip():
            by_unit[item.unit].append(("ingest.item", str(item.pk), item.text))
    for unit, rows in by_unit.items():
        for task in TASKS:
            candidates_offer(unit=unit, task=task, items=rows)
