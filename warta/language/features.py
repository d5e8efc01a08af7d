"""Turn normalised tokens into hashed, sublinear TF-IDF vectors, fast and without a vocabulary.

Two blocks, each L2-normalised on its own (as scikit-learn's ``FeatureUnion`` of two
``TfidfVectorizer``s would be), then concatenated:

- word uni- and bigrams, hashed into ``2**word_bits`` buckets, plus one bucket counting the
  words of the abusive word list (``_abw_``);
- character n-grams (``char_min``–``char_max``) of the tokens joined by single spaces and
  padded with a space at each end, hashed into ``2**char_bits`` buckets.

A whole batch is hashed at once with numpy (a polynomial hash over the UTF-32 code points,
see ``counts``): no Python loop runs per token or per n-gram.

Hashing keeps the artifacts free of any vocabulary (one of the training sets may not be
redistributed as text) and makes loading a matter of reading a few arrays. A bucket never
seen at training time has an IDF of 0, so it neither scores nor changes a vector's norm.
"""

import zlib
from dataclasses import asdict, dataclass

import numpy as np
import scipy.sparse as sp

from warta.language.normalise import abusive_words, tokens

ABUSIVE = "_abw_"
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class FeatureConfig:
    word_bits: int = 18
    char_bits: int = 20
    char_min: int = 3
    char_max: int = 5
    word_bigrams: bool = True
    abusive_flag: bool = True
    min_df: int = 2

    @property
    def n_word(self) -> int:
        return 1 << self.word_bits

    @property
    def n_features(self) -> int:
        return (1 << self.word_bits) + (1 << self.char_bits)

    def to_dict(self) -> dict:
        return asdict(self)


_P = np.uint64(1_000_003)
_Q = np.uint64(pow(1_000_003, -1, 1 << 64))  # P's inverse modulo 2**64 (P is odd)
_NGRAM_SALT = np.uint64(0x51_7C_C1_B7_27_22_0A_95)
_ABUSIVE_BUCKET = int(zlib.crc32(ABUSIVE.encode()) * 0x9E3779B1 % (1 << 32))


def _mix(h: np.ndarray, bits: int) -> np.ndarray:
    """Spread a uint64 hash over ``2**bits`` buckets (Fibonacci hashing on the high bits)."""
    return ((h * _MIX) >> np.uint64(64 - bits)).astype(np.int64)


def _powers(base: np.uint64, n: int) -> np.ndarray:
    powers = np.full(n, base, dtype=np.uint64)
    powers[0] = 1
    return np.cumprod(powers, dtype=np.uint64)  # wraps modulo 2**64, as intended


def counts(config: FeatureConfig, docs: list[list[str]]) -> sp.csr_matrix:
    """Return the raw n-gram counts of tokenised documents (rows) in hashed buckets (columns).

    The batch is one string, ``" w1 w2 … "`` per document joined by NUL. With prefix sums
    ``G[i] = Σ c[j]·Q^j`` (``Q = P⁻¹ mod 2⁶⁴``), the hash of any substring ``[l, r)`` is
    ``(G[r] − G[l])·P^l``, whatever its position: every word, word bigram (two words and
    the space between) and character n-gram is hashed with a few array operations."""
    abusive = abusive_words() if config.abusive_flag else frozenset()
    texts = []
    flags_rows: list[int] = []
    flags_counts: list[int] = []
    for row, toks in enumerate(docs):
        texts.append(" ".join(toks))
        if abusive:
            found = len(abusive.intersection(toks))
            if found:
                flags_rows.append(row)
                flags_counts.append(found)
    joined = "\x00".join(f" {t} " for t in texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    length = len(codes)
    g = np.zeros(length + 1, dtype=np.uint64)
    np.cumsum(codes * _powers(_Q, length), dtype=np.uint64, out=g[1:])
    p_pow = _powers(_P, length + 1)
    is_sep = codes == 0
    sep = np.concatenate(([0], np.cumsum(is_sep)))  # sep[i]: documents ended before position i

    def substring(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return (g[right] - g[left]) * p_pow[left]

    rows = []
    cols = []
    # Words: the runs between boundaries (space or NUL).
    bounds = np.flatnonzero((codes == 32) | is_sep)
    starts, ends = bounds[:-1] + 1, bounds[1:]
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    word_doc = sep[starts]
    rows.append(word_doc)
    cols.append(_mix(substring(starts, ends), config.word_bits))
    if config.word_bigrams and len(starts) > 1:
        same = (word_doc[1:] == word_doc[:-1]) & (starts[1:] == ends[:-1] + 1)
        left, right = starts[:-1][same], ends[1:][same]
        rows.append(word_doc[:-1][same])
        cols.append(_mix(substring(left, right) ^ _NGRAM_SALT, config.word_bits))
    # Character n-grams inside each document's padded string.
    for n in range(config.char_min, config.char_max + 1):
        m = length - n + 1
        if m <= 0:
            continue
        begin = np.flatnonzero(sep[n : n + m] == sep[0:m])
        h = substring(begin, begin + n) + np.uint64(n * int(_NGRAM_SALT) % (1 << 64))
        rows.append(sep[begin])
        cols.append(_mix(h, config.char_bits) + config.n_word)
    r = np.concatenate(rows).astype(np.int32)
    c = np.concatenate(cols).astype(np.int32)
    values = np.ones(len(r), dtype=np.float32)
    if flags_rows:
        r = np.concatenate([r, np.asarray(flags_rows, dtype=np.int32)])
        c = np.concatenate([c, np.full(len(flags_rows), _ABUSIVE_BUCKET % config.n_word, dtype=np.int32)])
        values = np.concatenate([values, np.asarray(flags_counts, dtype=np.float32)])
    matrix = sp.csr_matrix((values, (r, c)), shape=(len(docs), config.n_features))
    matrix.sum_duplicates()
    return matrix


@dataclass(frozen=True, eq=False)
class Counted:
    """A document given as its hashed n-gram counts instead of its text (shipped training
    data whose text may not be redistributed, see ``corpus``): bucket ids and their counts,
    exactly the row ``counts`` gives for the text under ``config``."""

    indices: np.ndarray
    values: np.ndarray
    config: FeatureConfig


def text_counts(config: FeatureConfig, items) -> sp.csr_matrix:
    """Return the counts of ``items``: texts (normalised and hashed here) or ``Counted`` rows."""
    if all(type(item) is str for item in items):
        return counts(config, [tokens(t) for t in items])
    texts = [i for i, item in enumerate(items) if not isinstance(item, Counted)]
    rows = [i for i, item in enumerate(items) if isinstance(item, Counted)]
    for i in rows:
        if items[i].config != config:
            raise ValueError(f"counted row {i} was hashed with {items[i].config}, not {config}")
    counted = sp.csr_matrix(
        (np.concatenate([items[i].values for i in rows]).astype(np.float32),
         np.concatenate([items[i].indices for i in rows]),
         np.concatenate([[0], np.cumsum([len(items[i].indices) for i in rows])])),
        shape=(len(rows), config.n_features))
    blocks = [counts(config, [tokens(str(items[i])) for i in texts])] if texts else []
    stacked = sp.vstack([*blocks, counted], format="csr")
    order = np.empty(len(items), dtype=np.int64)
    order[np.asarray(texts + rows, dtype=np.int64)] = np.arange(len(items))
    return stacked[order]


def idf_fit(config: FeatureConfig, matrix: sp.csr_matrix) -> np.ndarray:
    """Return smoothed IDF weights; buckets seen in fewer than ``min_df`` documents get 0."""
    df = np.bincount(matrix.indices, minlength=config.n_features)
    n = matrix.shape[0]
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    idf[df < max(config.min_df, 1)] = 0.0
    return idf


def tfidf(config: FeatureConfig, matrix: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Return sublinear TF-IDF rows, each block (words, characters) L2-normalised."""
    m = matrix.copy()
    m.data = (1.0 + np.log(m.data)) * idf[m.indices]
    n = m.shape[0]
    lengths = np.diff(m.indptr)
    row_of = np.repeat(np.arange(n), lengths)
    is_char = m.indices >= config.n_word
    sq = m.data * m.data
    total = np.bincount(row_of, weights=sq, minlength=n)
    char = np.bincount(row_of, weights=sq * is_char, minlength=n)
    word = total - char
    inv_word = 1.0 / np.sqrt(np.where(word > 1e-12, word, 1.0))
    inv_char = 1.0 / np.sqrt(np.where(char > 1e-12, char, 1.0))
    m.data *= np.where(is_char, inv_char[row_of], inv_word[row_of]).astype(np.float32)
    m.eliminate_zeros()
    return m
