"""What the language app stores: a unit's own labels, the queue of uncertain items, retraining runs.

The app never imports ingest or feature apps: where a label came from is kept as a plain
reference (``source_kind`` such as ``"ingest.item"``, and ``source_id``), given by the caller.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warta.organisations.models import Unit


class Task(models.TextChoices):
    SENTIMENT = "sentiment", _("Sentimen")
    EMOTION = "emotion", _("Emosi")
    ABUSE = "abuse", _("Ujaran kasar dan kebencian")
    MESSAGE_TYPE = "message_type", _("Jenis pesan")


class Annotation(models.Model):
    """One label a unit's analyst gave a text: the unit's own training data.

    ``label`` holds the class of single-label tasks; ``labels`` the list for ``abuse``
    (multi-label; an empty list means "none of them"). One annotation per unit, task and
    source; a text without a source is referenced by its own hash (``source_kind="manual"``).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="annotations")
    task = models.CharField(max_length=20, choices=Task.choices)
    text = models.TextField()
    label = models.CharField(max_length=40, blank=True)
    labels = models.JSONField(default=list, blank=True)
    predicted_label = models.CharField(max_length=40, blank=True)
    predicted_score = models.FloatField(null=True, blank=True)
    source_kind = models.CharField(max_length=40)
    source_id = models.CharField(max_length=128)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "task", "source_kind", "source_id"],
                                    name="language_annotation_one_per_source"),
        ]
        indexes = [models.Index(fields=["unit", "task", "-updated_at"], name="language_ann_unit_task")]

    def __str__(self) -> str:
        return f"{self.get_task_display()}: {self.label_text}"

    @property
    def label_text(self) -> str:
        """The label as one string: the class, or the abuse labels joined by commas."""
        if self.task == Task.ABUSE:
            return ",".join(self.labels) if self.labels else "none"
        return self.label


class AnnotationCandidate(models.Model):
    """An item the model was least sure of, waiting in the unit's annotation queue.

    ``margin`` is the gap between the two most probable labels (0 = a coin toss), the
    queue's order; ``uncertainty`` is 1 − the top probability, shown alongside.
    """

    class Resolution(models.TextChoices):
        LABELLED = "labelled", _("diberi label")
        SKIPPED = "skipped", _("dilewati")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="annotation_candidates")
    task = models.CharField(max_length=20, choices=Task.choices)
    text = models.TextField()
    source_kind = models.CharField(max_length=40)
    source_id = models.CharField(max_length=128)
    predicted_label = models.CharField(max_length=40, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    margin = models.FloatField()
    uncertainty = models.FloatField(default=0.0)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)

    class Meta:
        ordering = ["margin", "-uncertainty", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "task", "source_kind", "source_id"],
                                    name="language_candidate_one_per_source"),
        ]
        indexes = [models.Index(fields=["unit", "task", "resolved_at", "margin"], name="language_cand_queue")]

    def __str__(self) -> str:
        return self.text[:80]


class RetrainRun(models.Model):
    """One retraining of a unit's model for a task, with its unit's labels.

    The unit's labels are split (seeded): 80 % join the training data, 20 % are held back;
    the old and the new model are both scored (macro-F1) on the held-back part and the new
    one replaces the old only when it scores higher. The unit's current model is the
    artifact of its latest run with ``replaced=True``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("dalam antrean")
        RUNNING = "running", _("sedang dilatih")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="retrain_runs")
    task = models.CharField(max_length=20, choices=Task.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seed = models.IntegerField(default=13)
    labels_total = models.PositiveIntegerField(default=0)
    labels_train = models.PositiveIntegerField(default=0)
    labels_heldout = models.PositiveIntegerField(default=0)
    old_score = models.FloatField(null=True, blank=True)
    new_score = models.FloatField(null=True, blank=True)
    old_metrics = models.JSONField(default=dict, blank=True)
    new_metrics = models.JSONField(default=dict, blank=True)
    replaced = models.BooleanField(default=False)
    artifact_path = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_task_display()} · {self.created_at:%Y-%m-%d %H:%M}"
