"""Records libpaper returns, as frozen dataclasses.

Each is a copy of the C info struct of the same name (``paper_order_info`` -> :class:`Order`,
...): nothing points into the broker. Times are ``int`` microseconds since the epoch, UTC
(``ts``, ``entry_ts``, ...), each with a ``datetime`` property next to it (``time``,
``entry_time``, ...). Money and quantities are floats; the exact fixed-point values the ledger
keeps are there too, as ``*_e8`` ints (1.0 == 100000000). A confidence the order did not
carry is ``None``. Enumerations are paperlib's IntEnums (a value newer than this paperlib
stays a plain int).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Optional, Union

from ._args import INT64_MAX, INT64_MIN, UINT64_MAX, integer, number
from ._paperlib import ffi, lib
from .enums import (
    ConfigType,
    Direction,
    EventType,
    ExitReason,
    FillFlag,
    FillReason,
    OrderStatus,
    OrderType,
    RejectReason,
    Side,
    TimeInForce,
)
from .errors import ErrorCode, _code
from .timeutil import from_ts

__all__ = [
    "Order",
    "Fill",
    "Position",
    "Trade",
    "Account",
    "EquityPoint",
    "Event",
    "ConfigViolation",
    "ConfigKey",
    "ReportPoint",
]

_string = ffi.string


def _text(chars: Any) -> str:
    return _string(chars).decode("utf-8", "surrogateescape")


def _confidence(value: float) -> Optional[float]:
    return None if value < 0 else value


def _member(cls: Any) -> Any:
    table = cls._value2member_map_

    def get(value: int) -> Any:
        return table.get(value, value)

    return get


_side = _member(Side)
_direction = _member(Direction)
_order_type = _member(OrderType)
_tif = _member(TimeInForce)
_status = _member(OrderStatus)
_reject = _member(RejectReason)
_fill_reason = _member(FillReason)
_exit_reason = _member(ExitReason)
_event_type = _member(EventType)


@dataclass(frozen=True)
class Order:
    """An order as the broker holds it (``paper_order_info``)."""

    id: int
    symbol: str
    side: Side
    type: OrderType
    tif: TimeInForce
    status: OrderStatus
    #: why it was rejected, cancelled or expired (``RejectReason.NONE`` otherwise)
    reason: RejectReason
    qty: float
    filled_qty: float
    #: 0.0 until the first fill
    avg_fill_price: float
    limit_price: float
    stop_price: float
    fees: float
    submitted_ts: int
    updated_ts: int
    client_id: str
    strategy: str
    signal_id: str
    confidence: Optional[float]
    exit_reason: ExitReason
    oco_group: int

    @property
    def submitted_time(self) -> datetime:
        """``submitted_ts`` as an aware UTC datetime."""
        return from_ts(self.submitted_ts)

    @property
    def updated_time(self) -> datetime:
        """``updated_ts`` as an aware UTC datetime."""
        return from_ts(self.updated_ts)

    @property
    def is_open(self) -> bool:
        """Whether the order can still fill (accepted or partially filled)."""
        return self.status in (OrderStatus.ACCEPTED, OrderStatus.PARTIALLY_FILLED)

    @property
    def remaining_qty(self) -> float:
        """Quantity not filled yet."""
        return self.qty - self.filled_qty


def order_from_c(o: Any) -> Order:
    """An :class:`Order` from a ``paper_order_info``."""
    return Order(
        o.id,
        _text(o.symbol),
        _side(o.side),
        _order_type(o.type),
        _tif(o.tif),
        _status(o.status),
        _reject(o.reason),
        o.qty,
        o.filled_qty,
        o.avg_fill_price,
        o.limit_price,
        o.stop_price,
        o.fees,
        o.submitted_ts,
        o.updated_ts,
        _text(o.client_id),
        _text(o.strategy),
        _text(o.signal_id),
        _confidence(o.confidence),
        _exit_reason(o.exit_reason),
        o.oco_group,
    )


@dataclass(frozen=True)
class Fill:
    """One execution (``paper_fill_info``)."""

    #: 1, 2, 3 ... per broker
    seq: int
    order_id: int
    symbol: str
    side: Side
    ts: int
    qty: float
    #: after slippage
    price: float
    fee: float
    #: |price - reference price| per unit
    slippage: float
    reason: FillReason
    flags: FillFlag
    qty_e8: int
    price_e8: int
    fee_e8: int
    #: for ``FillFlag.AMBIGUOUS`` fills, the price the opposite intrabar rule would have given
    alt_price: float

    @property
    def time(self) -> datetime:
        """``ts`` as an aware UTC datetime."""
        return from_ts(self.ts)

    @property
    def notional(self) -> float:
        """qty * price, per unit of the instrument's multiplier: the money is this times
        ``Broker.instrument(symbol).multiplier`` (100 for an option)."""
        return self.qty * self.price


def fill_from_c(f: Any) -> Fill:
    """A :class:`Fill` from a ``paper_fill_info``."""
    return Fill(
        f.seq,
        f.order_id,
        _text(f.symbol),
        _side(f.side),
        f.ts,
        f.qty,
        f.price,
        f.fee,
        f.slippage,
        _fill_reason(f.reason),
        FillFlag(f.flags),
        f.qty_e8,
        f.price_e8,
        f.fee_e8,
        f.alt_price,
    )


@dataclass(frozen=True)
class Position:
    """A net position in one symbol (``paper_position_info``); ``qty`` < 0 for a short."""

    symbol: str
    direction: Direction
    #: signed
    qty: float
    #: per unit, as prices are quoted
    avg_price: float
    #: money: |qty| * avg_price * the instrument's multiplier
    cost_basis: float
    #: last mark
    market_price: float
    #: signed money: qty * market_price * the instrument's multiplier
    market_value: float
    unrealized_pnl: float
    #: realized so far in the round trip still open
    realized_pnl: float
    opened_ts: int
    marked_ts: int
    qty_e8: int
    cost_basis_e8: int
    #: commissions paid in the round trip still open
    fees: float = 0.0
    realized_pnl_e8: int = 0
    fees_e8: int = 0

    @property
    def opened_time(self) -> datetime:
        """``opened_ts`` as an aware UTC datetime."""
        return from_ts(self.opened_ts)

    @property
    def marked_time(self) -> datetime:
        """``marked_ts`` as an aware UTC datetime."""
        return from_ts(self.marked_ts)


def position_from_c(p: Any) -> Position:
    """A :class:`Position` from a ``paper_position_info``."""
    return Position(
        _text(p.symbol),
        _direction(p.direction),
        p.qty,
        p.avg_price,
        p.cost_basis,
        p.market_price,
        p.market_value,
        p.unrealized_pnl,
        p.realized_pnl,
        p.opened_ts,
        p.marked_ts,
        p.qty_e8,
        p.cost_basis_e8,
        p.fees,
        p.realized_pnl_e8,
        p.fees_e8,
    )


@dataclass(frozen=True)
class Trade:
    """A closed round trip (``paper_trade_info``)."""

    id: int
    symbol: str
    direction: Direction
    entry_ts: int
    exit_ts: int
    #: total quantity entered
    qty: float
    entry_price: float
    exit_price: float
    pnl_gross: float
    #: entry and exit fees
    fees: float
    #: pnl_gross - fees
    pnl_net: float
    exit_reason: ExitReason
    #: of the opening order
    strategy: str
    signal_id: str
    confidence: Optional[float]
    pnl_gross_e8: int
    fees_e8: int

    @property
    def entry_time(self) -> datetime:
        """``entry_ts`` as an aware UTC datetime."""
        return from_ts(self.entry_ts)

    @property
    def exit_time(self) -> datetime:
        """``exit_ts`` as an aware UTC datetime."""
        return from_ts(self.exit_ts)

    @property
    def duration(self) -> timedelta:
        """exit time - entry time."""
        return timedelta(microseconds=self.exit_ts - self.entry_ts)


def trade_from_c(t: Any) -> Trade:
    """A :class:`Trade` from a ``paper_trade_info``."""
    return Trade(
        t.id,
        _text(t.symbol),
        _direction(t.direction),
        t.entry_ts,
        t.exit_ts,
        t.qty,
        t.entry_price,
        t.exit_price,
        t.pnl_gross,
        t.fees,
        t.pnl_net,
        _exit_reason(t.exit_reason),
        _text(t.strategy),
        _text(t.signal_id),
        _confidence(t.confidence),
        t.pnl_gross_e8,
        t.fees_e8,
    )


def _put_text(field: Any, text: str, cap: int, what: str) -> None:
    data = text.encode("utf-8", "surrogateescape")
    if len(data) > cap or b"\0" in data:
        from .errors import ErrorCode, InvalidArgument

        raise InvalidArgument(
            f"{what}: {text!r} is longer than {cap} bytes or holds a NUL", ErrorCode.EINVAL
        )
    ffi.memmove(field, data, len(data))


def trade_to_c(t: Trade, out: Any) -> None:
    """Copy a :class:`Trade` into a ``paper_trade_info`` (for a report from arrays)."""
    if not isinstance(t, Trade):
        raise TypeError(f"trades must be paperlib.Trade records, not {type(t).__name__}")
    out.version = lib.PAPER_TRADE_INFO_VERSION
    out.id = integer(t.id, "trade id", 0, UINT64_MAX)
    _put_text(out.symbol, t.symbol, lib.PAPER_SYMBOL_MAX, "trade symbol")
    out.direction = t.direction
    out.entry_ts = integer(t.entry_ts, "trade entry_ts", INT64_MIN, INT64_MAX, ErrorCode.ETIME)
    out.exit_ts = integer(t.exit_ts, "trade exit_ts", INT64_MIN, INT64_MAX, ErrorCode.ETIME)
    out.qty = number(t.qty, "trade qty", ErrorCode.EQTY)
    out.entry_price = number(t.entry_price, "trade entry_price", ErrorCode.EPRICE)
    out.exit_price = number(t.exit_price, "trade exit_price", ErrorCode.EPRICE)
    out.pnl_gross = number(t.pnl_gross, "trade pnl_gross")
    out.fees = number(t.fees, "trade fees")
    out.pnl_net = number(t.pnl_net, "trade pnl_net")
    out.exit_reason = t.exit_reason
    _put_text(out.strategy, t.strategy, lib.PAPER_TAG_MAX, "trade strategy")
    _put_text(out.signal_id, t.signal_id, lib.PAPER_ID_MAX, "trade signal_id")
    out.confidence = -1.0 if t.confidence is None else number(t.confidence, "trade confidence")
    out.pnl_gross_e8 = integer(t.pnl_gross_e8, "trade pnl_gross_e8", INT64_MIN, INT64_MAX)
    out.fees_e8 = integer(t.fees_e8, "trade fees_e8", INT64_MIN, INT64_MAX)


@dataclass(frozen=True)
class Account:
    """The account at the broker's clock (``paper_account_info``)."""

    #: broker clock: the newest market data time seen
    ts: int
    starting_cash: float
    cash: float
    #: cash + long market value - short market value
    equity: float
    long_value: float
    #: a positive number
    short_value: float
    #: gross of fees
    realized_pnl: float
    unrealized_pnl: float
    fees: float
    buying_power: float
    day_start_equity: float
    open_orders: int
    open_positions: int
    #: since the account opened
    fills: int
    closed_trades: int
    rejections: int
    #: new entries refused (kill switch or daily loss limit)
    halted: bool
    starting_cash_e8: int
    cash_e8: int
    realized_pnl_e8: int
    fees_e8: int

    @property
    def time(self) -> datetime:
        """``ts`` as an aware UTC datetime."""
        return from_ts(self.ts)

    @property
    def reconciles(self) -> bool:
        """Exactly ``starting cash + realized P&L - fees == cash`` in the ledger's fixed
        point (the identity libpaper guarantees whenever the account is flat)."""
        return self.starting_cash_e8 + self.realized_pnl_e8 - self.fees_e8 == self.cash_e8


def account_from_c(a: Any) -> Account:
    """An :class:`Account` from a ``paper_account_info``."""
    return Account(
        a.ts,
        a.starting_cash,
        a.cash,
        a.equity,
        a.long_value,
        a.short_value,
        a.realized_pnl,
        a.unrealized_pnl,
        a.fees,
        a.buying_power,
        a.day_start_equity,
        a.open_orders,
        a.open_positions,
        a.fills,
        a.closed_trades,
        a.rejections,
        bool(a.halted),
        a.starting_cash_e8,
        a.cash_e8,
        a.realized_pnl_e8,
        a.fees_e8,
    )


@dataclass(frozen=True)
class EquityPoint:
    """A point of the broker's equity curve: the account at a SNAPSHOT event
    (``paper_equity_info``)."""

    ts: int
    equity: float
    cash: float
    equity_e8: int
    cash_e8: int

    @property
    def time(self) -> datetime:
        """``ts`` as an aware UTC datetime."""
        return from_ts(self.ts)


def equity_from_c(e: Any) -> EquityPoint:
    """An :class:`EquityPoint` from a ``paper_equity_info``."""
    return EquityPoint(e.ts, e.equity, e.cash, e.equity_e8, e.cash_e8)


@dataclass(frozen=True)
class ReportPoint:
    """A point of a metrics report's (resampled) equity curve (``paper_equity_point``)."""

    ts: int
    equity: float
    #: NaN when the report's source had no cash
    cash: float
    #: (equity - running peak) / running peak, <= 0
    drawdown: float

    @property
    def time(self) -> datetime:
        """``ts`` as an aware UTC datetime."""
        return from_ts(self.ts)


def report_point_from_c(p: Any) -> ReportPoint:
    """A :class:`ReportPoint` from a ``paper_equity_point``."""
    return ReportPoint(p.ts, p.equity, p.cash, p.drawdown)


@dataclass(frozen=True)
class Event:
    """A broker event, as the event callback receives it (a copy of ``paper_event``).

    ``reason`` is typed by the event: :class:`RejectReason` for ORDER_REJECTED, _CANCELLED
    and _EXPIRED, :class:`FillReason` for FILL, :class:`ExitReason` for TRADE_CLOSED, and an
    int otherwise (HALT: 1 halted, 0 resumed). Fields that do not apply are 0 / ``None``.
    """

    type: EventType
    #: 1, 2, 3 ... per broker
    seq: int
    ts: int
    #: orders and fills; the trade id for TRADE_CLOSED
    order_id: int
    symbol: Optional[str]
    side: Optional[Side]
    qty: float
    price: float
    fee: float
    reason: Union[RejectReason, FillReason, ExitReason, int]
    #: SNAPSHOT: the equity; TRADE_CLOSED: the net P&L
    equity: float

    @property
    def time(self) -> datetime:
        """``ts`` as an aware UTC datetime."""
        return from_ts(self.ts)


_REASON_BY_EVENT = {
    lib.PAPER_EVENT_ORDER_REJECTED: _reject,
    lib.PAPER_EVENT_ORDER_CANCELLED: _reject,
    lib.PAPER_EVENT_ORDER_EXPIRED: _reject,
    lib.PAPER_EVENT_FILL: _fill_reason,
    lib.PAPER_EVENT_TRADE_CLOSED: _exit_reason,
}


def event_from_c(e: Any) -> Event:
    """An :class:`Event` from a borrowed ``paper_event`` (copied: it is valid only during the
    callback)."""
    kind = e.type
    reason_of = _REASON_BY_EVENT.get(kind)
    symbol = e.symbol
    return Event(
        _event_type(kind),
        e.seq,
        e.ts,
        e.order_id,
        None if symbol == ffi.NULL else _text(symbol),
        _side(e.side) if e.side else None,
        e.qty,
        e.price,
        e.fee,
        reason_of(e.reason) if reason_of is not None else e.reason,
        e.equity,
    )


@dataclass(frozen=True)
class ConfigViolation:
    """One problem of a configuration (``paper_config_violation``)."""

    #: ``ErrorCode.ECONFIG`` or ``ErrorCode.ESAFETY``
    code: ErrorCode
    #: ``"group.key"`` as written (it may be unknown)
    key: str
    #: the offending value as text
    value: str
    #: why it is refused
    reason: str

    def __str__(self) -> str:
        return f"{self.key} = {self.value!r}: {self.reason}"


def violation_from_c(v: Any) -> ConfigViolation:
    """A :class:`ConfigViolation` from a ``paper_config_violation``."""

    def s(p: Any) -> str:
        return "" if p == ffi.NULL else _text(p)

    return ConfigViolation(_code(v.code), s(v.key), s(v.value), s(v.reason))


@dataclass(frozen=True)
class ConfigKey:
    """Description of one configuration key (``paper_config_key_info``)."""

    #: ``"group.key"``
    name: str
    type: ConfigType
    #: the default in text form
    default: str
    #: numeric keys: smallest valid value
    min: float
    #: numeric keys: largest valid value
    max: float
    #: one line
    doc: str


def config_key_from_c(k: Any) -> ConfigKey:
    """A :class:`ConfigKey` from a ``paper_config_key_info``."""

    def s(p: Any) -> str:
        return "" if p == ffi.NULL else _text(p)

    return ConfigKey(s(k.name), ConfigType.coerce_known(k.type), s(k.default_value), k.min, k.max, s(k.doc))
