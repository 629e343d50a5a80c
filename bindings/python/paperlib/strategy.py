"""A strategy class for people coming from backtrader or backtesting.py: :class:`Strategy`,
:func:`run` and its :class:`RunResult`.

    class SmaCross(paperlib.Strategy):
        fast = 10                                  # parameters: class attributes
        slow = 30

        def on_bar(self, bar):                     # every symbol of one timestamp
            closes = self.history("AAPL", "close", self.slow)
            if len(closes) == self.slow and closes[-self.fast:].mean() > closes.mean():
                if self.position("AAPL") is None:
                    self.buy("AAPL", notional=10_000)     # fills at the next bar's open
            elif self.position("AAPL") is not None:
                self.close("AAPL")

    result = paperlib.run(SmaCross, {"AAPL": aapl_df}, {"account.starting_cash": 100_000})
    result.trades_df(); result.equity_series(); result.metrics.to_series()

Every order goes to libpaper's broker, with its rules (docs/semantics.md): the broker sees
every bar of a timestamp before :meth:`Strategy.on_bar` is called, so an order placed there
is stamped with that time and fills on the symbol's next bar - a market order at its open
(plus slippage), never on the bar the strategy just saw. Fills reach :meth:`Strategy.on_fill`
after the bars of their timestamp were fed and before ``on_bar`` of that timestamp.

The loop is built for speed (docs/performance.md, ``BENCH py_strategy_vs_loop``): the bars
are grouped by timestamp with numpy once, converted to Python floats a chunk at a time, fed to
the C broker without per-bar argument checks (the whole input was checked up front), and
:class:`Bar` records are built in C (``tuple.__new__`` mapped over the chunk).
"""

from __future__ import annotations

import os
from collections import namedtuple
from itertools import repeat
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ._paperlib import ffi, lib
from .broker import Broker, _bytes
from .config import Config, ConfigValue
from .enums import ExitReason, InstrumentOrigin, OrderType, Side
from .errors import ErrorCode, InvalidArgument, OrderRejected, PaperError, StateError
from .frames import bar_sources, is_frames
from .metrics import Metrics, MetricsOptions
from .results import Account, EquityPoint, Fill, Order, Position, Trade, fill_from_c
from .timeutil import from_ts

__all__ = ["Bar", "Bars", "Strategy", "RunResult", "run"]

_BarBase = namedtuple("_BarBase", ("open", "high", "low", "close", "volume"))


class Bar(_BarBase):
    """One OHLCV bar of one symbol: a named tuple ``(open, high, low, close, volume)`` of
    floats. The symbol is its key in :class:`Bars`, the time is ``Bars.ts``."""

    __slots__ = ()


class Bars(dict):
    """The bars of one timestamp: a dict ``symbol -> Bar`` (only the symbols that have a bar
    at this time), with ``ts`` (microseconds, UTC) and ``time`` (a datetime). In a run over a
    single symbol, ``bar.close`` (and ``open``, ``high``, ``low``, ``volume``) read its bar."""

    __slots__ = ("ts",)

    @property
    def time(self) -> Any:
        """``ts`` as an aware UTC datetime."""
        return from_ts(self.ts)

    def __getattr__(self, name: str) -> Any:
        if name in Bar._fields:
            raise AttributeError(f"bar.{name} reads the bar of a single-symbol run; this run "
                                 f"has several symbols: use bar[symbol].{name}")
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"Bars(ts={self.ts}, {dict.__repr__(self)})"


class _OneBar(Bars):
    """Bars of a single-symbol run: ``bar.close`` is the symbol's close."""

    __slots__ = ()

    def _only(self) -> Bar:
        for b in self.values():
            return b
        raise AttributeError("no bar")  # pragma: no cover - a group always has a bar

    open = property(lambda self: self._only()[0])
    high = property(lambda self: self._only()[1])
    low = property(lambda self: self._only()[2])
    close = property(lambda self: self._only()[3])
    volume = property(lambda self: self._only()[4])


_MARKET, _LIMIT, _STOP, _STOP_LIMIT = (OrderType.MARKET, OrderType.LIMIT, OrderType.STOP,
                                       OrderType.STOP_LIMIT)
_HOOKS = ("on_start", "on_bar", "on_fill", "on_stop", "on_reject")
_CONTEXT = ("broker", "symbols", "ts")


class Strategy:
    """Base class of a strategy run by :func:`paperlib.run`. Override the hooks you need:

    - :meth:`on_start` once before the first bar (the broker and ``symbols`` are set);
    - :meth:`on_bar` with the :class:`Bars` of each timestamp, in time order;
    - :meth:`on_fill` with each :class:`~paperlib.Fill` of your orders;
    - :meth:`on_stop` once at the end, after the positions were closed (``close_at_end``);
    - :meth:`on_reject` with each refused order (no exception stops the run for it).

    Parameters are class attributes; ``run(MyStrategy, data, fast=5)`` (or
    ``MyStrategy(fast=5)``) overrides them for one run, as backtesting.py does. While it runs
    a strategy has ``broker`` (the :class:`~paperlib.Broker`), ``symbols`` (every symbol of
    the data, in input order), ``ts`` and ``time`` (the current timestamp) and the order
    helpers :meth:`buy`, :meth:`sell`, :meth:`close`, :meth:`close_all`, :meth:`cancel`, and
    the queries :meth:`position`, :meth:`account`, :meth:`orders`, :meth:`history`.
    """

    #: lot sizes by symbol for orders given as a notional (default: the broker's
    #: ``session.lot_size``), e.g. ``{"BTC-USD": 0.0001}``
    lots: Mapping[str, float] = {}
    #: strategy tag put on every order (kept on its trades, ``Metrics.by_strategy``), or None
    tag: Optional[str] = None

    def __init__(self, **params: Any) -> None:
        cls = type(self)
        for name, value in params.items():
            if name.startswith("_") or name in _CONTEXT or name in _HOOKS \
                    or not hasattr(cls, name) or callable(getattr(cls, name)):
                raise TypeError(f"{cls.__name__} has no parameter {name!r} (parameters are "
                                "class attributes that are not methods)")
            setattr(self, name, value)

    # ---- hooks ----

    def on_start(self) -> None:
        """Called once before the first bar."""

    def on_bar(self, bar: Bars) -> None:
        """Called with the bars of each timestamp, after the broker took them in."""

    def on_fill(self, fill: Fill) -> None:
        """Called with each fill, after the bars of its timestamp and before ``on_bar``."""

    def on_stop(self) -> None:
        """Called once after the last bar (and the end-of-data close of the positions)."""

    def on_reject(self, symbol: str, error: OrderRejected) -> None:
        """Called when the broker rejected an order of :meth:`buy`, :meth:`sell` or
        :meth:`close` (``error.reason`` is the :class:`~paperlib.RejectReason`)."""

    # ---- the run's context ----

    @property
    def time(self) -> Any:
        """The current timestamp as an aware UTC datetime."""
        return from_ts(self.ts)

    def _run_state(self) -> "_RunState":
        st = self.__dict__.get("_paperlib_run")
        if st is None:
            raise StateError("the strategy is not running (paperlib.run() runs it)",
                             ErrorCode.ESTATE)
        return st

    def _symbol(self, symbol: Optional[str]) -> str:
        if symbol is not None:
            return symbol
        symbols = self._run_state().names
        if len(symbols) != 1:
            raise TypeError(f"name the symbol: the data has {len(symbols)} symbols")
        return symbols[0]

    # ---- orders ----

    def buy(self, symbol: Optional[str] = None, qty: Optional[float] = None, *,
            notional: Optional[float] = None, limit: Optional[float] = None,
            stop: Optional[float] = None, **options: Any) -> Optional[int]:
        """Buy ``qty`` units of ``symbol`` (or ``notional`` worth: at the limit price, else
        the latest close, rounded down to the symbol's lot; None when that is under one lot).
        A market order by default; ``limit`` makes it a limit order, ``stop`` a stop order,
        both a stop-limit order. ``options`` are :meth:`Broker.submit`'s (``tif``,
        ``client_id``, ``signal_id``, ``confidence``, ``oco_group``, ``exit_reason``,
        ``strategy``). ``symbol`` may be omitted when the data has one.

        Returns the order id, or None when the broker rejected the order (not enough cash, a
        risk limit: an outcome of the backtest, not an error) - :meth:`on_reject` is called
        with the :class:`~paperlib.OrderRejected` and ``account().rejections`` counts it.

        Raises:
            InvalidArgument: a bad quantity or price.
        """
        return self._order(Side.BUY, symbol, qty, notional, limit, stop, options)

    def sell(self, symbol: Optional[str] = None, qty: Optional[float] = None, *,
             notional: Optional[float] = None, limit: Optional[float] = None,
             stop: Optional[float] = None, **options: Any) -> Optional[int]:
        """Sell (to close a long or to open a short): as :meth:`buy`."""
        return self._order(Side.SELL, symbol, qty, notional, limit, stop, options)

    def _order(self, side: Side, symbol: Optional[str], qty: Optional[float],
               notional: Optional[float], limit: Optional[float], stop: Optional[float],
               options: Dict[str, Any]) -> Optional[int]:
        st = self._run_state()
        symbol = self._symbol(symbol)
        if (qty is None) == (notional is None):
            raise TypeError("give qty or notional (one of them)")
        if notional is not None:
            qty = st.size(self, symbol, notional, limit)
            if qty == 0.0:
                return None
        if limit is None:
            otype = _MARKET if stop is None else _STOP
        else:
            otype = _LIMIT if stop is None else _STOP_LIMIT
        if self.tag is not None and "strategy" not in options:
            options["strategy"] = self.tag
        try:
            if otype is _MARKET and not options:
                return st.submit(symbol, side, qty)
            return st.broker.submit(symbol, side, qty, otype, limit=limit, stop=stop, **options)
        except OrderRejected as e:
            self.on_reject(symbol, e)
            return None

    def close(self, symbol: Optional[str] = None, **options: Any) -> Optional[int]:
        """Close the position in ``symbol`` with a market order (the next bar's open); None
        when flat or rejected. ``options`` as :meth:`buy` (e.g. ``exit_reason=``)."""
        st = self._run_state()
        symbol = self._symbol(symbol)
        p = st.broker.position(symbol)
        if p is None:
            return None
        if self.tag is not None and "strategy" not in options:
            options["strategy"] = self.tag
        side = Side.SELL if p.qty > 0 else Side.BUY
        try:
            return st.broker.submit(symbol, side, abs(p.qty), **options)
        except OrderRejected as e:
            self.on_reject(symbol, e)
            return None

    def close_all(self, **options: Any) -> List[int]:
        """Close every open position with market orders; the order ids."""
        st = self._run_state()
        return [i for i in (self.close(p.symbol, **options) for p in st.broker.positions())
                if i is not None]

    def cancel(self, order_id: int) -> None:
        """Cancel an open order."""
        self._run_state().broker.cancel(order_id)

    # ---- queries ----

    def position(self, symbol: Optional[str] = None) -> Optional[Position]:
        """The open position in ``symbol``, or None when flat."""
        return self._run_state().broker.position(self._symbol(symbol))

    def account(self) -> Account:
        """The account now (cash, equity, P&L ...)."""
        return self._run_state().broker.account()

    def orders(self, symbol: Optional[str] = None) -> List[Order]:
        """The open orders (of ``symbol``, or all), oldest first."""
        orders = self._run_state().broker.orders()
        return orders if symbol is None else [o for o in orders if o.symbol == symbol]

    def history(self, symbol: Optional[str] = None, field: str = "close",
                n: Optional[int] = None) -> Any:
        """The ``field`` (open, high, low, close, volume or ts) of ``symbol``'s bars up to and
        including the current one, oldest first, as a read-only numpy array (the last ``n``
        when given): what the strategy has seen, nothing after."""
        st = self._run_state()
        now = st.bars.ts if st.bars is not None else -(2**63)  # on_start: nothing seen yet
        return st.history(self._symbol(symbol), field, n, now)


# ---- the run ----

class _RunState:
    """What a running strategy reaches: the broker, the data, the order fast path."""

    __slots__ = ("broker", "data", "names", "code_of", "lots", "default_lot", "bars",
                 "submit", "_hist", "_contracts")

    def __init__(self, broker: Broker, data: Any, default_lot: float) -> None:
        self.broker = broker
        self.data = data
        self.names = tuple(data.names)
        self.code_of = {n: k for k, n in enumerate(data.names)}
        self.default_lot = default_lot
        self.bars: Optional[Bars] = None
        self.submit = broker.submit
        self._hist: Optional[Tuple[Any, Any]] = None
        self._contracts: Dict[str, Tuple[float, Optional[float]]] = {}

    def contract(self, symbol: str) -> Tuple[float, Optional[float]]:
        """(multiplier, lot) of the symbol's instrument; the lot is None for a symbol never
        defined (the session's lot applies). Read once per symbol and run: a contract is
        fixed once the symbol has an order."""
        c = self._contracts.get(symbol)
        if c is None:
            ins = self.broker.instrument(symbol)
            lot = None if ins.origin is InstrumentOrigin.DEFAULT else ins.lot_size
            c = self._contracts[symbol] = (ins.multiplier, lot)
        return c

    def last_close(self, symbol: str) -> float:
        bars = self.bars
        if bars is None:
            raise InvalidArgument(f"{symbol}: no bar yet to price a notional (give limit=)",
                                  ErrorCode.EPRICE)
        if symbol in bars:
            return bars[symbol][3]
        seen = self.history(symbol, "close", 1, bars.ts)
        if not len(seen):
            raise InvalidArgument(f"{symbol}: no bar yet to price a notional (give limit=)",
                                  ErrorCode.EPRICE)
        return float(seen[-1])

    def size(self, strat: Strategy, symbol: str, notional: Any, limit: Any) -> float:
        """notional / (price x the instrument's multiplier) rounded down to the symbol's lot
        (``lots``, else the instrument's when it is defined or an OCC option, else the
        session's), in exact integer arithmetic on the library's 1e-8 units."""
        from .broker import _number

        value = _number(notional, "notional", ErrorCode.EQTY)
        if not value > 0:
            raise InvalidArgument(f"notional must be > 0 (got {value!r})", ErrorCode.EQTY)
        price = _number(limit, "limit", ErrorCode.EPRICE) if limit is not None \
            else self.last_close(symbol)
        if not price > 0:
            raise InvalidArgument(f"price must be > 0 (got {price!r})", ErrorCode.EPRICE)
        mult, contract_lot = self.contract(symbol)
        lot = strat.lots.get(symbol, self.default_lot if contract_lot is None else contract_lot)
        lot = _number(lot, f"lots[{symbol!r}]", ErrorCode.EQTY)
        if not lot > 0:
            raise InvalidArgument(f"lots[{symbol!r}] must be > 0 (got {lot!r})", ErrorCode.EQTY)
        n8, p8, l8, m8 = (round(x * 100_000_000) for x in (value, price, lot, mult))
        if p8 <= 0 or l8 <= 0:
            raise InvalidArgument(f"{symbol}: price {price!r} or lot {lot!r} is below 1e-8",
                                  ErrorCode.EQTY)
        # units = notional / (price x multiplier), each in 1e-8 units
        units8 = n8 * 100_000_000 * 100_000_000 // (p8 * m8)
        return (units8 // l8 * l8) / 100_000_000

    def history(self, symbol: str, field: str, n: Optional[int], now: int) -> Any:
        from .barcols import numpy

        np = numpy()
        code = self.code_of.get(symbol)
        if code is None:
            raise InvalidArgument(f"{symbol}: not a symbol of the data", ErrorCode.EINVAL)
        if field not in Bar._fields and field != "ts":
            raise TypeError(f"field must be one of {', '.join(Bar._fields)}, ts (got {field!r})")
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 0):
            raise TypeError(f"n must be an int >= 0 or None, not {n!r}")
        if self._hist is None:  # each symbol's rows, in time order, found once
            d = self.data
            order = np.argsort(d.codes, kind="stable")
            bounds = np.concatenate(([0], np.cumsum(np.bincount(d.codes, minlength=len(d.names)))))
            self._hist = (order, bounds)
        order, bounds = self._hist
        rows = order[bounds[code]:bounds[code + 1]]
        ts = self.data.ts[rows]
        k = int(np.searchsorted(ts, now, side="right"))
        lo = 0 if n is None else max(0, k - n)
        values = getattr(self.data, field)[rows[lo:k]] if field != "ts" else ts[lo:k]
        values.flags.writeable = False
        return values


class RunResult:
    """What :func:`run` returns: the strategy, its broker (still open: query it), and

    - ``trades``: the closed round trips (:class:`~paperlib.Trade` records, oldest first);
    - ``equity``: the broker's equity curve (:class:`~paperlib.EquityPoint` records: each new
      UTC day's first data and a last point after the end of the run);
    - ``metrics``: a :class:`~paperlib.Metrics` report (``metrics.to_series()`` for pandas);
    - ``bars``, ``timestamps``, ``rows_skipped``, ``first_ts``, ``last_ts``: input counts.

    With pandas: :meth:`trades_df`, :meth:`fills_df`, :meth:`orders_df`,
    :meth:`positions_df`, :meth:`equity_series`. The dashboard: :meth:`report_html`,
    :meth:`write_report`, :meth:`tearsheet`.
    """

    __slots__ = ("strategy", "broker", "metrics", "symbols", "bars", "timestamps",
                 "rows_skipped", "first_ts", "last_ts")

    def __init__(self, strategy: Strategy, broker: Broker, metrics: Metrics,
                 symbols: Tuple[str, ...], counts: Tuple[int, int, int, int, int]) -> None:
        self.strategy = strategy
        self.broker = broker
        self.metrics = metrics
        self.symbols = symbols
        self.bars, self.timestamps, self.rows_skipped, self.first_ts, self.last_ts = counts

    @property
    def trades(self) -> List[Trade]:
        """The closed round trips, oldest first (:meth:`Broker.trades`)."""
        return self.broker.trades()

    @property
    def equity(self) -> List[EquityPoint]:
        """The equity curve (:meth:`Broker.equity_curve`)."""
        return self.broker.equity_curve()

    def trades_df(self) -> Any:
        """The trades as a pandas DataFrame (:meth:`Broker.trades_df`)."""
        return self.broker.trades_df()

    def fills_df(self) -> Any:
        """The fills as a pandas DataFrame (:meth:`Broker.fills_df`)."""
        return self.broker.fills_df()

    def orders_df(self) -> Any:
        """The orders still open as a pandas DataFrame (:meth:`Broker.orders_df`)."""
        return self.broker.orders_df()

    def positions_df(self) -> Any:
        """The positions still open as a pandas DataFrame (:meth:`Broker.positions_df`)."""
        return self.broker.positions_df()

    def equity_series(self) -> Any:
        """The equity curve as a pandas Series (:meth:`Broker.equity_series`)."""
        return self.broker.equity_series()

    def report_html(self, **options: Any) -> str:
        """The broker's HTML dashboard (:meth:`Broker.report_html`)."""
        return self.broker.report_html(**options)

    def write_report(self, path: Any, **options: Any) -> None:
        """Write the dashboard to ``path`` (:meth:`Broker.write_report`)."""
        self.broker.write_report(path, **options)

    def tearsheet(self, benchmark: Any = None, **options: Any) -> str:
        """The quant tear sheet of the run (:func:`paperlib.tearsheet`)."""
        from .tearsheet import tearsheet

        return tearsheet(self.metrics, benchmark, **options)

    def __repr__(self) -> str:
        return (f"<paperlib.RunResult {type(self.strategy).__name__}: {self.bars} bars, "
                f"{len(self.symbols)} symbols, {self.metrics.get('total_trades'):.0f} trades, "
                f"equity {self.broker.account().equity:.2f}>")


_PathLike = Union[str, "os.PathLike[str]"]


def bar_data(data: Any, symbol: Optional[str] = None, *, adjusted: bool = False,
             columns: Optional[Mapping[str, str]] = None, skip_bad_rows: bool = False) -> Any:
    """The input of :func:`run` checked and merged in time order
    (:class:`~paperlib.barcols.BarData`), from pandas DataFrames (a frame, a ``{symbol:
    frame}`` mapping), numpy columns (a mapping with ``symbols``, ``ts``, ``open`` ...), CSV
    files or directories (one path or a list), or a ``BarData`` (returned as it is)."""
    from . import barcols

    if isinstance(data, barcols.BarData):
        return data
    if not isinstance(skip_bad_rows, bool):
        raise TypeError(f"skip_bad_rows must be a bool, not {type(skip_bad_rows).__name__}")
    if is_frames(data):
        sources = bar_sources(data, symbol, adjusted=adjusted, columns=columns)
    else:
        if symbol is not None or adjusted or columns:
            raise TypeError("symbol=, adjusted= and columns= apply to DataFrames")
        if isinstance(data, Mapping):
            sources = [barcols.from_mapping(data)]
        elif isinstance(data, (str, os.PathLike)):
            sources = barcols.read_csv(data, skip_bad_rows)
        elif isinstance(data, Sequence) and all(isinstance(p, (str, os.PathLike)) for p in data):
            sources = [c for p in data for c in barcols.read_csv(p, skip_bad_rows)]
        else:
            raise TypeError("data must be pandas DataFrames, a mapping of columns, CSV paths "
                            f"or BarData, not {type(data).__name__}")
    return barcols.merge(sources, skip_bad_rows)


def run(
    strategy: Union[Strategy, type],
    data: Any,
    config: Union[Config, Mapping[str, ConfigValue], None] = None,
    *,
    symbol: Optional[str] = None,
    adjusted: bool = False,
    columns: Optional[Mapping[str, str]] = None,
    skip_bad_rows: bool = False,
    close_at_end: bool = True,
    metrics_options: Optional[MetricsOptions] = None,
    **params: Any,
) -> RunResult:
    """Run a :class:`Strategy` over bars on a new broker and return a :class:`RunResult`.

    Args:
        strategy: a Strategy subclass (instantiated with ``params``) or an instance.
        data: pandas DataFrames (one with a symbol column, one with ``symbol=``, or a
            ``{symbol: frame}`` mapping; docs/python.md has the rules), numpy columns (a
            mapping with ``symbols``, ``ts``, ``open``, ``high``, ``low``, ``close``,
            ``volume``, ``symbol`` as :meth:`Replay.add_bar_columns` takes), or CSV files or
            directories in libpaper's bars format.
        config: the broker's config (a :class:`~paperlib.Config` or a mapping).
        symbol, adjusted, columns: how DataFrames are read (:meth:`Replay.add_frames`).
        skip_bad_rows: skip (and count) bad rows instead of refusing the input.
        close_at_end: close the open positions at their last close after the last bar
            (``ExitReason.END_OF_DATA``, as the replay does); open orders stay open.
        metrics_options: conventions of ``result.metrics``.
    Raises:
        InvalidArgument: bad input data, naming the source, row and time (nothing ran).
        Whatever the strategy's hooks raise (the broker stays as it was then).
    """
    if isinstance(strategy, type) and issubclass(strategy, Strategy):
        strat = strategy(**params)
    elif isinstance(strategy, Strategy):
        if params:
            raise TypeError("parameters go to a Strategy class; this is an instance")
        strat = strategy
    else:
        raise TypeError(f"strategy must be a paperlib.Strategy subclass or instance, not "
                        f"{type(strategy).__name__}")
    if not isinstance(close_at_end, bool):
        raise TypeError(f"close_at_end must be a bool, not {type(close_at_end).__name__}")
    bars = bar_data(data, symbol, adjusted=adjusted, columns=columns, skip_bad_rows=skip_bad_rows)
    cfg = config if isinstance(config, Config) else Config(config or {})
    broker = Broker(cfg)
    lot = float(cfg.get("session.lot_size"))
    st = _RunState(broker, bars, lot)
    strat.__dict__["_paperlib_run"] = st
    strat.broker = broker  # type: ignore[attr-defined]
    strat.symbols = st.names  # type: ignore[attr-defined]
    strat.ts = int(bars.ts[0]) if len(bars) else 0  # type: ignore[attr-defined]
    try:
        strat.on_start()
        timestamps = _loop(strat, st)
        _finish(strat, st, close_at_end)
        strat.on_stop()
    finally:
        del strat.__dict__["_paperlib_run"]
    metrics = Metrics.from_broker(broker, metrics_options)
    n = len(bars)
    counts = (n, timestamps, bars.rows_skipped, int(bars.ts[0]) if n else 0,
              int(bars.ts[-1]) if n else 0)
    return RunResult(strat, broker, metrics, st.names, counts)


def _overrides(strat: Strategy, name: str) -> bool:
    return getattr(type(strat), name) is not getattr(Strategy, name)


class _Fills:
    """Fills not yet given to on_fill: the broker's newest fills with a higher ``seq``."""

    __slots__ = ("broker", "events", "seen", "last", "item")

    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self.events = broker._events
        self.seen = self.events.last_seq
        self.last = 0
        self.item = ffi.new("paper_fill_info *")

    def deliver(self, on_fill: Any) -> None:
        if self.events.last_seq == self.seen:
            return
        self.seen = self.events.last_seq
        b = self.broker._ptr()
        item = self.item
        new = []
        i = lib.paper_broker_fill_count(b)
        while i > 0:
            i -= 1
            item.version = lib.PAPER_FILL_INFO_VERSION
            rc = lib.paper_broker_fill_at(b, i, item)
            if rc:
                self.broker._fail(rc)
            if item.seq <= self.last:
                break
            new.append(fill_from_c(item))
        if new and new[-1].seq > self.last + 1:
            raise StateError(f"{new[-1].seq - self.last - 1} fills are no longer in the "
                             "broker's history: raise engine.fill_history for on_fill",
                             ErrorCode.ESTATE)
        if new:
            self.last = new[0].seq
            for f in reversed(new):
                on_fill(f)


_CHUNK = 4096  # rows converted to Python floats at a time: small enough to stay in cache


def _loop(strat: Strategy, st: _RunState) -> int:
    """Feed every timestamp's bars to the broker, then the strategy. Returns the number of
    timestamps.

    The columns are converted to Python floats a chunk at a time (``tolist``). Per timestamp,
    one C call feeds its bars (``paperlib_on_bars``; a single bar goes straight to
    ``paper_broker_on_bar``), new fills go to ``on_fill``, then the :class:`Bars` - built
    right there, so they are freed at once when the strategy keeps none (no work for the
    garbage collector) - go to ``on_bar``. The broker handle is read from the Broker on every
    call: a broker the strategy closed fails the next call (StateError) instead of being used
    after it was freed.
    """
    from .barcols import numpy

    d = st.data
    n = len(d)
    if n == 0:
        return 0
    np = numpy()
    broker = st.broker
    names = list(d.names)
    csyms = [ffi.new("char[]", _bytes(s, "symbol", lib.PAPER_SYMBOL_MAX)) for s in names]
    sym_arr = ffi.new("const char *[]", csyms)
    cols = [ffi.from_buffer(t, a) for t, a in (
        ("uint32_t[]", d.codes), ("int64_t[]", d.ts), ("double[]", d.open),
        ("double[]", d.high), ("double[]", d.low), ("double[]", d.close), ("double[]", d.volume))]
    failed = ffi.new("size_t *")
    one, many = lib.paper_broker_on_bar, lib.paperlib_on_bars
    on_bar = strat.on_bar
    fills = _Fills(broker) if _overrides(strat, "on_fill") else None
    on_fill = strat.on_fill
    new = tuple.__new__
    ts_all = d.ts
    if len(names) == 1:
        make, s0, name = _OneBar, csyms[0], names[0]
        for a0 in range(0, n, _CHUNK):
            a1 = min(n, a0 + _CHUNK)
            T = ts_all[a0:a1].tolist()
            O, H, L, C, V = (c[a0:a1].tolist() for c in (d.open, d.high, d.low, d.close, d.volume))
            for i in range(a1 - a0):
                t, o, h, lo, c, v = T[i], O[i], H[i], L[i], C[i], V[i]
                rc = one(broker._b, s0, t, o, h, lo, c, v)
                if rc or broker._disp is not None:
                    _failed(broker, rc, name, t)
                if fills is not None:
                    fills.deliver(on_fill)
                m = make()
                m[name] = new(Bar, (o, h, lo, c, v))
                m.ts = strat.ts = t  # type: ignore[attr-defined]
                st.bars = m
                on_bar(m)
        if fills is not None:
            fills.deliver(on_fill)
        return n
    starts = np.concatenate(([0], np.flatnonzero(ts_all[1:] != ts_all[:-1]) + 1, [n]))
    groups = len(starts) - 1
    g = 0
    while g < groups:
        a0 = int(starts[g])
        g1 = max(g + 1, int(np.searchsorted(starts, a0 + _CHUNK, side="right")) - 1)
        a1 = int(starts[g1])
        O, H, L, C, V = (c[a0:a1].tolist() for c in (d.open, d.high, d.low, d.close, d.volume))
        first = starts[g:g1 + 1].tolist()
        T = ts_all[starts[g:g1]].tolist()
        N = [names[k] for k in d.codes[a0:a1].tolist()]
        for j in range(g1 - g):
            a, b = first[j], first[j + 1]
            if broker._disp is None:
                rc = many(broker._b, sym_arr, *cols, a, b, failed)
            else:  # an event callback: a bar at a time, to stop at the one whose event raised
                rc = _feed_rows(broker, csyms, d, a, b, failed)
            if rc or broker._disp is not None:
                _failed(broker, rc, names[int(d.codes[failed[0] if rc else a])], T[j])
            if fills is not None:
                fills.deliver(on_fill)
            a -= a0
            b -= a0
            m = Bars(zip(N[a:b], map(new, repeat(Bar), zip(O[a:b], H[a:b], L[a:b], C[a:b],
                                                              V[a:b]))))
            m.ts = strat.ts = T[j]  # type: ignore[attr-defined]
            st.bars = m
            on_bar(m)
        g = g1
    if fills is not None:
        fills.deliver(on_fill)
    return groups


def _feed_rows(broker: Broker, csyms: List[Any], d: Any, a: int, b: int, failed: Any) -> int:
    one = lib.paper_broker_on_bar
    for i in range(a, b):
        rc = one(broker._b, csyms[int(d.codes[i])], int(d.ts[i]), float(d.open[i]),
                 float(d.high[i]), float(d.low[i]), float(d.close[i]), float(d.volume[i]))
        if rc or (broker._disp is not None and broker._disp.error is not None):
            failed[0] = i
            return rc
    return 0


def _failed(broker: Broker, rc: int, symbol: str, ts: int) -> None:
    try:
        broker._fail(rc)
    except PaperError as e:
        if rc:
            e.add_note(f"(the bar of {symbol} at {from_ts(ts).isoformat()})")
        raise


def _finish(strat: Strategy, st: _RunState, close_at_end: bool) -> None:
    """Close what is open at its mark (END_OF_DATA) and record a last equity point."""
    broker = st.broker
    fills = _Fills(broker) if _overrides(strat, "on_fill") else None
    if fills is not None:
        fills.last = _last_fill_seq(broker)
    if close_at_end:
        for p in broker.positions():
            broker.close_position(p.symbol, ExitReason.END_OF_DATA)
    if len(st.data):
        broker.snapshot()
    if fills is not None:
        fills.seen = -1
        fills.deliver(strat.on_fill)


def _last_fill_seq(broker: Broker) -> int:
    b = broker._ptr()
    n = lib.paper_broker_fill_count(b)
    if n == 0:
        return 0
    item = ffi.new("paper_fill_info *")
    item.version = lib.PAPER_FILL_INFO_VERSION
    rc = lib.paper_broker_fill_at(b, n - 1, item)
    if rc:
        broker._fail(rc)
    return int(item.seq)
