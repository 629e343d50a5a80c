"""Bulk inputs: float64 / int64 sequences handed to libpaper without copying.

A buffer-protocol object (a numpy array, ``array.array``, ``memoryview``, ``bytearray``
viewed as doubles ...) that is one-dimensional, C-contiguous and of format ``'d'`` (float64)
or ``'q'`` / ``'l'`` (int64) is passed to C as a pointer to its own memory
(``ffi.from_buffer``): no copy and no Python-level loop, whatever its length. Its values are
checked by libpaper, which refuses a NaN or infinity naming its index.

A ``list`` or ``tuple`` (or any other iterable) is converted once into an ``array.array``
(one copy, checked element by element: ``bool`` and non-numbers raise ``TypeError``). For
times, the iterable may hold ints and aware datetimes.

A buffer whose memory is not aligned for its type (numpy makes one from a byte offset, and
unpickling out-of-band data can - Dask scattering columns to its workers) is copied once into
an aligned ``array.array``: C may not read a ``double`` or an ``uint32_t`` at an odd address
(undefined behaviour, which UBSan halts on), so such a buffer is not borrowed.
"""

from __future__ import annotations

import array
import sys
from typing import Any, Tuple

from ._args import UINT32_MAX, integer, number
from ._paperlib import ffi
from .timeutil import to_ts

_DOUBLE_FORMATS = {"d", "@d", "=d", "<d" if sys.byteorder == "little" else ">d"}
_INT64_FORMATS = {"q", "@q", "=q", "l", "@l", "=l"}
_INT64_FORMATS |= {f"{'<' if sys.byteorder == 'little' else '>'}{c}" for c in "ql"}
_UINT32_FORMATS = {"I", "@I", "=I", "L", "@L", "=L", ("<" if sys.byteorder == "little" else ">") + "I"}


def _view(obj: Any) -> Any:
    try:
        return memoryview(obj)
    except TypeError:
        return None


def _as_array(obj: Any, typecode: str, what: str) -> array.array:
    try:
        items = list(obj)
    except TypeError:
        raise TypeError(
            f"{what} must be a sequence of numbers (a list, an array.array or a numpy array), "
            f"not {type(obj).__name__}"
        ) from None
    if typecode == "q":
        return array.array("q", [to_ts(x, f"{what}[{i}]") for i, x in enumerate(items)])
    if typecode == "I":
        items = [integer(x, f"{what}[{i}]", 0, UINT32_MAX) for i, x in enumerate(items)]
        out = array.array("I", items)
        if out.itemsize != 4:
            return array.array("L", items)  # pragma: no cover - platforms with a 2-byte int
        return out
    for i, x in enumerate(items):
        if x.__class__ is bool:
            raise TypeError(f"{what}[{i}] must be a number, not bool")
    try:
        return array.array("d", items)
    except TypeError as e:
        raise TypeError(f"{what} must hold numbers only: {e}") from None
    except OverflowError:  # an int past a double's range: name it, as number() does
        for i, x in enumerate(items):
            number(x, f"{what}[{i}]")
        raise


_KINDS = {
    "double": ("float64", "d", _DOUBLE_FORMATS, 8),
    "int64_t": ("int64", "q", _INT64_FORMATS, 8),
    "uint32_t": ("uint32", "I", _UINT32_FORMATS, 4),
}


def _check_view(mv: Any, formats: set, kind: str, what: str, size: int = 8) -> None:
    if mv.ndim != 1:
        raise TypeError(f"{what} must be one-dimensional (got {mv.ndim} dimensions)")
    if mv.format not in formats or mv.itemsize != size:
        raise TypeError(
            f"{what} must hold {kind} values, got buffer format {mv.format!r}; "
            f"convert it (numpy: .astype(numpy.{kind}))"
        )
    if not mv.c_contiguous:
        raise TypeError(f"{what} must be contiguous (numpy: numpy.ascontiguousarray())")


def _uint32_typecode() -> str:
    return "I" if array.array("I").itemsize == 4 else "L"  # pragma: no branch


class Borrowed:
    """``with Borrowed(obj, "double", what) as (ptr, n):`` - a C pointer to obj's memory (or
    to a one-time copy of a list) for the duration of the block, then released."""

    __slots__ = ("ptr", "n", "owner")

    def __init__(self, obj: Any, ctype: str, what: str) -> None:
        kind, typecode, formats, size = _KINDS[ctype]
        mv = _view(obj)
        if mv is None:
            if isinstance(obj, (str, bytes)):
                raise TypeError(f"{what} must be a sequence of numbers, not {type(obj).__name__}")
            obj = _as_array(obj, typecode, what)
            mv = memoryview(obj)
        else:
            _check_view(mv, formats, kind, what, size)
        self.n = mv.shape[0]
        ptr = ffi.from_buffer(ctype + "[]", obj)
        if self.n and int(ffi.cast("uintptr_t", ptr)) % size:
            ffi.release(ptr)
            obj = array.array(typecode if size == 8 else _uint32_typecode())
            obj.frombytes(mv.cast("B"))
            ptr = ffi.from_buffer(ctype + "[]", obj)
        mv.release()
        self.owner = obj
        self.ptr = ptr

    def __enter__(self) -> Tuple[Any, int]:
        return self.ptr, self.n

    def __exit__(self, *exc: Any) -> None:
        ffi.release(self.ptr)


def doubles(obj: Any, what: str = "values") -> Borrowed:
    """Borrow ``obj`` as a ``double[]`` (see the module doc)."""
    return Borrowed(obj, "double", what)


def int64s(obj: Any, what: str = "values") -> Borrowed:
    """Borrow ``obj`` as an ``int64_t[]`` (see the module doc)."""
    return Borrowed(obj, "int64_t", what)


def uint32s(obj: Any, what: str = "values") -> Borrowed:
    """Borrow ``obj`` as a ``uint32_t[]`` (format ``'I'``)."""
    return Borrowed(obj, "uint32_t", what)
