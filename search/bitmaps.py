"""Sets of document numbers as Python integers: bit n set = document n.

AND, OR and counting (``int.bit_count``) run in C over machine words, so
combining the matches of terms and facet values costs microseconds even
when they hold half the archive. Converting to and from lists of numbers
goes through a string of binary digits, also in C.
"""

from collections import deque
from collections.abc import Iterable, Sequence
from itertools import compress, repeat

_DIGIT_FLAGS = bytes.maketrans(b"01", b"\x00\x01")
_ONE = ord("1")


def from_docnums(docnums: Sequence[int] | Iterable[int]) -> int:
    """Return the bitmap holding ``docnums`` (non-negative integers)."""
    if not isinstance(docnums, Sequence):
        docnums = list(docnums)
    if not docnums:
        return 0
    top = max(docnums)
    digits = bytearray(b"0") * (top + 1)  # digits[i] is bit (top - i)
    deque(map(digits.__setitem__, map(top.__sub__, docnums), repeat(_ONE)), maxlen=0)
    return int(digits, 2)


def to_docnums(bitmap: int) -> list[int]:
    """Return the document numbers in ``bitmap``, ascending."""
    if bitmap <= 0:
        return []
    flags = format(bitmap, "b").encode().translate(_DIGIT_FLAGS)
    docnums = list(compress(range(len(flags) - 1, -1, -1), flags))
    docnums.reverse()
    return docnums


def flags(bitmap: int, size: int) -> bytes:
    """Return ``size`` bytes, byte n being 1 if document n is in ``bitmap``."""
    if bitmap <= 0:
        return bytes(size)
    digits = format(bitmap, f"0{size}b")[::-1][:size]
    return digits.encode().translate(_DIGIT_FLAGS)


def first_n(count: int) -> int:
    """Return the bitmap of documents 0 .. count-1."""
    return (1 << count) - 1
