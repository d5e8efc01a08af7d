"""Stand-ins for the language runtime in the annotation tests: fast and deterministic.

``classifiers.classify`` and ``training.train_task`` / ``evaluate_on`` / ``load_model`` are
replaced (in ``sys.modules`` and on the package) so these tests never train a real model.
"""

import sys
import types
from dataclasses import dataclass, field

import warta.language


@dataclass(frozen=True)
class FakePrediction:
    label: str | None
    scores: dict
    labels: tuple | None = None


def install(monkeypatch, name: str, **attrs) -> types.ModuleType:
    module = types.ModuleType(f"warta.language.{name}")
    for key, value in attrs.items():
        setattr(module, key, value)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(warta.language, name, module, raising=False)
    return module


class FakeClassifier:
    """Scores from a table ``text -> {label: p}``; unknown texts are sure 'other'."""

    def __init__(self, table: dict[str, dict[str, float]]):
        self.table = table
        self.calls: list[tuple[str, list[str]]] = []

    def classify(self, task, texts):
        texts = list(texts)
        self.calls.append((task, texts))
        out = []
        for text in texts:
            scores = self.table.get(text, {"other": 0.97, "question": 0.03})
            if task == "abuse":
                out.append(FakePrediction(None, scores, tuple(k for k, v in scores.items() if v >= 0.5)))
            else:
                out.append(FakePrediction(max(scores, key=scores.get), scores))
        return out


@dataclass
class FakeModel:
    name: str
    directory: object = None


@dataclass
class FakeTraining:
    """train_task writes a marker into out_dir; evaluate_on returns the score set per model."""

    scores: dict = field(default_factory=lambda: {"default": 0.60, "new": 0.70})
    trained: list = field(default_factory=list)
    evaluated: list = field(default_factory=list)
    loaded: list = field(default_factory=list)
    fail: bool = False

    def train_task(self, task, *, extra=(), seed=13, out_dir=None, evaluate=True):
        if self.fail:
            raise RuntimeError("boom")
        self.trained.append({"task": task, "extra": list(extra), "seed": seed, "out_dir": out_dir,
                             "evaluate": evaluate})
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "model.json").write_text("{}")
        return types.SimpleNamespace(model=FakeModel("new", out_dir), metrics={})

    def load_model(self, task, directory=None):
        self.loaded.append(directory)
        if directory is None:
            return FakeModel("default")
        return FakeModel("unit", directory)

    def evaluate_on(self, task, model, texts, labels):
        self.evaluated.append((model.name, list(texts), list(labels)))
        return {"macro_f1": self.scores[model.name], "n": len(texts)}

    def install(self, monkeypatch):
        return install(monkeypatch, "training", train_task=self.train_task, load_model=self.load_model,
                       evaluate_on=self.evaluate_on)
