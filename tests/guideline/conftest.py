"""Guideline test helpers: a controllable abuse classifier and a rule maker."""

import pytest

from warta.guideline import engine, selectors, services
from warta.language.prediction import LABELS, Prediction


class FakeAbuse:
    """Stands in for ``classifiers.classify``: fixed scores, counts its calls, or fails to load."""

    def __init__(self):
        self.scores = dict.fromkeys(LABELS["abuse"], 0.01)
        self.calls = 0
        self.broken = False

    def __call__(self, task, texts):
        assert task == "abuse"
        self.calls += 1
        if self.broken:
            raise FileNotFoundError("model.npz")
        return [Prediction(label=None, scores=dict(self.scores), labels=()) for _t in texts]


@pytest.fixture(autouse=True)
def abuse(monkeypatch):
    fake = FakeAbuse()
    monkeypatch.setattr(engine.classifiers, "classify", fake)
    selectors.cache_clear()
    yield fake
    selectors.cache_clear()


def make_rule(unit, kind, params, severity="error", **fields):
    return services.rule_create(actor=None, unit=unit, kind=kind, severity=severity, params=params, **fields)
