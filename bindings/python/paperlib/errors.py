"""Exceptions of paperlib, and the one place where libpaper status codes become them.

Every libpaper function that can fail returns an ``int`` status; paperlib hands each one to
:func:`check` (or to :func:`error_for` when it adds details), which reads the library's
message (``paper_last_error()``) and raises the exception class of the code:

==========================  ===============================================================
exception                   codes
==========================  ===============================================================
:class:`InvalidArgument`    EINVAL, EPRICE, EQTY, ETIME, ERANGE, EFORMAT (also a ValueError)
:class:`NotFound`           ENOTFOUND (also a LookupError)
:class:`StateError`         ESTATE
:class:`OrderRejected`      EFUNDS, ELIMIT, EHALTED, ENODATA
:class:`ConfigError`        ECONFIG
:class:`SafetyError`        ESAFETY (a ConfigError)
:class:`LedgerError`        EIO, ECORRUPT, EBUSY, EVERSION
:class:`UnsupportedError`   EUNSUPPORTED
:class:`PaperMemoryError`   ENOMEM (also a MemoryError)
==========================  ===============================================================

All derive from :class:`PaperError` and carry ``.code`` (an :class:`ErrorCode`) and
``.message``. Bad Python input is refused before it reaches the library: a value of the
wrong type raises ``TypeError``; a value of the right type that no libpaper call accepts (NaN,
a naive ``datetime``) raises :class:`InvalidArgument` with the code the library would use.
"""

from __future__ import annotations

from typing import Any, Optional, Type

from ._codes import ErrorCode, InvalidArgument, PaperError, _code
from ._paperlib import ffi, lib
from .enums import RejectReason

__all__ = [
    "ErrorCode",
    "PaperError",
    "InvalidArgument",
    "NotFound",
    "StateError",
    "OrderRejected",
    "ConfigError",
    "SafetyError",
    "LedgerError",
    "UnsupportedError",
    "PaperMemoryError",
    "check",
    "error_for",
]


class NotFound(PaperError, LookupError):
    """No such order, position, key or item (ENOTFOUND). Also a ``LookupError``."""

    default_code = ErrorCode.ENOTFOUND


class StateError(PaperError):
    """Not valid in the object's current state (ESTATE): cancelling a filled order, using a
    closed broker, calling a broker from its own event callback."""

    default_code = ErrorCode.ESTATE


class OrderRejected(PaperError):
    """The broker refused an order (EFUNDS, ELIMIT, EHALTED, ENODATA).

    Attributes:
        reason: the :class:`~paperlib.RejectReason` the broker recorded on the rejection
            (``RejectReason.NONE`` when the call recorded no rejection event, e.g. a
            ``replace()`` the account cannot afford).
    """

    default_code = ErrorCode.EFUNDS

    def __init__(self, message: str = "", code: Optional[int] = None, reason: int = 0) -> None:
        super().__init__(message, code)
        self.reason = RejectReason.coerce_known(reason)


class ConfigError(PaperError):
    """An invalid configuration value or unknown key (ECONFIG).

    Attributes:
        violations: every problem found, as :class:`~paperlib.ConfigViolation` records
            (key, value, reason, code); empty when a single setter failed (the message
            then names the key and value).
    """

    default_code = ErrorCode.ECONFIG

    def __init__(
        self, message: str = "", code: Optional[int] = None, violations: Optional[list] = None
    ) -> None:
        super().__init__(message, code)
        self.violations: list = list(violations or [])


class SafetyError(ConfigError):
    """Refused because it could reach a live account (ESAFETY). A :class:`ConfigError`."""

    default_code = ErrorCode.ESAFETY


class LedgerError(PaperError):
    """Storage failed: input/output (EIO - the ledger, or any file libpaper reads or writes,
    such as a config file or ``logging.log_file``), corrupt data (ECORRUPT), an account in
    use (EBUSY), an unsupported version (EVERSION)."""

    default_code = ErrorCode.EIO


class UnsupportedError(PaperError):
    """The feature is not available in this build of libpaper (EUNSUPPORTED)."""

    default_code = ErrorCode.EUNSUPPORTED


class PaperMemoryError(PaperError, MemoryError):
    """libpaper ran out of memory (ENOMEM). Also a ``MemoryError``."""

    default_code = ErrorCode.ENOMEM


_CLASSES = {
    lib.PAPER_EINVAL: InvalidArgument,
    lib.PAPER_EPRICE: InvalidArgument,
    lib.PAPER_EQTY: InvalidArgument,
    lib.PAPER_ETIME: InvalidArgument,
    lib.PAPER_ERANGE: InvalidArgument,
    lib.PAPER_EFORMAT: InvalidArgument,
    lib.PAPER_ENOTFOUND: NotFound,
    lib.PAPER_ESTATE: StateError,
    lib.PAPER_EFUNDS: OrderRejected,
    lib.PAPER_ELIMIT: OrderRejected,
    lib.PAPER_EHALTED: OrderRejected,
    lib.PAPER_ENODATA: OrderRejected,
    lib.PAPER_ECONFIG: ConfigError,
    lib.PAPER_ESAFETY: SafetyError,
    lib.PAPER_EIO: LedgerError,
    lib.PAPER_ECORRUPT: LedgerError,
    lib.PAPER_EBUSY: LedgerError,
    lib.PAPER_EVERSION: LedgerError,
    lib.PAPER_EUNSUPPORTED: UnsupportedError,
    lib.PAPER_ENOMEM: PaperMemoryError,
}


def exception_class(code: int) -> Type[PaperError]:
    """The exception class paperlib raises for a status code (:class:`PaperError` for a code
    it does not know)."""
    return _CLASSES.get(code, PaperError)


def last_error_message(code: int) -> str:
    """The calling thread's last libpaper message if it belongs to ``code``, else the
    static text of the code."""
    if lib.paper_last_error_code() == code:
        msg = ffi.string(lib.paper_last_error()).decode("utf-8", "replace")
        if msg:
            return msg
    return ffi.string(lib.paper_strerror(code)).decode()


def error_for(code: int, **details: Any) -> PaperError:
    """The exception for a non-zero libpaper status ``code``, with the library's message and
    the given extra attributes (``reason=`` for :class:`OrderRejected`, ``violations=`` for
    :class:`ConfigError`)."""
    cls = exception_class(code)
    msg = last_error_message(code)
    if details:
        return cls(msg, code, **details)  # type: ignore[call-arg]
    return cls(msg, code)


def check(code: int) -> None:
    """Raise the exception for a libpaper status code; return for ``PAPER_OK`` (0).

    This is paperlib's choke point: every status a libpaper call returns goes through it (or
    through :func:`error_for`), so no error is dropped.
    """
    if code:
        raise error_for(code)
