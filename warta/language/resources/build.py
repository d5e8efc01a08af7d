"""Rebuild the committed word lists from ``../shared/data``: ``python -m warta.language.resources.build``.

- ``slang.tsv``: informal → formal pairs. IndoCollex's dictionary first, then its
  transformation examples (chains such as ``mksh → makasih → terima kasih`` resolved), then
  ``slang_warta.tsv`` (written for Warta) which wins on conflict.
- ``lexicon.txt``: known formal words, used to choose between ``bangettt → bangett`` and
  ``banget``: the formal side of the pairs plus every word seen at least three times in the
  SmSA training split (Apache-2.0) that is not itself a slang key.
- ``abusive_words.csv`` is a byte-exact copy of the list shipped with Ibrohim & Budi (2019).
"""

import csv
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORD = re.compile(r"^[a-z][a-z\-]*$")


def _pairs_indocollex(data: Path) -> dict[str, str]:
    pairs: dict[str, str] = {}
    with (data / "indocollex" / "inforformal-formal-Indonesian-dictionary.tsv").open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if len(row) == 2 and row[0] != "informal":
                informal, formal = row[0].strip().lower(), row[1].strip().lower()
                if WORD.match(informal) and formal and informal != formal:
                    pairs.setdefault(informal, formal)
    chain: dict[str, str] = {}
    with (data / "indocollex" / "full.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            informal, formal = row["transformed"].strip().lower(), row["original-for"].strip().lower()
            if WORD.match(informal) and formal and informal != formal:
                chain.setdefault(informal, formal)
    for informal in chain:
        if informal in pairs:
            continue
        formal, seen = chain[informal], {informal}
        while formal in chain and formal not in seen and len(seen) < 4:
            seen.add(formal)
            formal = pairs.get(formal) or chain[formal]
        pairs[informal] = pairs.get(formal, formal)
    return pairs


def build(data: Path) -> None:
    pairs = _pairs_indocollex(data)
    with (HERE / "slang_warta.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                informal, formal = line.rstrip("\n").split("\t")
                pairs[informal.strip()] = formal.strip()
    pairs = {k: v for k, v in pairs.items() if k != v}
    with (HERE / "slang.tsv").open("w", encoding="utf-8") as fh:
        for informal in sorted(pairs):
            fh.write(f"{informal}\t{pairs[informal]}\n")
    counts: Counter[str] = Counter()
    with (data / "smsa" / "train_preprocess.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            counts.update(w for w in line.split("\t")[0].split() if WORD.match(w))
    words = {w for w, n in counts.items() if n >= 3 and w not in pairs}
    for formal in pairs.values():
        words.update(w for w in formal.split() if WORD.match(w))
    (HERE / "lexicon.txt").write_text("\n".join(sorted(words)) + "\n", encoding="utf-8")
    print(f"slang.tsv: {len(pairs)} pairs; lexicon.txt: {len(words)} words")


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else HERE.parents[2].parent / "shared" / "data"))
