"""The labelled public data the classifiers are trained on, and the copy Warta ships of it.

Where the data comes from, for each file:

1. ``WARTA_LANGUAGE_DATA_DIR`` (by default ``../shared/data`` next to the repository) when the
   file is there — the developers' source of truth;
2. otherwise the copy shipped in ``warta/language/data/public/`` — so that an installation
   without ``../shared`` can still retrain a unit's models with its own labels (ADR 0027).

What is shipped, and how (``warta language pack`` writes it from the source data):

- SmSA train and EmoT train (Apache-2.0) and the abuse training set (CC BY-NC-SA 4.0, like
  the abuse model itself) as byte-exact gzip copies, each folder with its licence;
- the policy tweets, whose text may not be redistributed, only as their hashed n-gram counts
  (``features.Counted`` rows: bucket ids and counts, the same numbers ``features.counts``
  gives for the text) with their labels. Training treats such a row exactly like the text it
  came from; a test re-counts the source and checks the shipped counts are identical.

Validation splits are not shipped: they are for measuring (``warta language train``), not for
the product. Every source carries the SHA-256 of its original bytes, so an artifact's
``data_sha256`` is the same whichever copy it was trained from.
"""

import csv
import gzip
import hashlib
import io
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from warta.language import artifacts
from warta.language.features import Counted, FeatureConfig, text_counts
from warta.language.prediction import ABUSE, LABELS, MESSAGE_TYPE, SENTIMENT

PACKAGE = Path(__file__).resolve().parent
SHIPPED = PACKAGE / "data" / "public"
MESSAGE_TYPE_CSV = PACKAGE / "data" / "message_type.csv"

SMSA_TRAIN = "smsa/train_preprocess.tsv"
EMOT_TRAIN = "emot/train_preprocess.csv"
ABUSE_TRAIN = "abuse/re_dataset_train.csv"
POLICY_TWEETS = "policy-tweets/vaccine_tweets_train.tsv"
POLICY_COUNTS = "policy-tweets"  # a folder: counts.npz + meta.json (artifacts format)
SHIPPED_TEXT = {SMSA_TRAIN: "LICENSE.indonlu.txt", EMOT_TRAIN: "LICENSE.indonlu.txt", ABUSE_TRAIN: None}


def setting(name: str, default):
    """Read a Django setting when Django is configured, else ``default``."""
    try:
        from django.conf import settings

        return getattr(settings, name, default) if settings.configured else default
    except ImportError:  # pragma: no cover
        return default


def data_dir() -> Path:
    return Path(setting("WARTA_LANGUAGE_DATA_DIR", PACKAGE.parents[2] / "shared" / "data"))


@dataclass(frozen=True)
class Source:
    """A data file: its name and the SHA-256 of its original bytes."""

    name: str
    sha256: str

    @classmethod
    def of(cls, name: str, raw: bytes) -> "Source":
        return cls(name, hashlib.sha256(raw).hexdigest())


@dataclass
class Labelled:
    """Training rows: texts (or ``Counted`` rows) with a label each (for abuse a tuple)."""

    texts: list
    labels: list
    sources: list[Source] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, idx) -> "Labelled":
        return Labelled([self.texts[i] for i in idx], [self.labels[i] for i in idx], self.sources)

    def __add__(self, other: "Labelled") -> "Labelled":
        return Labelled(self.texts + other.texts, self.labels + other.labels, self.sources + other.sources)


def _read(relative: str) -> tuple[str, Source]:
    """Return the text of a data file and its source, from the data dir or the shipped copy."""
    path = data_dir() / relative
    if path.is_file():
        raw = path.read_bytes()
    elif (SHIPPED / f"{relative}.gz").is_file():
        raw = gzip.decompress((SHIPPED / f"{relative}.gz").read_bytes())
    else:
        raise FileNotFoundError(2, "training data not found", str(path))
    return raw.decode("utf-8"), Source.of(Path(relative).name, raw)


def _tsv(relative: str, text_col: int = 0, label_col: int = 1, header: bool = False) -> Labelled:
    content, source = _read(relative)
    texts, labels = [], []
    for i, line in enumerate(content.splitlines()):
        parts = line.split("\t")
        if (header and i == 0) or len(parts) <= max(text_col, label_col):
            continue
        texts.append(parts[text_col])
        labels.append(parts[label_col])
    return Labelled(texts, labels, [source])


def _csv_rows(content: str):
    return csv.DictReader(io.StringIO(content, newline=""))


def _csv_parse(content: str, source: Source, text_col: str, label_col: str) -> Labelled:
    texts, labels = [], []
    for row in _csv_rows(content):
        if row.get(text_col) and row.get(label_col):
            texts.append(row[text_col])
            labels.append(row[label_col].strip())
    return Labelled(texts, labels, [source])


def _csv(relative: str, text_col: str, label_col: str) -> Labelled:
    return _csv_parse(*_read(relative), text_col, label_col)


def smsa(split: str) -> Labelled:
    return _tsv(f"smsa/{split}_preprocess.tsv")


def emot(split: str) -> Labelled:
    return _csv(f"emot/{split}_preprocess.csv", "tweet", "label")


def abuse() -> Labelled:
    content, source = _read(ABUSE_TRAIN)
    texts, labels = [], []
    for row in _csv_rows(content):
        texts.append(row["Tweet"])
        labels.append(tuple(label for label in LABELS[ABUSE] if row[label].strip() == "1"))
    return Labelled(texts, labels, [source])


def policy_tweets() -> Labelled:
    """The policy tweets: their text from the data dir, else the shipped counts."""
    if (data_dir() / POLICY_TWEETS).is_file() or not (SHIPPED / POLICY_COUNTS / "model.npz").is_file():
        return _tsv(POLICY_TWEETS, 0, 1, header=True)
    return counted_load(SHIPPED / POLICY_COUNTS)


def message_types() -> Labelled:
    """The hand-written starter set of citizen-message types (in the repository)."""
    raw = MESSAGE_TYPE_CSV.read_bytes()
    data = _csv_parse(raw.decode("utf-8"), Source.of(MESSAGE_TYPE_CSV.name, raw), "text", "label")
    keep = [i for i, label in enumerate(data.labels) if label in LABELS[MESSAGE_TYPE]]
    return data.subset(keep)


def extra_labelled(task: str, extra: Sequence[tuple[str, object]]) -> Labelled:
    """Turn ``(text, label)`` pairs into training rows; unknown labels are refused."""
    texts, labels = [], []
    for text, label in extra:
        if task == ABUSE:
            parts = label.split(",") if isinstance(label, str) else list(label)
            value = tuple(p.strip() for p in parts if p.strip())
            bad = [p for p in value if p not in LABELS[ABUSE]]
        else:
            value, bad = str(label), [] if str(label) in LABELS[task] else [label]
        if bad:
            raise ValueError(f"unknown {task} label(s): {bad}")
        texts.append(str(text))
        labels.append(value)
    return Labelled(texts, labels)


def data_sha256(sources: Sequence[Source], extra: Labelled) -> str:
    """One digest of the training data: each source's name and bytes' digest, then the extra rows."""
    digest = hashlib.sha256()
    for source in sorted(set(sources), key=lambda s: s.name):
        digest.update(source.name.encode())
        digest.update(source.sha256.encode())
    for text, label in zip(extra.texts, extra.labels, strict=True):
        digest.update(f"{text}\t{label}\n".encode())
    return digest.hexdigest()


# --- the shipped copy -------------------------------------------------------------------------


def counted_save(directory: Path, data: Labelled, config: FeatureConfig, labels: Sequence[str]) -> Path:
    """Write ``data`` (texts) as hashed counts + label codes (artifacts format, numbers only)."""
    matrix = text_counts(config, data.texts)
    codes = np.array([list(labels).index(y) for y in data.labels], dtype=np.int8)
    arrays = {"indptr": matrix.indptr.astype(np.int32), "indices": matrix.indices.astype(np.int32),
              "counts": matrix.data.astype(np.uint16), "labels": codes}
    meta = {"kind": "counts", "labels": list(labels), "features": config.to_dict(), "rows": len(data),
            "sources": [{"name": s.name, "sha256": s.sha256} for s in data.sources],
            "note": "Hashed n-gram counts only; the text is not redistributed (see ADR 0027)."}
    return artifacts.save(directory, arrays, meta)


def counted_load(directory: Path) -> Labelled:
    """Read a counts pack back as ``Labelled`` rows of ``Counted``."""
    arrays, meta = artifacts.load(directory)
    if meta.get("kind") != "counts":
        raise artifacts.ArtifactError(f"{directory} is not a counts pack")
    config = FeatureConfig(**meta["features"])
    indptr, indices, values = arrays["indptr"], arrays["indices"], arrays["counts"].astype(np.float32)
    rows = [Counted(indices[a:b], values[a:b], config) for a, b in zip(indptr[:-1], indptr[1:], strict=True)]
    labels = [meta["labels"][int(code)] for code in arrays["labels"]]
    return Labelled(rows, labels, [Source(s["name"], s["sha256"]) for s in meta["sources"]])


def pack(destination: Path = SHIPPED, config: FeatureConfig | None = None) -> list[Path]:
    """Write the shipped copy from the data dir (``warta language pack``); return what was written."""
    config = config or FeatureConfig()
    source = data_dir()
    written = []
    for relative, licence in SHIPPED_TEXT.items():
        raw = (source / relative).read_bytes()
        target = destination / f"{relative}.gz"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0) as gz:
            gz.write(raw)  # no name, no time: the same bytes give the same file
        written.append(target)
        if licence:
            shutil.copyfile(source / relative.split("/")[0] / licence, target.parent / licence)
            written.append(target.parent / licence)
    policy = _tsv(POLICY_TWEETS, 0, 1, header=True)
    written.append(counted_save(destination / POLICY_COUNTS, policy, config, LABELS[SENTIMENT]))
    return written
