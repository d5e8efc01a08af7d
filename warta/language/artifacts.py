"""Save and load trained models safely: numpy arrays in ``model.npz`` plus ``meta.json``.

Loading never unpickles: the archive must be a zip of plain ``.npy`` arrays and is read with
``allow_pickle=False``; an object array, a pickle or a joblib file is refused with
``ArtifactError`` before anything in it is executed. Metadata is plain JSON.

Layout of an artifact directory (``warta/language/artifacts/<task>/``)::

    model.npz    arrays (numbers only)
    meta.json    {"artifact_version", "task", "created", "seed", "data_sha256", "metrics",
                  "libraries", ...}
"""

import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

ARTIFACT_VERSION = 1
ZIP_MAGIC = b"PK\x03\x04"
NPY_MAGIC = b"\x93NUMPY"


class ArtifactError(Exception):
    """An artifact is missing, of an unknown version, or not in the safe format."""


def save(directory: Path, arrays: dict[str, np.ndarray], meta: dict) -> Path:
    """Write ``arrays`` and ``meta`` into ``directory`` atomically; return the directory.

    Every array must have a numeric or boolean dtype (no objects, no strings)."""
    for name, array in arrays.items():
        if array.dtype.kind not in "biuf":
            raise ArtifactError(f"array {name!r} has dtype {array.dtype}: only numbers are stored")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    meta = {"artifact_version": ARTIFACT_VERSION, **meta}
    with tempfile.NamedTemporaryFile(dir=directory, suffix=".npz.tmp", delete=False) as fh:
        np.savez_compressed(fh, **arrays)
        tmp_npz = Path(fh.name)
    tmp_meta = directory / "meta.json.tmp"
    tmp_meta.write_text(json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    os.chmod(tmp_npz, 0o644)
    os.replace(tmp_npz, directory / "model.npz")
    os.replace(tmp_meta, directory / "meta.json")
    return directory


def load(directory: Path) -> tuple[dict[str, np.ndarray], dict]:
    """Return ``(arrays, meta)`` from ``directory``; raise ``ArtifactError`` if unsafe or unknown."""
    directory = Path(directory)
    npz, meta_path = directory / "model.npz", directory / "meta.json"
    if not npz.is_file() or not meta_path.is_file():
        raise ArtifactError(f"no model in {directory} (model.npz and meta.json are needed)")
    with npz.open("rb") as fh:
        if fh.read(4) != ZIP_MAGIC:
            raise ArtifactError(f"{npz} is not a numpy .npz archive (a pickle or joblib file is refused)")
    try:
        with zipfile.ZipFile(npz) as zf:
            for info in zf.infolist():
                if not info.filename.endswith(".npy"):
                    raise ArtifactError(f"{npz} holds {info.filename!r}, which is not a .npy array")
                with zf.open(info) as member:
                    if member.read(6) != NPY_MAGIC:
                        raise ArtifactError(f"{npz}: {info.filename!r} is not a .npy array")
        with np.load(npz, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (ValueError, zipfile.BadZipFile, OSError) as exc:
        raise ArtifactError(f"{npz} cannot be read safely: {exc}") from exc
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ArtifactError(f"{meta_path} is not valid JSON: {exc}") from exc
    if meta.get("artifact_version") != ARTIFACT_VERSION:
        raise ArtifactError(
            f"{directory}: artifact version {meta.get('artifact_version')!r}, expected {ARTIFACT_VERSION}"
        )
    return arrays, meta
