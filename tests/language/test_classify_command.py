"""``warta classify``: JSON lines in, JSON lines out, in batches, bad lines reported and skipped."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from warta.language.stream import classify_stream


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_classify_writes_one_line_per_good_input_and_reports_the_bad_line(tmp_path):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_lines(source, [
        json.dumps({"id": 1, "text": "Pelayanannya cepat dan ramah, terima kasih banyak!"}),
        "{ini bukan json",
        json.dumps({"id": "b", "text": "Jalan rusak parah, kecewa sekali, tidak ada perbaikan"}),
        json.dumps({"id": 3}),
    ])
    err = io.StringIO()

    call_command("classify", "--task", "sentiment", "--input", str(source), "--output", str(target), stderr=err)

    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, "b"]
    assert [r["label"] for r in rows] == ["positive", "negative"]
    for row in rows:
        assert set(row) == {"id", "label", "scores"}
        assert set(row["scores"]) == {"positive", "neutral", "negative"}
        assert sum(row["scores"].values()) == pytest.approx(1.0, abs=1e-3)
    assert "baris 2: bukan JSON" in err.getvalue()
    assert "baris 4: kolom \"text\" tidak ada" in err.getvalue()
    assert "2 baris ditulis, 2 baris rusak dilewati" in err.getvalue()


def test_abuse_lines_carry_every_label_that_applies(tmp_path):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_lines(source, [json.dumps({"id": 1, "text": "selamat pagi warga, semoga harimu menyenangkan"})])

    call_command("classify", "--task", "abuse", "--input", str(source), "--output", str(target), stderr=io.StringIO())

    row = json.loads(target.read_text(encoding="utf-8"))
    assert set(row) == {"id", "labels", "scores"}
    assert row["labels"] == []
    assert {"HS", "Abusive", "HS_Religion", "HS_Strong"} <= set(row["scores"])


def test_nothing_readable_is_an_error(tmp_path):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_lines(source, ["bukan json", "[1, 2]"])
    err = io.StringIO()

    with pytest.raises(CommandError, match="Tidak ada baris yang dapat dibaca"):
        call_command("classify", "--task", "emotion", "--input", str(source), "--output", str(target), stderr=err)
    assert "baris 1: bukan JSON" in err.getvalue()
    assert "baris 2: bukan objek JSON" in err.getvalue()
    assert target.read_text() == ""


def test_a_missing_input_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Berkas masukan tidak dapat dibuka"):
        call_command("classify", "--task", "sentiment", "--input", str(tmp_path / "nope.jsonl"),
                     "--output", str(tmp_path / "out.jsonl"))


def test_the_stream_is_written_batch_by_batch_while_reading():
    out = io.StringIO()
    written_when_read: list[int] = []

    def lines():
        for i in range(7):
            written_when_read.append(out.getvalue().count("\n"))
            yield json.dumps({"id": i, "text": f"layanan nomor {i} bagus"})

    report = classify_stream("sentiment", lines(), out, batch_size=2)

    assert report.read == 7
    assert report.written == 7
    # Each line is read only after every earlier full batch was written.
    assert written_when_read == [0, 0, 2, 2, 4, 4, 6]
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == list(range(7))


@pytest.mark.django_db
def test_a_unit_s_own_model_reads_the_file_when_asked(tmp_path, tree):
    from pathlib import Path

    from django.utils import timezone

    from warta.language import training
    from warta.language.models import RetrainRun

    directory = Path(tmp_path) / "own"
    training.train_task("emotion", seed=3, limit=150, evaluate=False, out_dir=directory)
    RetrainRun.objects.create(unit=tree.kab, task="emotion", status=RetrainRun.Status.DONE, replaced=True,
                              artifact_path=str(directory), finished_at=timezone.now())
    source = tmp_path / "in.jsonl"
    write_lines(source, [json.dumps({"id": i, "text": t}) for i, t in enumerate(["senang sekali", "takut banjir"])])

    outputs = {}
    for name, extra in (("default", []), ("kab", ["--unit", str(tree.kab.uuid)]), ("kota", ["--unit", str(tree.kota.uuid)])):
        err = io.StringIO()
        call_command("classify", "--task", "emotion", "--input", str(source), "--output", str(tmp_path / f"{name}.jsonl"),
                     *extra, stderr=err)
        outputs[name] = ((tmp_path / f"{name}.jsonl").read_text(encoding="utf-8"), err.getvalue())

    assert "memakai model emotion milik unit" in outputs["kab"][1]
    assert outputs["kab"][0] != outputs["default"][0]
    assert "belum punya model emotion sendiri" in outputs["kota"][1]
    assert outputs["kota"][0] == outputs["default"][0]


@pytest.mark.django_db
def test_an_unknown_unit_is_a_clear_error(tmp_path):
    source = tmp_path / "in.jsonl"
    write_lines(source, [json.dumps({"id": 1, "text": "halo"})])
    for unit in ("00000000-0000-0000-0000-000000000000", "bukan-uuid"):
        with pytest.raises(CommandError, match="tidak ditemukan"):
            call_command("classify", "--task", "emotion", "--input", str(source), "--output", str(tmp_path / "o.jsonl"),
                         "--unit", unit)
