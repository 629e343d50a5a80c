"""The two checks every numeric argument passes before it reaches C.

Python integers are unbounded and C's are not: cffi raises ``OverflowError`` for ``2**63``
given to an ``int64_t``, which is neither the documented error nor one a caller expects.
Every integer paperlib hands to libpaper (ids, counts, times, flags, options) goes through
:func:`integer`, and every float through :func:`number`, so a value out of range is an
:class:`~paperlib.InvalidArgument` (or the error class the caller names) with the argument's
name, and a value of the wrong type a ``TypeError``.
"""

from __future__ import annotations

from typing import Any, Type

from .errors import ErrorCode, InvalidArgument, PaperError

__all__ = ["integer", "number", "INT64_MIN", "INT64_MAX", "UINT32_MAX", "UINT64_MAX"]

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
UINT32_MAX = 2**32 - 1
UINT64_MAX = 2**64 - 1

_INF = float("inf")


def integer(
    value: Any,
    what: str,
    lo: int,
    hi: int,
    code: int = ErrorCode.EINVAL,
    error: Type[PaperError] = InvalidArgument,
) -> int:
    """``value`` as an int in ``[lo, hi]``.

    Raises:
        TypeError: not an int (``bool`` included).
        InvalidArgument: outside ``[lo, hi]`` (or ``error`` when given), with ``code``.
    """
    if value.__class__ is not int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{what} must be an int, not {type(value).__name__}")
        value = int(value)
    if not lo <= value <= hi:
        raise error(f"{what} must be in [{lo}, {hi}] (got {value})", code)
    return value


def number(
    value: Any,
    what: str,
    code: int = ErrorCode.EINVAL,
    error: Type[PaperError] = InvalidArgument,
) -> float:
    """``value`` as a finite float: an int or a float (``bool`` and ``str`` refused).

    Raises:
        TypeError: not a number.
        InvalidArgument: NaN, an infinity, or an int too large for a double (``10**400``)
            (or ``error`` when given), with ``code``.
    """
    if value.__class__ is not float:
        if isinstance(value, (bool, str, bytes)) or not (
            isinstance(value, (int, float)) or hasattr(value, "__float__")
        ):
            raise TypeError(f"{what} must be a number, not {type(value).__name__}")
        try:
            value = float(value)
        except OverflowError:
            raise error(f"{what} must be a finite number (got {value})", code) from None
    if not -_INF < value < _INF:
        raise error(f"{what} must be a finite number (got {value!r})", code)
    return value
