"""Instruments: how a symbol's price becomes money (``<paper/instrument.h>``).

Every symbol has a contract: an asset class, a multiplier (price x quantity x multiplier is
money: 100 for a US equity option, 50 for an E-mini S&P future), a tick size, a lot size and a
minimum quantity, and for futures and options an expiry. Where it comes from, first match
wins: :meth:`Broker.define_instrument <paperlib.Broker.define_instrument>` (or an
``[instrument.SYMBOL]`` section of the config), then the OCC option symbol itself
(``SPY240621C00500000``: SPY's call of 2024-06-21 at 500, multiplier 100), else the default -
an equity with multiplier 1, no tick grid, no expiry, as every symbol behaved before.

:class:`Instrument` is the frozen record a query returns; :func:`parse_occ` reads an OCC
symbol without a broker. docs/instruments.md is the guide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal
from typing import Any, Dict, Optional, Union

from ._args import number as _number
from ._paperlib import ffi, lib
from .enums import AssetClass, InstrumentOrigin, OptionRight, Settlement
from .errors import ErrorCode, InvalidArgument, check
from .timeutil import Timestamp, from_ts, to_ts

__all__ = ["Instrument", "PnlGroup", "parse_occ", "expiry_of_date"]

_SYMBOL_MAX = lib.PAPER_SYMBOL_MAX


@dataclass(frozen=True)
class Instrument:
    """A symbol's contract as the broker applies it (``paper_instrument_spec``), every field
    resolved to the value in force.

    Attributes:
        symbol: the symbol asked about.
        asset_class: :class:`~paperlib.AssetClass`.
        multiplier: price x quantity x multiplier is money (100 for an option).
        tick_size: the price grid; None when there is none.
        lot_size: quantities are whole multiples of it.
        min_qty: the smallest order quantity.
        expiry: when trading stops, ``paper_ts`` microseconds (UTC); None when it never does.
        underlying: an option's (or a future's) underlying; None when there is none.
        right: ``OptionRight.CALL`` / ``PUT`` for an option, None otherwise.
        strike: an option's strike, None otherwise.
        settlement: how positions open at expiry are settled.
        initial_margin: money reserved per future contract while a position is open.
        origin: :class:`~paperlib.InstrumentOrigin`: defined, read from the OCC symbol, or
            the default.
    """

    symbol: str
    asset_class: AssetClass
    multiplier: float
    tick_size: Optional[float]
    lot_size: float
    min_qty: float
    expiry: Optional[int]
    underlying: Optional[str]
    right: Optional[OptionRight]
    strike: Optional[float]
    settlement: Settlement
    initial_margin: float
    origin: InstrumentOrigin

    @property
    def expiry_time(self) -> Optional[datetime]:
        """:attr:`expiry` as an aware UTC ``datetime``, or None."""
        return None if self.expiry is None else from_ts(self.expiry)

    @property
    def is_option(self) -> bool:
        """Whether it is an option (``asset_class`` is ``AssetClass.OPTION``)."""
        return self.asset_class is AssetClass.OPTION

    def intrinsic(self, underlying_price: float) -> float:
        """An option's intrinsic value per unit at that underlying price (0 out of the
        money), the price it settles at; raises ``ValueError`` for anything but an option."""
        if self.right is None or self.strike is None:
            raise ValueError(f"{self.symbol} is not an option")
        if self.right is OptionRight.CALL:
            return max(0.0, underlying_price - self.strike)
        return max(0.0, self.strike - underlying_price)


def _text(chars: Any) -> str:
    return ffi.string(chars).decode("utf-8", "surrogateescape")


def _compact(symbol: str) -> str:
    # The padded 21-character OCC form names the same contract as the compact one, which is
    # how the broker reports it (positions, orders, fills).
    if len(symbol) == 21 and " " in symbol[:6] and " " not in symbol[6:]:
        return symbol[:6].rstrip() + symbol[6:]
    return symbol


def from_spec(symbol: str, s: Any) -> Instrument:
    """The record of a resolved ``paper_instrument_spec``."""
    right = OptionRight.coerce_known(s.right)
    underlying = _text(s.underlying)
    if s.asset_class == lib.PAPER_ASSET_OPTION:
        symbol = _compact(symbol)
    return Instrument(
        symbol=symbol,
        asset_class=AssetClass.coerce_known(s.asset_class),
        multiplier=s.multiplier,
        tick_size=s.tick_size or None,
        lot_size=s.lot_size,
        min_qty=s.min_qty,
        expiry=s.expiry or None,
        underlying=underlying or None,
        right=None if right is OptionRight.NONE else right,
        strike=s.strike or None,
        settlement=Settlement.coerce_known(s.settlement),
        initial_margin=s.initial_margin,
        origin=InstrumentOrigin.coerce_known(s.origin),
    )


def new_spec() -> Any:
    """A ``paper_instrument_spec`` as PAPER_INSTRUMENT_SPEC_INIT sets it."""
    s = ffi.new("paper_instrument_spec *")
    s.version = lib.PAPER_INSTRUMENT_SPEC_VERSION
    s.asset_class = lib.PAPER_ASSET_EQUITY
    s.right = lib.PAPER_RIGHT_NONE
    s.settlement = lib.PAPER_SETTLEMENT_CASH
    return s


def expiry_of_date(day: date) -> int:
    """The expiry instant of a listed US option expiring on ``day``: 16:00 America/New_York
    (the rule libpaper applies to OCC symbols), as ``paper_ts`` microseconds UTC."""
    from zoneinfo import ZoneInfo

    local = datetime.combine(day, time(16, 0), tzinfo=ZoneInfo("America/New_York"))
    return to_ts(local.astimezone(timezone.utc), "expiry")


_EPOCH_SECONDS = re.compile(r"[0-9]{1,12}(\.[0-9]{1,6})?")
_UTC_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z")


def _expiry_text(value: str) -> Union[date, datetime, int]:
    # Exactly the config's spellings (instrument.X.expiry), so a contract defined here can be
    # written in a config file the same way: YYYY-MM-DD (the OCC close that day), an ISO-8601
    # UTC time with its Z, or epoch seconds (to the microsecond, exactly: a paper_ts).
    text = value.strip()
    if _EPOCH_SECONDS.fullmatch(text):
        return int(Decimal(text) * 1_000_000)
    try:
        if len(text) == 10 and text[4:5] == "-":
            return date.fromisoformat(text)
        if _UTC_TIME.fullmatch(text):
            return datetime.fromisoformat(text[:-1] + "+00:00")
    except ValueError:
        pass
    raise InvalidArgument(
        f"expiry: {value!r} is not YYYY-MM-DD, an ISO-8601 UTC time "
        "(2026-12-18T14:30:00Z) or epoch seconds, as in a config",
        ErrorCode.EINVAL,
    )


def _expiry(value: Union[Timestamp, date, str, None]) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        value = _expiry_text(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return expiry_of_date(value)
    ts = to_ts(value, "expiry")
    if ts == 0:
        raise InvalidArgument("expiry: 0 is not an instant (give None for no expiry)", ErrorCode.ETIME)
    return ts


def _positive_or_default(value: Optional[float], what: str) -> float:
    # The C spec reads 0 as "the class's default"; None is paperlib's spelling of it, and an
    # explicit 0 is refused so that it cannot mean "default" by accident.
    if value is None:
        return 0.0
    v = _number(value, what)
    if v <= 0:
        raise InvalidArgument(f"{what} must be > 0 (or None for the default), got {v!r}", ErrorCode.EINVAL)
    return v


def fill_spec(
    s: Any,
    *,
    asset_class: Any,
    multiplier: Optional[float],
    tick_size: Optional[float],
    lot_size: Optional[float],
    min_qty: Optional[float],
    expiry: Union[Timestamp, date, str, None],
    underlying: Optional[str],
    right: Any,
    strike: Optional[float],
    settlement: Any,
    initial_margin: Optional[float],
) -> None:
    """Set a spec's fields from define_instrument()'s arguments (types checked here, ranges
    by the library)."""
    s.asset_class = AssetClass.coerce(asset_class, "asset_class")
    s.multiplier = _positive_or_default(multiplier, "multiplier")
    s.tick_size = _positive_or_default(tick_size, "tick_size")
    s.lot_size = _positive_or_default(lot_size, "lot_size")
    s.min_qty = _positive_or_default(min_qty, "min_qty")
    s.expiry = _expiry(expiry)
    if underlying is not None:
        if not isinstance(underlying, str):
            raise TypeError(f"underlying must be a str, not {type(underlying).__name__}")
        data = underlying.encode("utf-8", "surrogateescape")
        if b"\0" in data or len(data) > _SYMBOL_MAX:
            raise InvalidArgument(f"underlying: {underlying!r} is not a valid symbol", ErrorCode.EINVAL)
        s.underlying = data
    s.right = lib.PAPER_RIGHT_NONE if right is None else OptionRight.coerce(right, "right")
    s.strike = 0.0 if strike is None else _number(strike, "strike")
    s.settlement = lib.PAPER_SETTLEMENT_CASH if settlement is None else Settlement.coerce(settlement, "settlement")
    s.initial_margin = 0.0 if initial_margin is None else _number(initial_margin, "initial_margin")


def parse_occ(symbol: str) -> Instrument:
    """Read an OCC option symbol (``paper_occ_parse``): ``"SPY240621C00500000"`` or the
    padded ``"SPY   240621C00500000"`` give underlying SPY, expiry 16:00 New York on
    2024-06-21, a call, strike 500.0, multiplier 100.

    Raises:
        NotFound: not an OCC-looking symbol at all (``"SPY"``, ``"BTC-USD"``).
        InvalidArgument: an OCC-looking symbol that is malformed (EFORMAT; the message says
            what: a date that does not exist, lower case, a bad strike, ...).
    """
    if not isinstance(symbol, str):
        raise TypeError(f"symbol must be a str, not {type(symbol).__name__}")
    data = symbol.encode("utf-8", "surrogateescape")
    if b"\0" in data:
        raise InvalidArgument(f"symbol: {symbol!r} holds a NUL character", ErrorCode.EINVAL)
    s = new_spec()
    check(lib.paper_occ_parse(data, s))
    return from_spec(symbol, s)


@dataclass(frozen=True)
class PnlGroup:
    """The P&L of one asset class or one underlying (:meth:`Broker.pnl_by
    <paperlib.Broker.pnl_by>`), as the dashboard's "P&L by" tables show it.

    Attributes:
        name: the asset class's label (``"option"``) or the underlying (``"SPY"``).
        trades: closed round trips.
        wins: closed round trips with a net P&L above 0.
        realized: the closed trades' net P&L (after their fees).
        unrealized: the open positions' unrealized P&L.
    """

    name: str
    trades: int
    wins: int
    realized: float
    unrealized: float

    @property
    def total(self) -> float:
        """``realized + unrealized``."""
        return self.realized + self.unrealized


def group_name(ins: Instrument, by: str) -> str:
    """The group of an instrument: its asset class's label, or its underlying (itself when
    it has none)."""
    if by == "asset_class":
        return ins.asset_class.label
    return ins.underlying or ins.symbol


def pnl_by(broker: Any, by: str) -> Dict[str, PnlGroup]:
    """Sum the broker's closed trades and open positions by asset class or underlying."""
    if by not in ("asset_class", "underlying"):
        raise InvalidArgument(f"by: {by!r} is not 'asset_class' or 'underlying'", ErrorCode.EINVAL)
    kinds: Dict[str, str] = {}
    sums: Dict[str, list] = {}

    def add(symbol: str, realized: float, unrealized: float, trade: bool, win: bool) -> None:
        name = kinds.get(symbol)
        if name is None:
            name = kinds[symbol] = group_name(broker.instrument(symbol), by)
        acc = sums.setdefault(name, [0, 0, 0.0, 0.0])
        acc[0] += trade
        acc[1] += win
        acc[2] += realized
        acc[3] += unrealized

    for t in broker.trades():
        add(t.symbol, t.pnl_net, 0.0, True, t.pnl_net > 0)
    for p in broker.positions():
        # What the open round trip realized so far (partial closes), less its fees: the groups
        # then add up to the account's P&L.
        add(p.symbol, (p.realized_pnl_e8 - p.fees_e8) / 1e8, p.unrealized_pnl, False, False)
    return {k: PnlGroup(k, *sums[k]) for k in sorted(sums)}
