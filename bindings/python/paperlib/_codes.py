"""The bottom of paperlib's exceptions: the status codes, :class:`PaperError` and
:class:`InvalidArgument`, which the enumerations raise for unknown values. errors.py builds the
other exception classes on them and re-exports these; import them from ``paperlib``.
"""

from __future__ import annotations

import enum
from typing import Any, Optional

from ._paperlib import ffi, lib

__all__ = ["ErrorCode", "PaperError", "InvalidArgument"]


class ErrorCode(enum.IntEnum):
    """libpaper status codes (``PAPER_OK``, ``PAPER_E*``); the values are the C constants."""

    OK = lib.PAPER_OK
    EINVAL = lib.PAPER_EINVAL
    ENOMEM = lib.PAPER_ENOMEM
    EPRICE = lib.PAPER_EPRICE
    EQTY = lib.PAPER_EQTY
    ENOTFOUND = lib.PAPER_ENOTFOUND
    ENODATA = lib.PAPER_ENODATA
    ETIME = lib.PAPER_ETIME
    EFUNDS = lib.PAPER_EFUNDS
    ESTATE = lib.PAPER_ESTATE
    ELIMIT = lib.PAPER_ELIMIT
    EHALTED = lib.PAPER_EHALTED
    ESAFETY = lib.PAPER_ESAFETY
    ECONFIG = lib.PAPER_ECONFIG
    EIO = lib.PAPER_EIO
    ECORRUPT = lib.PAPER_ECORRUPT
    EBUSY = lib.PAPER_EBUSY
    EVERSION = lib.PAPER_EVERSION
    EFORMAT = lib.PAPER_EFORMAT
    EUNSUPPORTED = lib.PAPER_EUNSUPPORTED
    ERANGE = lib.PAPER_ERANGE

    @property
    def text(self) -> str:
        """The library's static description of the code (``paper_strerror()``)."""
        return ffi.string(lib.paper_strerror(int(self))).decode()


def _code(value: int) -> Any:
    """``value`` as an :class:`ErrorCode`, or the plain int for a code this version lacks."""
    try:
        return ErrorCode(value)
    except ValueError:
        return value


class PaperError(Exception):
    """Base class of every libpaper error.

    Attributes:
        code: the status code (:class:`ErrorCode`, or an int for a code newer than paperlib).
        message: the library's message for the failure (``paper_last_error()``), naming the
            offending value; ``str(error)`` is this message.
        reason: the :class:`~paperlib.RejectReason` the broker recorded when the failed call
            was an order it refused: always set on :class:`~paperlib.OrderRejected`; set on
            an :class:`InvalidArgument` or a :class:`~paperlib.StateError` for the
            instrument's rules (``TICK_SIZE``, ``LOT_SIZE``: EPRICE, EQTY; ``EXPIRED``:
            ESTATE); None otherwise.
    """

    default_code: int = ErrorCode.EINVAL
    reason: Any = None

    def __init__(self, message: str = "", code: Optional[int] = None) -> None:
        self.code = _code(self.default_code if code is None else int(code))
        if not message:
            message = ffi.string(lib.paper_strerror(int(self.code))).decode()
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r})"


class InvalidArgument(PaperError, ValueError):
    """A value libpaper refuses: a bad argument, price, quantity, time, index or format
    (EINVAL, EPRICE, EQTY, ETIME, ERANGE, EFORMAT). Also a ``ValueError``."""
