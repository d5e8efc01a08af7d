"""Indonesian language understanding: normalisation, classifiers, training and evaluation.

What lives where:

- ``normalise`` — informal Indonesian to tokens (slang, repeated letters, ``s4y4``, ``anak2``,
  URLs/mentions/emoji/numbers as tokens); word lists in ``resources/`` (see SOURCE.md).
- ``features`` — hashed word and character n-gram TF-IDF, vectorised with numpy.
- ``backends/linear`` — the default CPU models (linear SVM + NB-SVM, calibrated);
  ``backends/transformer`` — an optional ONNX model from a local folder.
- ``artifacts`` — safe save/load (``.npz`` without pickle + JSON metadata); the committed
  models are in ``artifacts/<task>/``.
- ``prediction`` — tasks, labels and the ``Prediction`` type.
- ``classifiers`` — the runtime: ``classify(task, texts)``, models loaded once per process.
- ``training`` / ``evaluation`` — ``warta language train|evaluate``, ``train_task``,
  ``evaluate_on`` (used by retraining with a unit's own labels).
- ``stream`` — ``warta classify`` (JSON lines in, JSON lines out, in constant memory).
- ``api`` / ``schemas`` — ``POST /api/v1/language/classify``.
- ``models``, ``annotation``, ``views``, ``tasks`` — the annotation workflow (labels per unit,
  the queue of uncertain items, retraining).

See docs/adr/0014-language-models.md and docs/models/.
"""
