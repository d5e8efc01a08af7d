"""Read what citizens write with the language models, and offer the unsure to analysts.

New comments, mentions, messages and search results get their sentiment, message type and
abuse labels (the unit's own retrained model where it has one), stored on the item; the
ones the models are least sure of wait in each unit's annotation queue, where analysts
label them (and the unit's labels train its next model).
"""

import logging
from collections import defaultdict

from warta.channels.connectors.base import ItemKind

logger = logging.getLogger(__name__)
CITIZEN_KINDS = {ItemKind.COMMENT, ItemKind.MENTION, ItemKind.MESSAGE, ItemKind.SEARCH_RESULT}
LABEL_TASKS = ("sentiment", "message_type", "abuse")
QUEUE_TASKS = ("sentiment", "message_type")


def _reading(task: str, prediction) -> dict:
    if task == "abuse":
        labels = list(prediction.labels or ())
        return {"labels": labels, "score": round(max((prediction.scores.get(x, 0.0) for x in labels), default=0.0), 3)}
    return {"label": prediction.label, "score": round(float(prediction.scores.get(prediction.label, 0.0)), 3)}


def items_label_and_offer(items: list) -> None:
    """Ingest consumer: label citizens' texts per unit, then queue the least sure."""
    from warta.ingest.models import Item
    from warta.language.annotation import candidates_offer, classify_for_unit

    by_unit = defaultdict(list)
    for item in items:
        if item.unit_id and item.kind in CITIZEN_KINDS and item.text.strip():
            by_unit[item.unit].append(item)
    for unit, rows in by_unit.items():
        texts = [item.text for item in rows]
        predicted = {}
        for task in LABEL_TASKS:
            predictions = classify_for_unit(unit=unit, task=task, texts=texts)
            predicted[task] = {str(item.pk): p for item, p in zip(rows, predictions, strict=True)}
            for item, prediction in zip(rows, predictions, strict=True):
                item.labels = {**item.labels, task: _reading(task, prediction)}
        Item.objects.bulk_update(rows, ["labels"])
        refs = [("ingest.item", str(item.pk), item.text) for item in rows]
        for task in QUEUE_TASKS:  # the same predictions decide what analysts are asked about
            candidates_offer(unit=unit, task=task, items=refs, predicted=predicted[task])
