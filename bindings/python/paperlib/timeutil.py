"""Timestamps: libpaper's ``paper_ts`` (microseconds since the Unix epoch, UTC) and Python.

Everywhere paperlib takes a time it accepts either

* an ``int``: microseconds since 1970-01-01T00:00:00Z (``paper_ts`` itself, exact), or
* an aware :class:`datetime.datetime`: any time zone, converted exactly to UTC microseconds.
  A naive ``datetime`` (no ``tzinfo``) is refused with :class:`~paperlib.InvalidArgument`:
  paperlib never guesses a time zone.

Results carry the integer (``ts``, ``entry_ts``, ...) and a ``datetime`` property next to it
(``time``, ``entry_time``, ...) in UTC. :func:`to_ts` and :func:`from_ts` convert by hand.
"""

from __future__ import annotations

import operator
from datetime import datetime, timedelta, timezone
from typing import Union

from ._paperlib import lib

__all__ = ["Timestamp", "to_ts", "from_ts", "TS_PER_SECOND", "INT64_MIN", "INT64_MAX"]

#: Microseconds in a second (``PAPER_TS_PER_SECOND``).
TS_PER_SECOND: int = lib.PAPER_TS_PER_SECOND
INT64_MIN: int = -(2**63)
INT64_MAX: int = 2**63 - 1

#: What paperlib accepts as a time.
Timestamp = Union[int, datetime]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ONE_US = timedelta(microseconds=1)


def to_ts(value: Timestamp, what: str = "ts") -> int:
    """``value`` as a ``paper_ts``: microseconds since the epoch, UTC.

    Args:
        value: an ``int`` (returned as is, after a range check) or an aware ``datetime``.
        what: the argument's name, for messages.
    Raises:
        TypeError: not an int or a datetime (``bool`` and ``date`` included).
        InvalidArgument: a naive datetime, or an int outside the 64-bit range.
    """
    if value.__class__ is int:
        ts = value
    elif isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            from .errors import ErrorCode, InvalidArgument

            raise InvalidArgument(
                f"{what}: naive datetime {value.isoformat()} (give it a tzinfo, e.g. "
                "datetime.timezone.utc; paperlib never guesses a time zone)",
                ErrorCode.EINVAL,
            )
        return (value - _EPOCH) // _ONE_US
    elif isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(
            f"{what} must be an int (microseconds since the epoch, UTC) or an aware "
            f"datetime, not {type(value).__name__}"
        )
    else:
        ts = operator.index(value)
    if not INT64_MIN <= ts <= INT64_MAX:
        from .errors import ErrorCode, InvalidArgument

        raise InvalidArgument(f"{what}: {ts} is outside the 64-bit range", ErrorCode.ETIME)
    return ts


def from_ts(ts: int) -> datetime:
    """A ``paper_ts`` as an aware UTC :class:`datetime.datetime`, exactly."""
    return _EPOCH + timedelta(microseconds=ts)
