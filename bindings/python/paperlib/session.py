"""Signal-driven trading: :class:`Session`, a ``paper_session`` on a broker.

A strategy hands the session signals ("go long AAPL, confidence 0.8"); the session decides
whether to trade, sizes the entry, submits it, and then manages the position on every bar or
price it is given: take profit, stop loss, trailing stop, time limit, reverse signal, manual
and forced exits, end of data. Its settings are the ``[session]`` keys of the broker's config
(docs/config.md), read once when the session is created. Every rule is libpaper's
(docs/semantics.md).

Ownership: a session borrows its broker and keeps the :class:`~paperlib.Broker` object alive;
closing the broker closes its sessions first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, List, Mapping, Optional, Union

from ._args import INT64_MAX, INT64_MIN, integer
from ._paperlib import ffi, lib
from .broker import Broker, _bytes, _number
from .enums import Direction, ExitReason, Verdict
from .errors import ErrorCode, InvalidArgument, StateError, check
from .timeutil import Timestamp, from_ts, to_ts

__all__ = ["Session", "Signal", "Intent", "EntryResult", "SessionStats", "SessionPosition", "read_plan"]

_NULL = ffi.NULL
_ID_MAX = lib.PAPER_ID_MAX
_TAG_MAX = lib.PAPER_TAG_MAX
_SYMBOL_MAX = lib.PAPER_SYMBOL_MAX


def _ref_price(value: Any) -> float:
    """A signal's ref_price for C: None is 0 (none); else a positive finite price (C's 0
    means "none", so 0 given here is refused rather than silently ignored)."""
    if value is None:
        return 0.0
    v = _number(value, "ref_price", ErrorCode.EPRICE)
    if not v > 0.0:
        raise InvalidArgument(f"ref_price must be a positive price, or None for the latest "
                              f"price (got {value!r})", ErrorCode.EPRICE)
    return v


@dataclass(frozen=True)
class Signal:
    """A trading signal from a strategy (``paper_signal``).

    Args:
        symbol: the instrument.
        direction: ``Direction.LONG`` (buy to open) or ``SHORT`` (or ``"long"``, ``"buy"``...).
        confidence: in [0, 1]; None: none (not checked against limits.min_confidence).
        risk: in [0, 1]; fraction sizing scales by 1 - 0.5 x risk.
        take_profit: absolute price, or None for the session's percentage.
        stop_loss: absolute price, or None for the session's percentage.
        ts: when the signal was issued (int microseconds or aware datetime); None: the
            broker's clock.
        signal_id: optional id; a signal id enters once.
        strategy: optional tag, kept on the trade.
        ref_price: the price the entry is sized at (a decision's own price, as the inbox's
            ``current_price``); None: the symbol's latest price. Only sizing: the entry
            still fills on the symbol's next price, never at this one. A positive finite
            price; NaN, an infinity, 0 or a negative price raise ``InvalidArgument``.
    """

    symbol: str
    direction: Union[Direction, int, str] = Direction.LONG
    confidence: Optional[float] = None
    risk: float = 0.0
    take_profit: Optional[float] = None
    stop_loss: Optional[float] = None
    ts: Optional[Timestamp] = None
    signal_id: Optional[str] = None
    strategy: Optional[str] = None
    ref_price: Optional[float] = None

    def to_c(self, out: Any, keep: List[Any]) -> None:
        """Fill a ``paper_signal``; strings it points to are appended to ``keep``."""
        out.version = lib.PAPER_SIGNAL_VERSION
        s = ffi.new("char[]", _bytes(self.symbol, "symbol", _SYMBOL_MAX))
        keep.append(s)
        out.symbol = s
        out.direction = Direction.coerce(self.direction, "direction")
        out.confidence = -1.0 if self.confidence is None else _number(self.confidence, "confidence", ErrorCode.EINVAL)
        out.risk = _number(self.risk, "risk", ErrorCode.EINVAL)
        out.take_profit = 0.0 if self.take_profit is None else _number(self.take_profit, "take_profit", ErrorCode.EPRICE)
        out.stop_loss = 0.0 if self.stop_loss is None else _number(self.stop_loss, "stop_loss", ErrorCode.EPRICE)
        out.ts = 0 if self.ts is None else to_ts(self.ts)
        out.signal_id = _opt_text(self.signal_id, "signal_id", _ID_MAX, keep)
        out.strategy = _opt_text(self.strategy, "strategy", _TAG_MAX, keep)
        out.ref_price = _ref_price(self.ref_price)


@dataclass(frozen=True)
class Intent:
    """An explicit trade intent, a row of a trade plan (``paper_intent``): the size and the
    exit levels are given, not derived from the session's percentages.

    Exactly one of ``qty`` (units) and ``notional`` (account currency) is set. ``limit``: the
    entry's limit price (None: a market entry). ``max_hold``: the longest hold (a
    ``timedelta`` or microseconds; None: none). ``line``: the plan file's line (read_plan).
    """

    symbol: str
    direction: Union[Direction, int, str] = Direction.LONG
    qty: Optional[float] = None
    notional: Optional[float] = None
    limit: Optional[float] = None
    take_profit: Optional[float] = None
    stop_loss: Optional[float] = None
    max_hold: Union[timedelta, int, None] = None
    ts: Optional[Timestamp] = None
    signal_id: Optional[str] = None
    strategy: Optional[str] = None
    line: Optional[int] = None

    def to_c(self, out: Any, keep: List[Any]) -> None:
        """Fill a ``paper_intent``; strings it points to are appended to ``keep``."""
        out.version = lib.PAPER_INTENT_VERSION
        s = ffi.new("char[]", _bytes(self.symbol, "symbol", _SYMBOL_MAX))
        keep.append(s)
        out.symbol = s
        out.direction = Direction.coerce(self.direction, "direction")
        out.qty = 0.0 if self.qty is None else _number(self.qty, "qty", ErrorCode.EQTY)
        out.notional = 0.0 if self.notional is None else _number(self.notional, "notional", ErrorCode.EQTY)
        out.limit_price = 0.0 if self.limit is None else _number(self.limit, "limit", ErrorCode.EPRICE)
        out.take_profit = 0.0 if self.take_profit is None else _number(self.take_profit, "take_profit", ErrorCode.EPRICE)
        out.stop_loss = 0.0 if self.stop_loss is None else _number(self.stop_loss, "stop_loss", ErrorCode.EPRICE)
        hold = self.max_hold
        if isinstance(hold, timedelta):
            hold = hold // timedelta(microseconds=1)
        elif not (hold is None or isinstance(hold, int)) or isinstance(hold, bool):
            raise TypeError(f"max_hold must be a timedelta or int microseconds, not {type(hold).__name__}")
        out.max_hold = 0 if hold is None else integer(hold, "max_hold", INT64_MIN, INT64_MAX)
        out.ts = 0 if self.ts is None else to_ts(self.ts)
        out.signal_id = _opt_text(self.signal_id, "signal_id", _ID_MAX, keep)
        out.strategy = _opt_text(self.strategy, "strategy", _TAG_MAX, keep)


def _opt_text(text: Optional[str], what: str, cap: int, keep: List[Any]) -> Any:
    if text is None:
        return _NULL
    s = ffi.new("char[]", _bytes(text, what, cap))
    keep.append(s)
    return s


def _c_text(p: Any) -> Optional[str]:
    return None if p == _NULL else ffi.string(p).decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class EntryResult:
    """What a session did with a signal or an intent."""

    verdict: Verdict
    #: the order submitted (entry or reverse exit), 0 if none
    order_id: int

    @property
    def traded(self) -> bool:
        """Whether an order was submitted."""
        return self.order_id != 0


@dataclass(frozen=True)
class SessionStats:
    """Counters of a session (``paper_session_stats``)."""

    signals: int
    #: of those signals, by verdict
    verdicts: Dict[Verdict, int]
    intents: int
    entries: int
    entries_filled: int
    entries_failed: int
    trades: int
    trades_missed: int
    wins: int
    losses: int
    #: closed trades by exit reason
    exits: Dict[ExitReason, int]
    ambiguous_trades: int
    pnl_net: float
    #: the same trades' net P&L under the opposite intrabar rule
    pnl_net_opposite_rule: float
    pnl_net_e8: int
    pnl_net_opposite_rule_e8: int


@dataclass(frozen=True)
class SessionPosition:
    """A position the session manages, with its exit levels (``paper_session_position``)."""

    symbol: str
    direction: Direction
    #: signed: negative for a short
    qty: float
    entry_price: float
    entry_ts: int
    market_price: float
    unrealized_pnl: float
    take_profit: Optional[float]
    stop_loss: Optional[float]
    trailing_stop: Optional[float]
    #: time exit at or after this (microseconds), None for none
    deadline: Optional[int]

    @property
    def entry_time(self) -> datetime:
        """``entry_ts`` as an aware UTC datetime."""
        return from_ts(self.entry_ts)


class Session:
    """A strategy session on a :class:`~paperlib.Broker` (``paper_session``).

    Feed bars through :meth:`on_bar` (not to the broker directly) so each one is evaluated
    against the managed positions; or give current prices to :meth:`check_exits`.
    """

    __slots__ = ("_own", "_s", "_broker", "_owner", "__weakref__")

    def __init__(self, broker: Broker) -> None:
        if not isinstance(broker, Broker):
            raise TypeError(f"broker must be a paperlib.Broker, not {type(broker).__name__}")
        out = ffi.new("paper_session **")
        check(lib.paper_session_new(out, broker._ptr()))
        self._broker = broker
        self._owner = None
        # The destructor keeps the broker alive until the session that borrows it is freed.
        self._own = ffi.gc(out[0], lambda p, _b=broker: lib.paper_session_free(p))
        self._s = self._own
        broker._adopt_child(self)

    @classmethod
    def _borrowed(cls, raw: Any, owner: Any, broker: Broker) -> "Session":
        """A view of a session another object owns (a replay's); keeps the owner alive."""
        self = cls.__new__(cls)
        self._broker = broker
        self._owner = owner
        self._own = None
        self._s = raw
        return self

    # ---- handle ----

    def _ptr(self) -> Any:
        if self._s == _NULL or (self._owner is not None and self._owner.closed):
            raise StateError("the session is closed", ErrorCode.ESTATE)
        b = self._broker
        if b._b == _NULL:
            raise b._unusable()
        return self._s

    def _done(self, rc: int) -> None:
        b = self._broker
        if rc or b._disp is not None:
            b._fail(rc)

    def close(self) -> None:
        """Free the session (not the broker). Idempotent. A replay's session closes with
        the replay."""
        own = self._own
        self._s = _NULL
        if own is not None:
            self._own = None
            ffi.release(own)

    @property
    def closed(self) -> bool:
        """Whether the session was closed."""
        return self._s == _NULL or (self._owner is not None and self._owner.closed)

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def broker(self) -> Broker:
        """The broker the session trades on."""
        return self._broker

    # ---- settings ----

    def set_enabled(self, enabled: bool) -> None:
        """Enable or disable new entries; a disabled session still manages its positions."""
        if not isinstance(enabled, bool):
            raise TypeError(f"enabled must be a bool, not {type(enabled).__name__}")
        check(lib.paper_session_set_enabled(self._ptr(), enabled))

    def set_symbol_lot(self, symbol: str, lot_size: float, fractional: bool = False) -> None:
        """Round entries of ``symbol`` down to multiples of ``lot_size`` (overriding
        session.lot_size and session.fractional)."""
        if not isinstance(fractional, bool):
            raise TypeError(f"fractional must be a bool, not {type(fractional).__name__}")
        check(lib.paper_session_set_symbol_lot(
            self._ptr(), _bytes(symbol, "symbol", _SYMBOL_MAX),
            _number(lot_size, "lot_size", ErrorCode.EQTY), fractional))

    # ---- signals ----

    @staticmethod
    def _signal(signal: Optional[Signal], fields: Dict[str, Any]) -> Signal:
        if signal is None:
            return Signal(**fields)
        if fields:
            raise TypeError("give a Signal or keyword fields, not both")
        if not isinstance(signal, Signal):
            raise TypeError(f"signal must be a paperlib.Signal, not {type(signal).__name__}")
        return signal

    def should_trade(self, signal: Optional[Signal] = None, /, **fields: Any) -> Verdict:
        """Whether a signal would be traded now, without doing anything."""
        sig = self._signal(signal, fields)
        c, keep = ffi.new("paper_signal *"), []
        sig.to_c(c, keep)
        v = ffi.new("paper_verdict *")
        check(lib.paper_session_should_trade(self._ptr(), c, v))
        return Verdict.coerce_known(v[0])

    def size(self, signal: Optional[Signal] = None, /, **fields: Any) -> float:
        """The quantity an entry for this signal would have now (0 when it rounds to
        nothing). Raises :class:`~paperlib.OrderRejected` (ENODATA) without a price."""
        sig = self._signal(signal, fields)
        c, keep = ffi.new("paper_signal *"), []
        sig.to_c(c, keep)
        q = ffi.new("double *")
        rc = lib.paper_session_size(self._ptr(), c, q)
        self._done(rc)
        return q[0]

    def _act(self, fn: Any, c: Any) -> EntryResult:
        v = ffi.new("paper_verdict *")
        oid = ffi.new("uint64_t *")
        rc = fn(self._ptr(), c, v, oid)
        self._done(rc)
        return EntryResult(Verdict.coerce_known(v[0]), oid[0])

    def enter(self, signal: Optional[Signal] = None, /, **fields: Any) -> EntryResult:
        """Enter on a signal: the checks of :meth:`should_trade`, then a market order sized
        by the session, stamped at the signal's time; it fills on the symbol's next data.
        Give a :class:`Signal` or its fields as keywords.

        Returns the verdict and the entry order's id (0 when the session chose not to trade:
        low confidence, a position already open, ...).

        Raises:
            OrderRejected: the broker refused the entry (ELIMIT, EFUNDS, EHALTED; ENODATA:
                no price to size at); ``.reason`` is the recorded RejectReason.
        """
        c, keep = ffi.new("paper_signal *"), []
        self._signal(signal, fields).to_c(c, keep)
        return self._act(lib.paper_session_enter, c)

    def on_signal(self, signal: Optional[Signal] = None, /, **fields: Any) -> EntryResult:
        """As :meth:`enter`, except that a signal opposite to the symbol's position is a
        reverse signal: with session.on_reverse = exit the position is closed (exit reason
        reverse_signal), with ignore nothing happens."""
        c, keep = ffi.new("paper_signal *"), []
        self._signal(signal, fields).to_c(c, keep)
        return self._act(lib.paper_session_on_signal, c)

    def submit_intent(self, intent: Intent) -> EntryResult:
        """Submit an explicit intent (a trade plan row) with its own size and exit levels."""
        if not isinstance(intent, Intent):
            raise TypeError(f"intent must be a paperlib.Intent, not {type(intent).__name__}")
        c, keep = ffi.new("paper_intent *"), []
        intent.to_c(c, keep)
        return self._act(lib.paper_session_submit_intent, c)

    # ---- market data and exits ----

    def on_bar(
        self,
        symbol: str,
        ts: Timestamp,
        open: float,
        high: float,
        low: float,
        close: float,
        volume: float = 0.0,
    ) -> None:
        """Feed a bar to the broker and apply the exit rules to the symbol's managed
        position on it. Errors as :meth:`Broker.on_bar`."""
        rc = lib.paper_session_on_bar(
            self._ptr(), _bytes(symbol, "symbol", _SYMBOL_MAX), to_ts(ts),
            _number(open, "open", ErrorCode.EPRICE), _number(high, "high", ErrorCode.EPRICE),
            _number(low, "low", ErrorCode.EPRICE), _number(close, "close", ErrorCode.EPRICE),
            _number(volume, "volume", ErrorCode.EQTY))
        self._done(rc)

    def check_exits(
        self, prices: Optional[Mapping[str, float]] = None, ts: Optional[Timestamp] = None
    ) -> None:
        """Apply the exit rules at current prices (live use).

        With ``prices`` ({symbol: price}), each symbol gets a quote at its price at ``ts``
        (default: the broker's clock) and its position is evaluated against it; exits fill
        at that quote. Without, every managed position is evaluated against its symbol's
        latest data.
        """
        s = self._ptr()
        if not prices:
            self._done(lib.paper_session_check_exits(s, 0, _NULL, _NULL, 0))
            return
        if not isinstance(prices, Mapping):
            raise TypeError(f"prices must be a mapping of symbol to price, not {type(prices).__name__}")
        names = [ffi.new("char[]", _bytes(k, "symbol", _SYMBOL_MAX)) for k in prices]
        values = ffi.new("double[]", [_number(v, f"prices[{k!r}]", ErrorCode.EPRICE) for k, v in prices.items()])
        symbols = ffi.new("const char *[]", names)
        when = self._broker.account().ts if ts is None else to_ts(ts)
        self._done(lib.paper_session_check_exits(s, when, symbols, values, len(names)))

    def exit(self, symbol: str, reason: Union[ExitReason, int, str] = ExitReason.MANUAL) -> None:
        """Exit one symbol now: cancel its open orders and close its position at the mark.
        Raises :class:`~paperlib.NotFound` without a position."""
        rc = lib.paper_session_exit(self._ptr(), _bytes(symbol, "symbol", _SYMBOL_MAX),
                                    ExitReason.coerce(reason, "reason"))
        self._done(rc)

    def exit_all(self, reason: Union[ExitReason, int, str]) -> None:
        """Exit everything now: cancel every open order, close every position at its mark,
        recording ``reason`` (not NONE)."""
        rc = lib.paper_session_exit_all(self._ptr(), ExitReason.coerce(reason, "reason"))
        self._done(rc)

    def force_exit_all(self) -> None:
        """The emergency exit: :meth:`exit_all` with ``ExitReason.FORCE``."""
        self.exit_all(ExitReason.FORCE)

    # ---- state ----

    def stats(self) -> SessionStats:
        """The session's counters now."""
        st = ffi.new("paper_session_stats *")
        st.version = lib.PAPER_SESSION_STATS_VERSION
        check(lib.paper_session_stats_get(self._ptr(), st))
        verdicts = {Verdict.coerce_known(i): st.verdicts[i] for i in range(lib.PAPER_VERDICT_COUNT)}
        n_exits = len(st.exits)
        exits = {ExitReason.coerce_known(i): st.exits[i] for i in range(n_exits)}
        exits[ExitReason.EXPIRY] = st.expiry_exits
        return SessionStats(
            st.signals, verdicts, st.intents, st.entries, st.entries_filled, st.entries_failed,
            st.trades, st.trades_missed, st.wins, st.losses, exits, st.ambiguous_trades,
            st.pnl_net, st.pnl_net_opposite_rule, st.pnl_net_e8, st.pnl_net_opposite_rule_e8,
        )

    def positions(self) -> List[SessionPosition]:
        """The positions the session manages, with their exit levels."""
        s = self._ptr()
        p = ffi.new("paper_session_position *")
        out = []
        for i in range(lib.paper_session_position_count(s)):
            p.version = lib.PAPER_SESSION_POSITION_VERSION
            check(lib.paper_session_position_at(s, i, p))
            out.append(SessionPosition(
                ffi.string(p.symbol).decode("utf-8", "surrogateescape"),
                Direction.coerce_known(p.direction), p.qty, p.entry_price, p.entry_ts,
                p.market_price, p.unrealized_pnl, p.take_profit or None, p.stop_loss or None,
                p.trailing_stop or None, p.deadline or None))
        return out

    def summary_json(self, equity_curve: bool = False) -> str:
        """The performance summary as libpaper's JSON (docs/formats.md): counters by verdict
        and exit reason, the ambiguity report, the account, positions, orders, recent
        trades, the config and the metrics report."""
        if not isinstance(equity_curve, bool):
            raise TypeError(f"equity_curve must be a bool, not {type(equity_curve).__name__}")
        out = ffi.new("char **")
        check(lib.paper_session_summary_json(
            self._ptr(), lib.PAPER_SUMMARY_EQUITY_CURVE if equity_curve else 0, out))
        try:
            return ffi.string(out[0]).decode("utf-8")
        finally:
            lib.paper_string_free(out[0])

    def summary(self, equity_curve: bool = False) -> Dict[str, Any]:
        """:meth:`summary_json`, parsed (non-finite numbers are None)."""
        return json.loads(self.summary_json(equity_curve))


def read_plan(path: Any) -> List[Intent]:
    """Read a trade plan CSV (symbol, side, qty and/or notional, optionally limit,
    take_profit, stop_loss, max_hold; docs/formats.md) into :class:`Intent` records, each with
    its file line. Every row is checked by libpaper.

    Raises:
        InvalidArgument: a malformed row (EFORMAT, naming the line and field).
        LedgerError: the file cannot be read (EIO).
    """
    import os

    out = ffi.new("paper_plan **")
    check(lib.paper_plan_read(out, _bytes(os.fsdecode(os.fspath(path)), "path", 1 << 16)))
    plan = ffi.gc(out[0], lib.paper_plan_free)
    try:
        it = ffi.new("paper_intent *")
        intents = []
        for i in range(lib.paper_plan_count(plan)):
            it.version = lib.PAPER_INTENT_VERSION
            check(lib.paper_plan_get(plan, i, it))
            intents.append(Intent(
                symbol=_c_text(it.symbol) or "",
                direction=Direction.coerce_known(it.direction),
                qty=it.qty or None,
                notional=it.notional or None,
                limit=it.limit_price or None,
                take_profit=it.take_profit or None,
                stop_loss=it.stop_loss or None,
                max_hold=timedelta(microseconds=it.max_hold) if it.max_hold else None,
                ts=it.ts or None,
                signal_id=_c_text(it.signal_id),
                strategy=_c_text(it.strategy),
                line=int(lib.paper_plan_line(plan, i)),
            ))
        return intents
    finally:
        ffi.release(plan)

