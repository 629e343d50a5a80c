"""Live market data: :class:`Feed`, a venue's quotes, trades and bars as they arrive
(``paper_feed``, include/paper/feed.h). Plain blocking Python, no asyncio needed::

    with paperlib.Feed("coinbase:BTC-USD,ETH-USD") as feed:
        for msg in feed:                      # blocks until the next message
            if msg.type is FeedMessageType.QUOTE:
                broker.on_quote(msg.symbol, msg.ts, msg.bid, msg.ask, msg.last)

The network runs in libpaper's own thread; the GIL is released while :meth:`Feed.poll`
waits. A feed never sends an order anywhere: hand its prices to a :class:`~paperlib.Broker`
or :class:`~paperlib.Session` yourself, and mind their age (docs/feeds.md, "Staleness").
:meth:`Feed.fileno` is readable while messages wait, for ``selectors`` or an event loop.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator, List, Optional

from ._codes import ErrorCode, InvalidArgument
from ._paperlib import ffi, lib
from .errors import StateError, check
from .timeutil import from_ts

__all__ = ["Feed", "FeedMessage", "FeedMessageType", "FeedState", "FeedHealth", "check_source"]


class FeedMessageType(enum.IntEnum):
    """What a :class:`FeedMessage` carries (``paper_feed_msg_type``)."""

    QUOTE = lib.PAPER_FEED_QUOTE
    TRADE = lib.PAPER_FEED_TRADE
    BAR = lib.PAPER_FEED_BAR
    STATUS = lib.PAPER_FEED_STATUS


class FeedState(enum.IntEnum):
    """A feed's connection (``paper_feed_state``)."""

    CONNECTING = lib.PAPER_FEED_CONNECTING
    UP = lib.PAPER_FEED_UP
    RECONNECTING = lib.PAPER_FEED_RECONNECTING
    FAILED = lib.PAPER_FEED_FAILED
    STOPPED = lib.PAPER_FEED_STOPPED


def _text(chars: Any) -> str:
    return ffi.string(chars).decode("utf-8", "replace")


@dataclass(frozen=True)
class FeedMessage:
    """One message. ``ts`` is the venue's time (a bar's open), ``recv_ts`` when it arrived,
    both microseconds since the epoch (UTC). Fields that do not apply are 0 / ""."""

    type: FeedMessageType
    symbol: str
    ts: int
    recv_ts: int
    bid: float
    ask: float
    last: float
    size: float
    open: float
    high: float
    low: float
    close: float
    volume: float
    interval: int
    seq: int
    flags: int
    state: Optional[FeedState]
    text: str

    @property
    def backfill(self) -> bool:
        """A bar fetched by REST to fill a gap (``PAPER_FEED_FLAG_BACKFILL``)."""
        return bool(self.flags & lib.PAPER_FEED_FLAG_BACKFILL)

    @property
    def receive_time(self) -> bool:
        """The venue gave no time: ``ts`` is when it arrived (``PAPER_FEED_FLAG_RECV_TIME``)."""
        return bool(self.flags & lib.PAPER_FEED_FLAG_RECV_TIME)

    @property
    def time(self) -> datetime:
        """``ts`` as an aware datetime in UTC."""
        return from_ts(self.ts)

    @property
    def price(self) -> float:
        """One price: the last trade when known, else the mid of bid and ask, else a bar's
        close (as ``paper run`` applies a message)."""
        if self.type == FeedMessageType.BAR:
            return self.close
        if self.last > 0:
            return self.last
        return (self.bid + self.ask) / 2

    @classmethod
    def _from_c(cls, m: Any) -> "FeedMessage":
        t = FeedMessageType(m.type)
        return cls(t, _text(m.symbol), m.ts, m.recv_ts, m.bid, m.ask, m.last, m.size, m.open,
                   m.high, m.low, m.close, m.volume, m.interval, m.seq, m.flags,
                   FeedState(m.state) if t == FeedMessageType.STATUS else None,
                   _text(m.text))


@dataclass(frozen=True)
class FeedHealth:
    """A feed's state and counters (``paper_feed_health_info``; docs/feeds.md)."""

    state: FeedState
    connected: bool
    venue: str
    source: str
    last_msg_ts: int
    last_msg_age_s: Optional[float]
    last_data_ts: int
    frames: int
    messages: int
    reconnects: int
    gaps: int
    backfilled_bars: int
    duplicates: int
    out_of_order: int
    bad_messages: int
    dropped: int
    queued: int
    queue_high: int
    clock_skew_ms: float
    last_error_code: int
    last_error: str


_OPTIONS = ("queue_capacity", "connect_timeout_ms", "idle_timeout_ms", "backoff_base_ms",
            "backoff_cap_ms", "seed", "backfill_minutes", "max_attempts")


def _options(url: Optional[str], rest_url: Optional[str], keep: list, numbers: dict) -> Any:
    o = ffi.new("paper_feed_options *")
    check(lib.paper_feed_options_init(o, lib.PAPER_FEED_OPTIONS_VERSION))
    for name, value in (("url", url), ("rest_url", rest_url)):
        if value is None:
            continue
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, not {type(value).__name__}")
        keep.append(ffi.new("char[]", value.encode()))
        setattr(o, name, keep[-1])
    for name, value in numbers.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, not {type(value).__name__}")
        limit = 2**64 if name == "seed" else 2**32
        if not 0 <= value < limit:
            raise InvalidArgument(f"{name} out of range (got {value})", ErrorCode.ECONFIG)
        setattr(o, name, value)
    return o


def _source(source: Any) -> bytes:
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, not {type(source).__name__}")
    return source.encode()


def check_source(source: str, *, url: Optional[str] = None, rest_url: Optional[str] = None) -> None:
    """Check a source string and endpoints without connecting (``paper_feed_check``).

    Raises:
        ConfigError: a bad source (the message names the problem).
        SafetyError: an endpoint that is a trading API.
    """
    keep: list = []
    check(lib.paper_feed_check(_source(source), _options(url, rest_url, keep, {})))


class Feed:
    """A live feed (``paper_feed``): connects at once, in libpaper's own thread.

    ``Feed(source, *, url=None, rest_url=None, queue_capacity=None, connect_timeout_ms=None,
    idle_timeout_ms=None, backoff_base_ms=None, backoff_cap_ms=None, seed=None,
    backfill_minutes=None, max_attempts=None, status=True)``: options left None take
    libpaper's defaults. With ``status=False`` iteration skips STATUS messages.

    Raises:
        ConfigError: a bad source, or alpaca keys missing from the environment.
        SafetyError: an endpoint that is a trading API.
        UnsupportedError: libpaper was built without feeds.
    """

    __slots__ = ("_own", "_f", "_status", "_buf", "_pending", "__weakref__")

    def __init__(self, source: str, *, url: Optional[str] = None, rest_url: Optional[str] = None,
                 queue_capacity: Optional[int] = None, connect_timeout_ms: Optional[int] = None,
                 idle_timeout_ms: Optional[int] = None, backoff_base_ms: Optional[int] = None,
                 backoff_cap_ms: Optional[int] = None, seed: Optional[int] = None,
                 backfill_minutes: Optional[int] = None, max_attempts: Optional[int] = None,
                 status: bool = True) -> None:
        self._own = None
        self._f = ffi.NULL
        self._status = bool(status)
        self._pending: List[FeedMessage] = []
        keep: list = []
        numbers = dict(zip(_OPTIONS, (queue_capacity, connect_timeout_ms, idle_timeout_ms,
                                      backoff_base_ms, backoff_cap_ms, seed, backfill_minutes,
                                      max_attempts)))
        o = _options(url, rest_url, keep, numbers)
        out = ffi.new("paper_feed **")
        check(lib.paper_feed_open(out, _source(source), o))
        self._own = ffi.gc(out[0], lib.paper_feed_close)
        self._f = self._own
        self._buf = ffi.new("paper_feed_msg[]", 256)
        for i in range(256):
            self._buf[i].version = lib.PAPER_FEED_MSG_VERSION

    def _ptr(self) -> Any:
        if self._own is None:
            raise StateError("the feed is closed", ErrorCode.ESTATE)
        return self._f

    @staticmethod
    def _timeout_ms(timeout: Optional[float]) -> int:
        if timeout is None:
            return -1
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or \
                math.isnan(timeout) or timeout < 0:
            raise InvalidArgument(f"timeout must be None or seconds >= 0 (got {timeout!r})")
        return int(min(timeout, 2**31 / 1000 - 1) * 1000)

    def poll_many(self, max_messages: int = 256, timeout: Optional[float] = None) -> List[FeedMessage]:
        """Up to ``max_messages`` messages, waiting up to ``timeout`` seconds (None: as long
        as it takes) for the first; [] when none came in time.

        Raises:
            StateError: the feed has failed or was closed and nothing is left.
        """
        if not 1 <= max_messages <= 256:
            raise InvalidArgument(f"max_messages must be in 1 .. 256 (got {max_messages})")
        n = ffi.new("size_t *")
        rc = lib.paper_feed_poll_many(self._ptr(), self._buf, max_messages, n,
                                      self._timeout_ms(timeout))
        if rc == lib.PAPER_ENODATA:
            return []
        check(rc)
        return [FeedMessage._from_c(self._buf[i]) for i in range(n[0])]

    def poll(self, timeout: Optional[float] = None) -> Optional[FeedMessage]:
        """The next message, or None when none came within ``timeout`` seconds."""
        if not self._pending:
            self._pending = self.poll_many(256, timeout)[::-1]
        return self._pending.pop() if self._pending else None

    def __iter__(self) -> Iterator[FeedMessage]:
        """Every message until the feed fails or is closed (STATUS ones too unless
        ``status=False``)."""
        while self._own is not None:
            try:
                msg = self.poll()
            except StateError:
                return
            if msg is not None and (self._status or msg.type != FeedMessageType.STATUS):
                yield msg

    def health(self) -> FeedHealth:
        """The state and counters now (``paper_feed_health``)."""
        h = ffi.new("paper_feed_health_info *")
        h.version = lib.PAPER_FEED_HEALTH_INFO_VERSION
        check(lib.paper_feed_health(self._ptr(), h))
        return FeedHealth(FeedState(h.state), bool(h.connected), _text(h.venue), _text(h.source),
                          h.last_msg_ts, h.last_msg_age_s if h.last_msg_age_s >= 0 else None,
                          h.last_data_ts, h.frames, h.messages, h.reconnects, h.gaps,
                          h.backfilled_bars, h.duplicates, h.out_of_order, h.bad_messages,
                          h.dropped, h.queued, h.queue_high, h.clock_skew_ms,
                          h.last_error_code, _text(h.last_error))

    def fileno(self) -> int:
        """A descriptor readable while messages wait (for ``selectors``, ``asyncio``)."""
        return lib.paper_feed_fd(self._ptr())

    def close(self) -> None:
        """Stop the feed (its thread is joined). Idempotent."""
        own = self._own
        if own is None:
            return
        self._own = None
        self._f = ffi.NULL
        ffi.release(own)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._own is None

    def __enter__(self) -> "Feed":
        """The feed itself; leaving the ``with`` block closes it."""
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
