"""The broker: :class:`Broker`, a ``paper_broker`` handle.

Feed it market data (:meth:`Broker.on_quote`, :meth:`Broker.on_bar`), submit orders
(:meth:`Broker.submit`); it fills them against later data as a real broker would and keeps
cash, positions, orders, fills and round-trip trades. All the rules are libpaper's
(docs/semantics.md); this module only converts arguments and results.
"""

from __future__ import annotations

import math
import weakref
from typing import Any, Callable, Dict, List, Mapping, Optional, Union

from ._args import UINT32_MAX, UINT64_MAX, integer
from ._args import number as _number
from ._paperlib import ffi, lib
from .config import Config, ConfigValue, violations_of
from .enums import (
    ExitReason,
    ExitStyle,
    FillFlag,
    FillReason,
    OrderType,
    RejectReason,
    Side,
    TimeInForce,
)
from .errors import ErrorCode, InvalidArgument, PaperError, StateError, check, error_for
from .instrument import Instrument, PnlGroup, fill_spec, from_spec, new_spec, pnl_by
from .logs import LoggerSpec
from .logs import attach as _attach_log
from .logs import default_logger as _default_logger
from .logs import resolve as _resolve_logger
from .readiness import Readiness
from .readiness import evaluate as _evaluate_readiness
from .readiness import gate_options as _gate_options
from .metrics import Metrics
from .results import (
    Account,
    EquityPoint,
    Event,
    Fill,
    Order,
    Position,
    Trade,
    account_from_c,
    equity_from_c,
    event_from_c,
    fill_from_c,
    order_from_c,
    position_from_c,
    trade_from_c,
)
from .timeutil import Timestamp, to_ts

__all__ = ["Broker", "EventCallback"]

#: The type of an event callback: called with each :class:`~paperlib.Event`.
EventCallback = Callable[[Event], Any]

_NULL = ffi.NULL
_INF = math.inf
_on_quote = lib.paper_broker_on_quote
_on_bar = lib.paper_broker_on_bar
_submit = lib.paperlib_submit
_F = float
_cancel = lib.paper_broker_cancel

_REJECTIONS = (lib.PAPER_EFUNDS, lib.PAPER_ELIMIT, lib.PAPER_EHALTED, lib.PAPER_ENODATA)
_INSTRUMENT_CODES = (lib.PAPER_EPRICE, lib.PAPER_EQTY, lib.PAPER_ESTATE)
_INSTRUMENT_REASONS = (lib.PAPER_REJECT_EXPIRED, lib.PAPER_REJECT_TICK_SIZE, lib.PAPER_REJECT_LOT_SIZE)
_MARKET = OrderType.MARKET
_SYMBOL_MAX = lib.PAPER_SYMBOL_MAX
_ID_MAX = lib.PAPER_ID_MAX
_TAG_MAX = lib.PAPER_TAG_MAX
_CACHE_MAX = 4096


def _bytes(text: Any, what: str, cap: int) -> bytes:
    if not isinstance(text, str):
        raise TypeError(f"{what} must be a str, not {type(text).__name__}")
    data = text.encode("utf-8", "surrogateescape")
    if b"\0" in data:
        raise InvalidArgument(f"{what}: {text!r} holds a NUL character", ErrorCode.EINVAL)
    if len(data) > cap:
        raise InvalidArgument(
            f"{what}: {text!r} is longer than {cap} bytes", ErrorCode.EINVAL
        )
    return data


class _Dispatcher:
    """What the C event callback reaches through its handle: the user's callback, the first
    exception it raised (re-raised by the broker call that caused the event), and a weak
    reference to the broker (never a strong one: no reference cycle through C)."""

    __slots__ = ("callback", "error", "broker")

    def __init__(self, callback: EventCallback, broker: "Broker") -> None:
        self.callback = callback
        self.error: Optional[BaseException] = None
        self.broker = weakref.ref(broker)


@ffi.def_extern()
def _paperlib_dispatch(event: Any, handle: Any) -> None:
    d = ffi.from_handle(handle)
    if d.error is not None:
        return  # the first exception wins; the broker call re-raises it
    broker = d.broker()
    try:
        record = event_from_c(event)
        if broker is None:
            d.callback(record)
            return
        # The broker must not be called from its own callback: every method sees a NULL
        # handle (a StateError) until the callback returns.
        saved, broker._b = broker._b, _NULL
        broker._in_callback = True
        try:
            d.callback(record)
        finally:
            broker._b = saved
            broker._in_callback = False
    except BaseException as e:  # noqa: B036 - stored and re-raised by the outer call
        d.error = e


def _free_broker(events: Any, parent: Any) -> Callable[[Any], None]:
    # The destructor holds the event state, and the ledger a broker borrows, alive until the
    # broker that points to them is gone.
    def free(ptr: Any) -> None:
        events.handle = _NULL
        lib.paper_broker_free(ptr)
        del parent_ref[:]

    parent_ref = [parent]
    return free


class Broker:
    """A paper broker: one simulated account (``paper_broker``).

    ``Broker(config=None, *, on_event=None, **settings)``: ``config`` is a
    :class:`~paperlib.Config` or a mapping of settings (None: the defaults); keyword settings
    (``account__starting_cash=50_000``) are applied over it. The config is validated (a
    :class:`~paperlib.ConfigError` lists every problem) and copied.

    Use it as a context manager or call :meth:`close`; otherwise the garbage collector frees
    it. A broker is not thread-safe (one thread at a time), like libpaper's.

    Errors: every method raises the :mod:`paperlib.errors` exception of the library's status
    (:class:`~paperlib.InvalidArgument` for bad prices, quantities and times,
    :class:`~paperlib.OrderRejected` for refused orders, ...). A failed call changes nothing.
    """

    __slots__ = (
        "_own",
        "_b",
        "_events",
        "_disp",
        "_handle",
        "_in_callback",
        "_log",
        "_req",
        "_req_dirty",
        "_xreq",
        "_id",
        "_syms",
        "_tags",
        "_parent",
        "_children",
        "__weakref__",
    )

    def __init__(
        self,
        config: Union[Config, Mapping[str, ConfigValue], None] = None,
        *,
        on_event: Optional[EventCallback] = None,
        **settings: ConfigValue,
    ) -> None:
        self._blank()
        if config is None or isinstance(config, Mapping):
            cfg = Config(config or {}, **settings)
        elif isinstance(config, Config):
            cfg = config
            if settings:
                cfg = config.copy()
                cfg.update(settings)
        else:
            raise TypeError(f"config must be a paperlib.Config or a mapping, not {type(config).__name__}")
        c = cfg._ptr()
        out = ffi.new("paper_broker **")
        rc = lib.paper_broker_new(out, c)
        if rc in (lib.PAPER_ECONFIG, lib.PAPER_ESAFETY):
            # paper_broker_new() validates its own copy; list the violations of another.
            err = error_for(rc)
            raise type(err)(err.message, rc, violations=_violations(cfg))
        if rc:
            raise error_for(rc)
        self._adopt(out[0])
        if on_event is not None:
            self.set_event_callback(on_event)

    def _blank(self) -> None:
        self._own = None
        self._b = _NULL
        self._disp: Optional[_Dispatcher] = None
        self._handle = None
        self._log: Any = None
        self._in_callback = False
        self._parent = None
        self._children: Optional["weakref.WeakSet[Any]"] = None

    @classmethod
    def _from_raw(cls, raw: Any, parent: Any, on_event: Optional[EventCallback]) -> "Broker":
        """A Broker owning ``raw`` (a new ``paper_broker *``), keeping ``parent`` (the object
        the C broker borrows, e.g. a Ledger) alive as long as the broker exists."""
        self = cls.__new__(cls)
        self._blank()
        self._adopt(raw, parent)
        if on_event is not None:
            self.set_event_callback(on_event)
        return self

    def _adopt(self, raw: Any, parent: Any = None) -> None:
        """Take ownership of a new ``paper_broker *`` and install the event trampoline."""
        events = ffi.new("paperlib_events *")
        self._events = events
        self._parent = parent
        self._own = ffi.gc(raw, _free_broker(events, parent))
        self._b = self._own
        rc = lib.paper_broker_set_event_callback(
            self._b, ffi.addressof(lib, "paperlib_on_event"), events
        )
        if rc:
            raise error_for(rc)
        # The PAPER lines go to the paperlib logger if it takes INFO records now; otherwise
        # none is formatted (set_logger() asks for them later).
        self._log = _attach_log(self._b, _default_logger())
        req = ffi.new("paper_order_request *")
        self._req = req
        self._reset_request()
        self._xreq = ffi.new("paper_exit_request *")
        self._id = ffi.new("uint64_t *")
        self._syms: Dict[Any, Any] = {}
        self._tags: Dict[Any, Any] = {}

    # ---- life cycle ----

    def close(self) -> None:
        """Free the broker now. Idempotent; afterwards every method raises
        :class:`~paperlib.StateError`. Not allowed from the broker's own event callback."""
        if self._in_callback:
            raise StateError("a broker cannot be closed from its own event callback", ErrorCode.ESTATE)
        own = self._own
        if own is not None:
            if self._children is not None:
                for child in list(self._children):  # sessions and replays borrow the broker
                    child.close()
            self._own = None
            self._b = _NULL
            ffi.release(own)
            self._handle = None
            self._disp = None
            self._log = None

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._own is None

    def __enter__(self) -> "Broker":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        if self._own is None:
            return "<paperlib.Broker closed>"
        return f"<paperlib.Broker at 0x{id(self):x}>"

    def _ptr(self) -> Any:
        """The handle, or the StateError of a closed broker / a call from its callback."""
        b = self._b
        if b == _NULL:
            raise self._unusable()
        return b

    def _adopt_child(self, child: Any) -> None:
        """Remember an object that borrows this broker, to close it first."""
        if self._children is None:
            self._children = weakref.WeakSet()
        self._children.add(child)

    def _unusable(self) -> StateError:
        if self._own is None:
            return StateError("the broker is closed", ErrorCode.ESTATE)
        return StateError(
            "a broker must not be called from its own event callback", ErrorCode.ESTATE
        )

    def _fail(self, rc: int) -> None:
        """After a call that returned rc (or raised in the event callback): raise."""
        d = self._disp
        if d is not None and d.error is not None:
            err, d.error = d.error, None
            if rc:
                err.__context__ = self._error(rc)
            raise err
        if rc:
            raise self._error(rc)

    def _error(self, rc: int) -> PaperError:
        if self._b == _NULL:
            return self._unusable()
        ev = self._events
        reason = ev.reject_reason if ev.reject_seq and ev.reject_seq == ev.last_seq else 0
        # Consumed: a later failure that records no rejection must not inherit this one.
        ev.reject_seq = 0
        if rc in _REJECTIONS:
            return error_for(rc, reason=reason)
        err = error_for(rc)
        if reason in _INSTRUMENT_REASONS and rc in _INSTRUMENT_CODES:
            # The instrument's rules refuse an order with the code of what is wrong (a price
            # off the tick grid is EPRICE) and record the reason on the rejection.
            err.reason = RejectReason(reason)
        return err

    # ---- events ----

    def set_event_callback(self, callback: Optional[EventCallback]) -> None:
        """Call ``callback(event)`` with an :class:`~paperlib.Event` after each event the
        broker records (None removes it).

        The callback runs inside the broker call that caused the event. It must not call the
        broker (any method raises :class:`~paperlib.StateError` while it runs). If it raises,
        the exception is stored, later events of the same call are not delivered, and the
        broker call re-raises it once the library has returned (the broker's state then
        includes the event).
        """
        self._ptr()
        if callback is None:
            self._events.handle = _NULL
            self._handle = None
            self._disp = None
            return
        if not callable(callback):
            raise TypeError(f"the event callback must be callable, not {type(callback).__name__}")
        disp = _Dispatcher(callback, self)
        handle = ffi.new_handle(disp)
        self._disp = disp
        self._handle = handle
        self._events.handle = handle

    def set_logger(self, logger: LoggerSpec = True) -> None:
        """Send the broker's PAPER log lines to ``logger`` (a :class:`logging.Logger`, a
        logger's name, True for the ``paperlib`` logger) as INFO records, the text exactly
        as ``logging.log_file`` has it; None or False stops them (docs/python.md, "PAPER log
        lines"). A broker created while the ``paperlib`` logger takes INFO records logs to it
        from the start. Handlers run inside the broker call that made the line and must not
        call the broker."""
        target = _resolve_logger(logger)
        self._log = _attach_log(self._ptr(), target)

    @property
    def on_event(self) -> Optional[EventCallback]:
        """The event callback, or None (settable: same as :meth:`set_event_callback`)."""
        d = self._disp
        return d.callback if d is not None else None

    @on_event.setter
    def on_event(self, callback: Optional[EventCallback]) -> None:
        self.set_event_callback(callback)

    # ---- symbols and tags ----

    def _symbol(self, symbol: Any) -> Any:
        """A symbol as a cached ``char[]`` (valid for the broker's life)."""
        data = _bytes(symbol, "symbol", _SYMBOL_MAX)
        if len(self._syms) >= _CACHE_MAX:
            self._syms.clear()
        c = ffi.new("char[]", data)
        self._syms[symbol] = c
        return c

    def _symbol_c(self, symbol: Any) -> Any:
        c = self._syms.get(symbol) if symbol.__class__ is str else None
        return c if c is not None else self._symbol(symbol)

    def _tag(self, tag: Any, what: str, cap: int, cache: bool) -> Any:
        if cache:
            c = self._tags.get(tag)
            if c is not None:
                return c
        c = ffi.new("char[]", _bytes(tag, what, cap))
        if cache:
            if len(self._tags) >= _CACHE_MAX:
                self._tags.clear()
            self._tags[tag] = c
        return c

    # ---- market data ----

    def on_quote(
        self, symbol: str, ts: Timestamp, bid: float = 0.0, ask: float = 0.0, last: float = 0.0
    ) -> None:
        """A quote for ``symbol`` at ``ts``. ``bid``/``ask`` may be 0 when unknown (``last``
        is used), ``last`` 0 when unknown (the mid is used). Resting orders of the symbol are
        matched against it.

        Raises:
            InvalidArgument: a bad symbol (EINVAL), price (EPRICE: NaN, <= 0, ...), or a
                time older than the symbol's last data (ETIME).
        """
        try:
            c = self._syms[symbol]
        except KeyError:
            c = self._symbol(symbol)
        if ts.__class__ is not int:
            ts = to_ts(ts)
        # Fast check: three floats whose sum times 0 is 0 (no NaN, no infinity).
        if (
            bid.__class__ is not _F
            or ask.__class__ is not _F
            or last.__class__ is not _F
            or (bid + ask + last) * 0.0 != 0.0
        ):
            bid = _number(bid, "bid", ErrorCode.EPRICE)
            ask = _number(ask, "ask", ErrorCode.EPRICE)
            last = _number(last, "last", ErrorCode.EPRICE)
        try:
            rc = _on_quote(self._b, c, ts, bid, ask, last)
        except OverflowError:
            to_ts(ts)  # the fast path's int ts is outside 64 bits: InvalidArgument
            raise
        if rc or self._disp is not None:
            self._fail(rc)

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
        """An OHLCV bar of ``symbol`` stamped with its open time ``ts``. Resting orders fill
        inside it by the bar rules of docs/semantics.md; the close becomes the mark.

        Raises:
            InvalidArgument: bad symbol (EINVAL), prices (EPRICE: NaN, <= 0, high < low,
                open/close outside [low, high]), volume (EQTY) or a time not after the
                symbol's last bar (ETIME).
        """
        try:
            c = self._syms[symbol]
        except KeyError:
            c = self._symbol(symbol)
        if ts.__class__ is not int:
            ts = to_ts(ts)
        if (
            open.__class__ is not _F
            or high.__class__ is not _F
            or low.__class__ is not _F
            or close.__class__ is not _F
            or volume.__class__ is not _F
            or (open + high + low + close + volume) * 0.0 != 0.0
        ):
            open = _number(open, "open", ErrorCode.EPRICE)
            high = _number(high, "high", ErrorCode.EPRICE)
            low = _number(low, "low", ErrorCode.EPRICE)
            close = _number(close, "close", ErrorCode.EPRICE)
            volume = _number(volume, "volume", ErrorCode.EQTY)
        try:
            rc = _on_bar(self._b, c, ts, open, high, low, close, volume)
        except OverflowError:
            to_ts(ts)  # the fast path's int ts is outside 64 bits: InvalidArgument
            raise
        if rc or self._disp is not None:
            self._fail(rc)

    def mark(self, symbol: str, ts: Timestamp, price: float) -> None:
        """Mark ``symbol`` to ``price`` at ``ts`` without matching orders, then record a
        portfolio snapshot (a point of the equity curve). Errors as :meth:`on_quote`."""
        c = self._symbol_c(symbol)
        ts = to_ts(ts)
        price = _number(price, "price", ErrorCode.EPRICE)
        rc = lib.paper_broker_mark(self._b, c, ts, price)
        if rc or self._disp is not None:
            self._fail(rc)

    def snapshot(self) -> None:
        """Record a portfolio snapshot now: an event and a point of the equity curve."""
        rc = lib.paper_broker_snapshot(self._b)
        if rc or self._disp is not None:
            self._fail(rc)

    def set_halted(self, halted: bool) -> None:
        """The kill switch: while halted, orders that open or increase a position are refused
        (:class:`~paperlib.OrderRejected`, EHALTED, reason ``KILL_SWITCH``); orders that
        reduce a position are allowed."""
        if not isinstance(halted, bool):
            raise TypeError(f"halted must be a bool, not {type(halted).__name__}")
        rc = lib.paper_broker_set_halted(self._b, halted)
        if rc or self._disp is not None:
            self._fail(rc)

    # ---- orders ----

    def _reset_request(self) -> None:
        req = self._req
        req.version = lib.PAPER_ORDER_REQUEST_VERSION
        req.symbol = _NULL
        req.side = lib.PAPER_SIDE_BUY
        req.type = lib.PAPER_ORDER_MARKET
        req.tif = lib.PAPER_TIF_GTC
        req.qty = 0.0
        req.limit_price = 0.0
        req.stop_price = 0.0
        req.ts = 0
        req.client_id = _NULL
        req.strategy = _NULL
        req.signal_id = _NULL
        req.confidence = -1.0
        req.exit_reason = lib.PAPER_EXIT_NONE
        req.oco_group = 0
        self._req_dirty = False

    def submit(
        self,
        symbol: str,
        side: Union[Side, int, str],
        qty: float,
        type: Union[OrderType, int, str] = OrderType.MARKET,
        *,
        limit: Optional[float] = None,
        stop: Optional[float] = None,
        tif: Union[TimeInForce, int, str, None] = None,
        client_id: Optional[str] = None,
        strategy: Optional[str] = None,
        signal_id: Optional[str] = None,
        confidence: Optional[float] = None,
        oco_group: Optional[int] = None,
        exit_reason: Union[ExitReason, int, str, None] = None,
        ts: Optional[Timestamp] = None,
    ) -> int:
        """Submit an order; return its id. It rests until market data stamped at or after
        its submission time arrives (no look-ahead).

        Args:
            symbol: the instrument.
            side: ``Side.BUY`` / ``Side.SELL`` (or ``"buy"``, ``"sell"``, ``"long"``, ...).
            qty: quantity, > 0.
            type: ``OrderType.MARKET`` (default), ``LIMIT``, ``STOP`` or ``STOP_LIMIT``.
            limit: limit price (LIMIT and STOP_LIMIT).
            stop: stop price (STOP and STOP_LIMIT).
            tif: time in force, default ``TimeInForce.GTC``.
            client_id: your id of the order (<= 63 bytes).
            strategy: strategy tag (<= 31 bytes), kept on the trade it opens.
            signal_id: decision/signal id (<= 63 bytes), kept on the trade it opens.
            confidence: the signal's confidence in [0, 1] (``limits.min_confidence``).
            oco_group: one-cancels-other group (0 / None: none).
            exit_reason: recorded on the trade this order closes.
            ts: submission time (default: the broker's clock, the newest data seen).
        Raises:
            OrderRejected: the broker refused it (EFUNDS, ELIMIT, EHALTED, ENODATA); ``.reason``
                is the recorded :class:`~paperlib.RejectReason`. The rejection is an event.
            InvalidArgument: bad input, nothing recorded (EINVAL, EQTY, EPRICE, ETIME).
        """
        req = self._req
        try:
            c = self._syms[symbol]
        except KeyError:
            c = self._symbol(symbol)
        if side.__class__ is not Side:
            side = Side.coerce(side, "side")
        if type is not _MARKET:
            type = OrderType.coerce(type, "type")
        if qty.__class__ is not _F or qty * 0.0 != 0.0:
            qty = _number(qty, "qty", ErrorCode.EQTY)
        keep = None
        if (
            limit is not None
            or stop is not None
            or tif is not None
            or client_id is not None
            or strategy is not None
            or signal_id is not None
            or confidence is not None
            or oco_group is not None
            or exit_reason is not None
            or ts is not None
        ):
            keep = self._options(
                req, limit, stop, tif, client_id, strategy, signal_id, confidence, oco_group,
                exit_reason, ts,
            )
        elif self._req_dirty:
            self._reset_request()
        out = self._id
        rc = _submit(self._b, req, c, side, type, qty, out)
        if rc or self._disp is not None:
            self._fail(rc)
        del keep  # the strings C read during the call
        return out[0]

    def _options(
        self, req: Any, limit: Any, stop: Any, tif: Any, client_id: Any, strategy: Any,
        signal_id: Any, confidence: Any, oco_group: Any, exit_reason: Any, ts: Any,
    ) -> List[Any]:
        """Set the optional fields of the request; return what must outlive the call."""
        keep: List[Any] = []
        if self._req_dirty:
            self._reset_request()
        self._req_dirty = True
        if limit is not None:
            req.limit_price = _number(limit, "limit", ErrorCode.EPRICE)
        if stop is not None:
            req.stop_price = _number(stop, "stop", ErrorCode.EPRICE)
        if tif is not None:
            req.tif = TimeInForce.coerce(tif, "tif")
        if client_id is not None:
            s = self._tag(client_id, "client_id", _ID_MAX, False)
            keep.append(s)
            req.client_id = s
        if strategy is not None:
            req.strategy = self._tag(strategy, "strategy", _TAG_MAX, True)
        if signal_id is not None:
            s = self._tag(signal_id, "signal_id", _ID_MAX, False)
            keep.append(s)
            req.signal_id = s
        if confidence is not None:
            req.confidence = _number(confidence, "confidence", ErrorCode.EINVAL)
        if oco_group is not None:
            req.oco_group = integer(oco_group, "oco_group", 0, UINT64_MAX)
        if exit_reason is not None:
            req.exit_reason = ExitReason.coerce(exit_reason, "exit_reason")
        if ts is not None:
            req.ts = to_ts(ts)
        return keep

    def cancel(self, order_id: int) -> None:
        """Cancel an open order.

        Raises:
            NotFound: no such order (ENOTFOUND).
            StateError: it is no longer open (ESTATE).
        """
        rc = _cancel(self._b, _order_id(order_id))
        if rc or self._disp is not None:
            self._fail(rc)

    def cancel_all(self, symbol: Optional[str] = None) -> None:
        """Cancel every open order of ``symbol``, or of every symbol when None."""
        c = _NULL if symbol is None else ffi.new("char[]", _bytes(symbol, "symbol", _SYMBOL_MAX))
        rc = lib.paper_broker_cancel_all(self._b, c)
        if rc or self._disp is not None:
            self._fail(rc)

    def replace(
        self,
        order_id: int,
        qty: Optional[float] = None,
        limit: Optional[float] = None,
        stop: Optional[float] = None,
    ) -> None:
        """Amend an open order in place, keeping its id and time priority. A None argument
        keeps the order's current value.

        Raises:
            NotFound, StateError: no such order / no longer open.
            InvalidArgument: bad quantity (EQTY: below the filled quantity) or price (EPRICE).
            OrderRejected: the account cannot afford the new order (EFUNDS).
        """
        oid = _order_id(order_id)
        if qty is None or limit is None or stop is None:
            current = self.order(oid)
            qty = current.qty if qty is None else qty
            limit = current.limit_price if limit is None else limit
            stop = current.stop_price if stop is None else stop
        rc = lib.paper_broker_replace(
            self._b,
            oid,
            _number(qty, "qty", ErrorCode.EQTY),
            _number(limit, "limit", ErrorCode.EPRICE),
            _number(stop, "stop", ErrorCode.EPRICE),
        )
        if rc or self._disp is not None:
            self._fail(rc)

    def exit_at(
        self,
        symbol: str,
        price: float,
        qty: Optional[float] = None,
        *,
        style: Union[ExitStyle, int, str] = ExitStyle.MARKET,
        reason: Union[ExitReason, int, str] = ExitReason.MANUAL,
        fill_reason: Union[FillReason, int, str] = FillReason.MARKET_OPEN,
        ambiguous: bool = False,
        alt_price: float = 0.0,
    ) -> int:
        """Reduce or close a position now, at ``price``, a price the symbol's latest data
        reached (inside the latest bar's [low, high], or between the latest quote's bid and
        ask): the exit of a rule you evaluate yourself on each bar (take profit, stop loss,
        time). Returns the order id.

        Args:
            qty: how much to close; None or 0 closes the whole position.
            style: which slippage applies: ``MARKET`` (a time exit), ``LIMIT`` (take profit,
                never worse than price) or ``STOP`` (stop loss).
            reason: recorded on the trade it closes.
            fill_reason: recorded on the fill.
            ambiguous: record ``FillFlag.AMBIGUOUS`` (both exits inside one bar), with
                ``alt_price`` the other rule's price.
        Raises:
            NotFound: no position (ENOTFOUND).
            InvalidArgument: more than held (EQTY), a price the data did not reach (EPRICE).
            OrderRejected: no market data for the symbol (ENODATA).
        """
        x = self._xreq
        c = self._symbol_c(symbol)
        if not isinstance(ambiguous, bool):
            raise TypeError(f"ambiguous must be a bool, not {type(ambiguous).__name__}")
        x.version = lib.PAPER_EXIT_REQUEST_VERSION
        x.symbol = c
        x.qty = 0.0 if qty is None else _number(qty, "qty", ErrorCode.EQTY)
        x.price = _number(price, "price", ErrorCode.EPRICE)
        x.style = ExitStyle.coerce(style, "style")
        x.reason = ExitReason.coerce(reason, "reason")
        x.fill_reason = FillReason.coerce(fill_reason, "fill_reason")
        x.flags = int(FillFlag.AMBIGUOUS) if ambiguous else 0
        x.alt_price = _number(alt_price, "alt_price", ErrorCode.EPRICE)
        out = self._id
        rc = lib.paper_broker_exit_at(self._b, x, out)
        if rc or self._disp is not None:
            self._fail(rc)
        return out[0]

    def close_position(
        self, symbol: str, reason: Union[ExitReason, int, str] = ExitReason.MANUAL
    ) -> int:
        """Close the whole position in ``symbol`` at once at its mark (the last close or
        price seen), with commission and without slippage (fill reason ``AT_MARK``): the
        end-of-data settlement. Open orders of the symbol stay. Returns the order id.

        Raises:
            NotFound: no open position (ENOTFOUND).
        """
        c = self._symbol_c(symbol)
        r = ExitReason.coerce(reason, "reason")
        out = self._id
        rc = lib.paper_broker_close_position(self._b, c, r, out)
        if rc or self._disp is not None:
            self._fail(rc)
        return out[0]

    # ---- instruments ----

    def define_instrument(
        self,
        symbol: str,
        *,
        asset_class: Any,
        multiplier: Optional[float] = None,
        tick_size: Optional[float] = None,
        lot_size: Optional[float] = None,
        expiry: Any = None,
        underlying: Optional[str] = None,
        right: Any = None,
        strike: Optional[float] = None,
        min_qty: Optional[float] = None,
        settlement: Any = None,
        initial_margin: Optional[float] = None,
    ) -> Instrument:
        """Define, or replace, the contract of ``symbol`` (``paper_broker_define_instrument``)
        and return it as the broker now applies it. Allowed until the symbol's first order is
        accepted; a definition wins over the OCC reading of the same symbol.

        Args:
            asset_class: an :class:`~paperlib.AssetClass` or its name (``"option"``,
                ``"future"``, ``"crypto"``, ``"equity"``).
            multiplier: price x quantity x multiplier is money. None: the class's default
                (100 for an option, else 1); give a future its own (ES: 50).
            tick_size: the price grid (None: none). Limit and stop prices off it are
                rejected (``RejectReason.TICK_SIZE``); fills are rounded to it, against you.
            lot_size, min_qty: quantities are whole lots, at least min_qty (None: the class's
                default: 1 lot; crypto any quantity).
            expiry: options (required) and futures: an ``int`` paper_ts, an aware
                ``datetime``, a ``date`` (16:00 America/New_York that day, the OCC rule), or
                the config's text: ``"2026-12-18"``, ``"2026-12-18T14:30:00Z"`` or epoch
                seconds ``"1797627600"``.
                After it the symbol no longer trades (``RejectReason.EXPIRED``) and open
                positions settle (``ExitReason.EXPIRY``).
            underlying, right, strike: an option's underlying symbol, ``OptionRight`` (or
                ``"call"``/``"put"``/``"C"``/``"P"``) and strike; a future may name its
                underlying (whitelists match it).
            settlement: ``Settlement.CASH`` (the default).
            initial_margin: futures: money reserved per contract while a position is open.
        Raises:
            InvalidArgument: a field out of its range or not of the asset class (EINVAL,
                the message names it), an expiry out of range (ETIME).
            StateError: the symbol already has an accepted order (ESTATE).
        """
        b = self._ptr()
        c = _bytes(symbol, "symbol", _SYMBOL_MAX)
        spec = new_spec()
        fill_spec(
            spec, asset_class=asset_class, multiplier=multiplier, tick_size=tick_size,
            lot_size=lot_size, min_qty=min_qty, expiry=expiry, underlying=underlying,
            right=right, strike=strike, settlement=settlement, initial_margin=initial_margin,
        )
        rc = lib.paper_broker_define_instrument(b, c, spec)
        if rc:
            self._fail(rc)
        return self.instrument(symbol)

    def instrument(self, symbol: str) -> Instrument:
        """The contract in force for ``symbol`` (``paper_broker_instrument``): its definition,
        else its OCC reading, else the default (an equity, multiplier 1). The symbol need not
        have been seen.

        Raises:
            InvalidArgument: an undefined OCC-looking symbol that does not parse (EFORMAT),
                or not a valid symbol (EINVAL).
        """
        b = self._ptr()
        spec = new_spec()
        rc = lib.paper_broker_instrument(b, _bytes(symbol, "symbol", _SYMBOL_MAX), spec)
        if rc:
            self._fail(rc)
        return from_spec(symbol, spec)

    def settle_expired(self, ts: Optional[Timestamp] = None) -> None:
        """Settle every open position whose instrument expired at or before ``ts`` (None:
        the broker's clock) and cancel the open orders of expired instruments
        (``paper_broker_settle_expired``). The broker does it by itself when data stamped
        after an expiry arrives; call this when time passes without data.

        Raises:
            InvalidArgument: ``ts`` before the broker's clock (ETIME), or a settlement past
                the money limits (ERANGE: nothing settled).
        """
        b = self._ptr()
        rc = lib.paper_broker_settle_expired(b, 0 if ts is None else to_ts(ts))
        if rc or self._disp is not None:
            self._fail(rc)

    def pnl_by(self, by: str = "underlying") -> Dict[str, PnlGroup]:
        """The P&L broken down by ``"underlying"`` (an option's or a future's underlying, any
        other symbol itself: every SPY option adds to ``"SPY"``) or by ``"asset_class"``
        (``"equity"``, ``"crypto"``, ``"future"``, ``"option"``): each closed trade's net P&L,
        and each open position's P&L realized so far less its fees (realized) and its
        unrealized P&L, as :class:`~paperlib.PnlGroup` records in name order - the dashboard's
        "P&L by" tables. The groups add up to the account's P&L (equity - starting cash), unless
        ``engine.trade_history`` dropped closed trades from memory.

        Raises:
            InvalidArgument: ``by`` is neither.
        """
        self._ptr()
        return pnl_by(self, by)

    # ---- queries ----

    def account(self) -> Account:
        """The account now (cash, equity, P&L, counts, the halt flag)."""
        b = self._ptr()
        a = ffi.new("paper_account_info *")
        a.version = lib.PAPER_ACCOUNT_INFO_VERSION
        rc = lib.paper_broker_account(b, a)
        if rc:
            self._fail(rc)
        return account_from_c(a)

    def position(self, symbol: str) -> Optional[Position]:
        """The open position in ``symbol``, or None when flat."""
        b = self._ptr()
        p = ffi.new("paper_position_info *")
        p.version = lib.PAPER_POSITION_INFO_VERSION
        rc = lib.paper_broker_position(b, _bytes(symbol, "symbol", _SYMBOL_MAX), p)
        if rc == lib.PAPER_ENOTFOUND:
            return None
        if rc:
            self._fail(rc)
        return position_from_c(p)

    def _collect(self, ctype: str, version: int, count: Any, at: Any, convert: Any) -> list:
        """Every item of a count/index pair of the C API, converted, in index order."""
        b = self._ptr()
        item = ffi.new(ctype + " *")
        out = []
        for i in range(count(b)):
            item.version = version
            rc = at(b, i, item)
            if rc:
                self._fail(rc)
            out.append(convert(item))
        return out

    def positions(self) -> List[Position]:
        """Every open position."""
        return self._collect("paper_position_info", lib.PAPER_POSITION_INFO_VERSION, lib.paper_broker_position_count, lib.paper_broker_position_at, position_from_c)

    def order(self, order_id: int) -> Order:
        """An order by id: open orders, and closed ones still in the recent history
        (``engine.order_history``).

        Raises:
            NotFound: unknown id, or too old (ENOTFOUND).
        """
        b = self._ptr()
        o = ffi.new("paper_order_info *")
        o.version = lib.PAPER_ORDER_INFO_VERSION
        rc = lib.paper_broker_order(b, _order_id(order_id), o)
        if rc:
            self._fail(rc)
        return order_from_c(o)

    def orders(self) -> List[Order]:
        """The open orders, oldest first."""
        return self._collect("paper_order_info", lib.PAPER_ORDER_INFO_VERSION, lib.paper_broker_open_order_count, lib.paper_broker_open_order_at, order_from_c)

    def trades(self) -> List[Trade]:
        """The closed round-trip trades kept in memory (``engine.trade_history``; all by
        default), oldest first."""
        return self._collect("paper_trade_info", lib.PAPER_TRADE_INFO_VERSION, lib.paper_broker_trade_count, lib.paper_broker_trade_at, trade_from_c)

    def fills(self) -> List[Fill]:
        """The recent fills kept in memory (``engine.fill_history``), oldest first."""
        return self._collect("paper_fill_info", lib.PAPER_FILL_INFO_VERSION, lib.paper_broker_fill_count, lib.paper_broker_fill_at, fill_from_c)

    def equity_curve(self) -> List[EquityPoint]:
        """The equity curve: one point per SNAPSHOT event (each new UTC day's first data,
        each :meth:`mark` and :meth:`snapshot`), oldest first."""
        return self._collect("paper_equity_info", lib.PAPER_EQUITY_INFO_VERSION, lib.paper_broker_equity_count, lib.paper_broker_equity_at, equity_from_c)

    # ---- the dashboard ----

    def readiness(
        self,
        *,
        thresholds: Any = None,
        rejected_decisions: int = 0,
        last_rejected_decision_ts: Any = None,
        drift: Any = None,
        periods_per_year: Optional[float] = None,
    ) -> Readiness:
        """The readiness gate (``paper_readiness_evaluate``): every criterion with its value,
        threshold and verdict, and the recommendations. ``thresholds``: a Config or a mapping
        of ``readiness.*`` settings (None: this broker's config); ``rejected_decisions``:
        inbox decisions refused, counted as errors; ``drift``: a :class:`~paperlib.Drift`
        (slippage rule). docs/python.md, "Readiness"."""
        b = self._ptr()
        g, keep = _gate_options(thresholds, rejected_decisions, last_rejected_decision_ts, drift)
        ro, keep2 = _report_options({"periods_per_year": periods_per_year})
        try:
            return _evaluate_readiness(b, ro, g)
        finally:
            del keep, keep2

    def report_html(self, **options: Any) -> str:
        """The account's self-contained HTML dashboard (``paper_report_html``): KPI cards,
        the equity curve and drawdown, exit reasons, positions, fills, trades, a readiness
        checklist. Keyword options (None or absent: libpaper's default): ``title``,
        ``refresh_seconds``, ``recent_fills``, ``recent_trades``, ``periods_per_year``,
        ``min_trades``, ``min_win_rate``, ``min_sharpe``, ``max_drawdown``, ``max_errors``.
        With any of ``readiness=True``, ``thresholds``, ``rejected_decisions``,
        ``last_rejected_decision_ts`` or ``drift`` (as :meth:`readiness`) it is
        ``paper_report_html_v2``: the readiness gate (whose thresholds are config keys, so the
        five ``min_*``/``max_*`` options are not read) and the drift section.
        """
        b = self._ptr()
        gate, gkeep = _gate_from(options)
        opts, keep = _report_options(options)
        out = ffi.new("char **")
        n = ffi.new("size_t *")
        if gate is not None:
            rc = lib.paper_report_html_v2(out, n, b, opts, gate, ffi.NULL, ffi.NULL, 0)
        else:
            rc = lib.paper_report_html(out, n, b, opts)
        del gkeep
        if rc:
            self._fail(rc)
        try:
            return ffi.unpack(out[0], n[0]).decode("utf-8")
        finally:
            lib.paper_string_free(out[0])
            del keep

    def write_report(self, path: Any, **options: Any) -> None:
        """Write the dashboard to ``path``, replaced atomically (``paper_report_write_html``).
        Options as :meth:`report_html`. Raises :class:`~paperlib.LedgerError` (EIO)."""
        import os

        b = self._ptr()
        gate, gkeep = _gate_from(options)
        opts, keep = _report_options(options)
        data = _bytes(os.fsdecode(os.fspath(path)), "path", 1 << 20)
        if gate is not None:
            rc = lib.paper_report_write_html_v2(b, opts, gate, ffi.NULL, ffi.NULL, 0, data)
        else:
            rc = lib.paper_report_write_html(b, opts, data)
        del keep, gkeep
        if rc:
            self._fail(rc)

    def metrics(self, options: Any = None) -> Any:
        """A :class:`~paperlib.metrics.Metrics` report of this broker now (its closed trades
        and equity curve, then the account now). ``options``: a
        :class:`~paperlib.metrics.MetricsOptions` or None for the defaults."""
        return Metrics.from_broker(self, options)

    # ---- tables as pandas objects (paperlib.frames; pandas is optional) ----

    def trades_df(self) -> Any:
        """:meth:`trades` as a pandas DataFrame indexed by trade id: ``entry_time`` and
        ``exit_time`` as ``datetime64[ns, UTC]``, money float64, labels as categoricals."""
        from .frames import records_frame

        return records_frame(Trade, self.trades(), index="id")

    def fills_df(self) -> Any:
        """:meth:`fills` as a pandas DataFrame indexed by ``seq``."""
        from .frames import records_frame

        return records_frame(Fill, self.fills(), index="seq")

    def orders_df(self) -> Any:
        """:meth:`orders` (the open orders) as a pandas DataFrame indexed by order id."""
        from .frames import records_frame

        return records_frame(Order, self.orders(), index="id")

    def positions_df(self) -> Any:
        """:meth:`positions` as a pandas DataFrame indexed by symbol."""
        from .frames import records_frame

        return records_frame(Position, self.positions(), index="symbol")

    def equity_series(self) -> Any:
        """:meth:`equity_curve` as a float64 pandas Series of equity indexed by time (UTC)."""
        from .frames import equity_series

        return equity_series(self.equity_curve())


_REPORT_FIELDS = {
    "title": "str",
    "refresh_seconds": "u32",
    "recent_fills": "u32",
    "recent_trades": "u32",
    "periods_per_year": "float",
    "min_trades": "u32",
    "min_win_rate": "float",
    "min_sharpe": "float",
    "max_drawdown": "float",
    "max_errors": "u32",
}


_GATE_KEYS = ("readiness", "thresholds", "rejected_decisions", "last_rejected_decision_ts", "drift")


def _gate_from(options: Dict[str, Any]) -> Any:
    """The readiness options the report options ask for (removed from them), or None."""
    given = {k: options.pop(k) for k in _GATE_KEYS if k in options}
    if not given or given == {"readiness": False}:
        return None, []
    given.pop("readiness", None)
    return _gate_options(**given)


def _report_options(options: Dict[str, Any]) -> Any:
    """A paper_report_options with the header's defaults and the given overrides."""
    o = ffi.new("paper_report_options *")
    lib.paperlib_report_options_default(o)
    keep = []
    for name, value in options.items():
        kind = _REPORT_FIELDS.get(name)
        if kind is None:
            raise TypeError(f"unknown report option {name!r} (one of: {', '.join(_REPORT_FIELDS)})")
        if value is None:
            continue
        if kind == "str":
            s = ffi.new("char[]", _bytes(value, name, 4096))
            keep.append(s)
            setattr(o, name, s)
        elif kind == "u32":
            setattr(o, name, integer(value, name, 0, UINT32_MAX))
        else:
            setattr(o, name, _number(value, name, ErrorCode.EINVAL))
    return o, keep


def _violations(cfg: Config) -> list:
    """The violations of a config that does not validate, without touching it."""
    probe = cfg.copy()
    try:
        rc = lib.paper_config_validate(probe._ptr())
        if rc not in (lib.PAPER_ECONFIG, lib.PAPER_ESAFETY):
            check(rc)
        return violations_of(probe._ptr())
    finally:
        probe.close()


def _order_id(order_id: Any) -> int:
    if order_id.__class__ is int and 0 <= order_id <= UINT64_MAX:
        return order_id
    return integer(order_id, "an order id", 0, UINT64_MAX)

