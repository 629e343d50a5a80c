"""The PAPER log lines through Python's :mod:`logging`.

libpaper writes one ``PAPER ...`` line per order event, fill, closed trade, halt and day
start, and a session adds an ``ENTRY`` line when its entry fills and an ``EXIT`` line per
closed trade (docs/config.md, "The PAPER log"). The library formats them and hands each one
to the broker's log callback (``paper_broker_set_log_callback()``); paperlib logs it, text
unchanged, as an INFO record of the logger ``paperlib`` (or the one given to
:meth:`Broker.set_logger <paperlib.Broker.set_logger>`). So a Python runtime prints exactly
the lines ``logging.log_file`` holds — ``f"{record.paper_time} {record.getMessage()}"`` is the
file's line — without formatting any itself.

Each record carries ``paper_event`` (``"fill"``, ``"entry"``, ``"exit"``, ``"order"``,
``"trade_closed"``, ``"halt"``, ``"day_start"``), ``paper_time`` (the event's time as the file
prints it), ``paper_ts`` (microseconds) and ``paper_account``.

A broker takes the ``paperlib`` logger when that logger is enabled for INFO as the broker is
created (``logging.basicConfig(level=logging.INFO)`` before creating it); otherwise the lines
are not even formatted, unless :meth:`Broker.set_logger` asks for them.
"""

from __future__ import annotations

import logging
from typing import Any, Optional, Union

from ._paperlib import ffi, lib
from .errors import check

#: The logger the lines go to unless another is given.
LOGGER_NAME = "paperlib"

#: What :meth:`Broker.set_logger` takes: a logger, a logger's name, True (the ``paperlib``
#: logger), or None / False (no lines).
LoggerSpec = Union[logging.Logger, str, bool, None]


def _text(p: Any) -> str:
    return ffi.string(p).decode("utf-8", "surrogateescape")


@ffi.def_extern()
def _paperlib_log(line: Any, handle: Any) -> None:
    logger = ffi.from_handle(handle)
    if not logger.isEnabledFor(logging.INFO):
        return
    logger.log(
        logging.INFO,
        _text(line.text),
        extra={
            "paper_event": _text(line.kind),
            "paper_time": _text(line.time),
            "paper_ts": int(line.ts),
            "paper_account": _text(line.account),
        },
    )


def resolve(spec: LoggerSpec) -> Optional[logging.Logger]:
    """The logger a :data:`LoggerSpec` names, or None for no lines."""
    if spec is None or spec is False:
        return None
    if spec is True:
        return logging.getLogger(LOGGER_NAME)
    if isinstance(spec, str):
        return logging.getLogger(spec)
    if isinstance(spec, logging.Logger):
        return spec
    raise TypeError(f"logger must be a logging.Logger, a name, True or None, not {type(spec).__name__}")


def default_logger() -> Optional[logging.Logger]:
    """The ``paperlib`` logger if it takes INFO records now, else None."""
    logger = logging.getLogger(LOGGER_NAME)
    return logger if logger.isEnabledFor(logging.INFO) else None


def attach(broker_ptr: Any, logger: Optional[logging.Logger]) -> Any:
    """Install (or, for None, remove) the log callback of a ``paper_broker *``. Returns the
    handle the caller keeps alive while the callback is installed (None when removed)."""
    if logger is None:
        check(lib.paper_broker_set_log_callback(broker_ptr, ffi.NULL, ffi.NULL))
        return None
    handle = ffi.new_handle(logger)
    check(lib.paper_broker_set_log_callback(broker_ptr, lib._paperlib_log, handle))
    return handle
