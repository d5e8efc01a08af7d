"""Materialised-path arithmetic.

A unit's path is its ancestors' segments and its own, each ``SEGMENT`` decimal digits
(``000001000004``). Digits sort the same under every collation, so a subtree is one
indexed range: ``path >= p AND path < next(p)``.
"""

SEGMENT = 6
MAX_SEGMENT = 10**SEGMENT - 2  # 999999 is kept free so upper_bound stays SEGMENT wide
MAX_DEPTH = 255 // SEGMENT


def segment(number: int) -> str:
    if not 0 < number <= MAX_SEGMENT:
        raise ValueError("segment out of range")
    return str(number).zfill(SEGMENT)


def upper_bound(path: str) -> str:
    """Return the smallest path that sorts after every path in ``path``'s subtree."""
    head, last = path[:-SEGMENT], int(path[-SEGMENT:])
    return head + str(last + 1).zfill(SEGMENT)


def is_within(path: str, ancestor_path: str) -> bool:
    """Return whether ``path`` is ``ancestor_path`` or below it."""
    return path.startswith(ancestor_path) and len(path) % SEGMENT == 0


def ancestor_paths(path: str) -> list[str]:
    """Return the paths of every ancestor of ``path`` and itself, root first."""
    return [path[: i + SEGMENT] for i in range(0, len(path), SEGMENT)]


def depth_of(path: str) -> int:
    return len(path) // SEGMENT
