"""libpaper's enumerations as :class:`enum.IntEnum` (and one :class:`enum.IntFlag`).

Every value is read from the C constant of the same name when the extension is built, so
they can never drift from the library. ``member.label`` is libpaper's own lower-case name
(``paper_side_str()`` and friends: ``"buy"``, ``"stop_limit"``, ``"take_profit"``).

Where paperlib takes an enumeration it accepts the member, its integer value, or a name:
the member name in any case (``"BUY"``, ``"buy"``) or the library's label (``"stop_limit"``).
Side also takes ``"long"`` / ``"short"`` (buy / sell to open), the spelling of signal files.
"""

from __future__ import annotations

import enum
from typing import Any, Callable, Dict, Optional

from ._codes import ErrorCode, InvalidArgument
from ._paperlib import ffi, lib

__all__ = [
    "Side",
    "Direction",
    "OrderType",
    "TimeInForce",
    "OrderStatus",
    "RejectReason",
    "FillReason",
    "FillFlag",
    "ExitReason",
    "ExitStyle",
    "EventType",
    "ConfigType",
    "MetricsGroup",
    "YearsBasis",
    "PnlBasis",
    "WinRateBasis",
    "Durability",
    "DecisionStatus",
    "ExportFlag",
    "Verdict",
    "AssetClass",
    "OptionRight",
    "Settlement",
    "InstrumentOrigin",
]


class _PaperEnum(enum.IntEnum):
    """Base of paperlib's enumerations: C values, C labels, lenient coercion."""

    @classmethod
    def _label_of(cls, value: int) -> Optional[str]:
        fn: Optional[Callable[[int], Any]] = _C_STR.get(cls)
        if fn is None:
            return None
        return ffi.string(fn(value)).decode()

    @property
    def label(self) -> str:
        """libpaper's lower-case name of the value (e.g. ``"take_profit"``)."""
        text = type(self)._label_of(int(self))
        return text if text is not None else self.name.lower()

    @classmethod
    def coerce(cls, value: Any, what: str = "value") -> Any:
        """``value`` as a member of this enumeration.

        Accepts a member, an int that is a member's value, or a name (member name in any
        case, or the library's label). Raises ``TypeError`` for other types (``bool``
        included) and :class:`~paperlib.InvalidArgument` for an unknown value or name.
        """
        if value.__class__ is cls:
            return value
        if isinstance(value, bool):
            raise TypeError(f"{what} must be a {cls.__name__}, an int or a name, not bool")
        if isinstance(value, int):
            member = cls._value2member_map_.get(int(value))
            if member is not None:
                return member
            raise InvalidArgument(f"{what}: {int(value)} is not a {cls.__name__}", ErrorCode.EINVAL)
        if isinstance(value, str):
            member = _names(cls).get(value.strip().lower())
            if member is not None:
                return member
            choices = ", ".join(m.label for m in cls)
            raise InvalidArgument(
                f"{what}: {value!r} is not a {cls.__name__} (one of: {choices})", ErrorCode.EINVAL
            )
        raise TypeError(
            f"{what} must be a {cls.__name__}, an int or a name, not {type(value).__name__}"
        )

    @classmethod
    def coerce_known(cls, value: int) -> Any:
        """A value read from the library: the member, or the plain int when this version of
        paperlib does not know it (the library only ever appends values)."""
        return cls._value2member_map_.get(value, value)

    def __str__(self) -> str:
        return self.label


_NAME_CACHE: Dict[type, Dict[str, Any]] = {}
_C_STR: Dict[type, Callable[[int], Any]] = {}
_ALIASES: Dict[type, Dict[str, str]] = {}


def _names(cls: type) -> Dict[str, Any]:
    table = _NAME_CACHE.get(cls)
    if table is None:
        table = {}
        for m in cls:  # type: ignore[attr-defined]
            table[m.name.lower()] = m
            table[m.label] = m
        for alias, target in _ALIASES.get(cls, {}).items():
            table[alias] = table[target]
        _NAME_CACHE[cls] = table
    return table


class Side(_PaperEnum):
    """Side of an order: buy or sell (``paper_side``)."""

    BUY = lib.PAPER_SIDE_BUY
    SELL = lib.PAPER_SIDE_SELL


class Direction(_PaperEnum):
    """Direction of a position or a round-trip trade (``paper_direction``)."""

    LONG = lib.PAPER_LONG
    SHORT = lib.PAPER_SHORT


class OrderType(_PaperEnum):
    """Order type (``paper_order_type``)."""

    MARKET = lib.PAPER_ORDER_MARKET
    LIMIT = lib.PAPER_ORDER_LIMIT
    STOP = lib.PAPER_ORDER_STOP
    STOP_LIMIT = lib.PAPER_ORDER_STOP_LIMIT


class TimeInForce(_PaperEnum):
    """Time in force (``paper_tif``): GTC, DAY, IOC, FOK."""

    GTC = lib.PAPER_TIF_GTC
    DAY = lib.PAPER_TIF_DAY
    IOC = lib.PAPER_TIF_IOC
    FOK = lib.PAPER_TIF_FOK


class OrderStatus(_PaperEnum):
    """Status of an order (``paper_order_status``)."""

    ACCEPTED = lib.PAPER_STATUS_ACCEPTED
    PARTIALLY_FILLED = lib.PAPER_STATUS_PARTIALLY_FILLED
    FILLED = lib.PAPER_STATUS_FILLED
    CANCELLED = lib.PAPER_STATUS_CANCELLED
    EXPIRED = lib.PAPER_STATUS_EXPIRED
    REJECTED = lib.PAPER_STATUS_REJECTED


class RejectReason(_PaperEnum):
    """Why the broker rejected, cancelled or expired an order (``paper_reject_reason``)."""

    NONE = lib.PAPER_REJECT_NONE
    INSUFFICIENT_FUNDS = lib.PAPER_REJECT_INSUFFICIENT_FUNDS
    SHORT_NOT_ALLOWED = lib.PAPER_REJECT_SHORT_NOT_ALLOWED
    NO_MARKET_DATA = lib.PAPER_REJECT_NO_MARKET_DATA
    SYMBOL_NOT_ALLOWED = lib.PAPER_REJECT_SYMBOL_NOT_ALLOWED
    MAX_OPEN_POSITIONS = lib.PAPER_REJECT_MAX_OPEN_POSITIONS
    MAX_ORDER_QTY = lib.PAPER_REJECT_MAX_ORDER_QTY
    MAX_ORDER_NOTIONAL = lib.PAPER_REJECT_MAX_ORDER_NOTIONAL
    MAX_POSITION_FRACTION = lib.PAPER_REJECT_MAX_POSITION_FRACTION
    MIN_CONFIDENCE = lib.PAPER_REJECT_MIN_CONFIDENCE
    DAILY_LOSS_HALT = lib.PAPER_REJECT_DAILY_LOSS_HALT
    KILL_SWITCH = lib.PAPER_REJECT_KILL_SWITCH
    FOK_UNFILLABLE = lib.PAPER_REJECT_FOK_UNFILLABLE
    IOC_REMAINDER = lib.PAPER_REJECT_IOC_REMAINDER
    USER_CANCEL = lib.PAPER_REJECT_USER_CANCEL
    OCO_SIBLING = lib.PAPER_REJECT_OCO_SIBLING
    OUT_OF_RANGE = lib.PAPER_REJECT_OUT_OF_RANGE
    EXPIRED = lib.PAPER_REJECT_EXPIRED
    TICK_SIZE = lib.PAPER_REJECT_TICK_SIZE
    LOT_SIZE = lib.PAPER_REJECT_LOT_SIZE


class FillReason(_PaperEnum):
    """How a fill's price was decided (``paper_fill_reason``)."""

    MARKET_QUOTE = lib.PAPER_FILL_MARKET_QUOTE
    MARKET_OPEN = lib.PAPER_FILL_MARKET_OPEN
    LIMIT_TOUCHED = lib.PAPER_FILL_LIMIT_TOUCHED
    LIMIT_GAP = lib.PAPER_FILL_LIMIT_GAP
    STOP_TRIGGERED = lib.PAPER_FILL_STOP_TRIGGERED
    STOP_GAP = lib.PAPER_FILL_STOP_GAP
    LIMIT_QUOTE = lib.PAPER_FILL_LIMIT_QUOTE
    STOP_QUOTE = lib.PAPER_FILL_STOP_QUOTE
    AT_MARK = lib.PAPER_FILL_AT_MARK
    EXPIRY = lib.PAPER_FILL_EXPIRY


class ExitReason(_PaperEnum):
    """Why a round-trip trade was closed (``paper_exit_reason``)."""

    NONE = lib.PAPER_EXIT_NONE
    TAKE_PROFIT = lib.PAPER_EXIT_TAKE_PROFIT
    STOP_LOSS = lib.PAPER_EXIT_STOP_LOSS
    TRAILING_STOP = lib.PAPER_EXIT_TRAILING_STOP
    TIME_LIMIT = lib.PAPER_EXIT_TIME_LIMIT
    REVERSE_SIGNAL = lib.PAPER_EXIT_REVERSE_SIGNAL
    MANUAL = lib.PAPER_EXIT_MANUAL
    END_OF_DATA = lib.PAPER_EXIT_END_OF_DATA
    FORCE = lib.PAPER_EXIT_FORCE
    EXPIRY = lib.PAPER_EXIT_EXPIRY


class ExitStyle(_PaperEnum):
    """Which slippage an exit at a reached price pays (``paper_exit_style``)."""

    MARKET = lib.PAPER_EXIT_STYLE_MARKET
    LIMIT = lib.PAPER_EXIT_STYLE_LIMIT
    STOP = lib.PAPER_EXIT_STYLE_STOP


class EventType(_PaperEnum):
    """Kind of broker event (``paper_event_type``)."""

    ORDER_ACCEPTED = lib.PAPER_EVENT_ORDER_ACCEPTED
    ORDER_REJECTED = lib.PAPER_EVENT_ORDER_REJECTED
    ORDER_CANCELLED = lib.PAPER_EVENT_ORDER_CANCELLED
    ORDER_EXPIRED = lib.PAPER_EVENT_ORDER_EXPIRED
    ORDER_REPLACED = lib.PAPER_EVENT_ORDER_REPLACED
    FILL = lib.PAPER_EVENT_FILL
    TRADE_CLOSED = lib.PAPER_EVENT_TRADE_CLOSED
    SNAPSHOT = lib.PAPER_EVENT_SNAPSHOT
    HALT = lib.PAPER_EVENT_HALT
    ORDER_TRIGGERED = lib.PAPER_EVENT_ORDER_TRIGGERED
    ACCOUNT_RESTORED = lib.PAPER_EVENT_ACCOUNT_RESTORED
    POSITION_RESTORED = lib.PAPER_EVENT_POSITION_RESTORED


class ConfigType(_PaperEnum):
    """Type of a configuration key's value (``paper_config_type``)."""

    BOOL = lib.PAPER_CONFIG_BOOL
    INT = lib.PAPER_CONFIG_INT
    DOUBLE = lib.PAPER_CONFIG_DOUBLE
    STRING = lib.PAPER_CONFIG_STRING


class MetricsGroup(_PaperEnum):
    """Breakdown of the trade statistics of a report (``paper_metrics_group``)."""

    BY_SYMBOL = lib.PAPER_METRICS_BY_SYMBOL
    BY_STRATEGY = lib.PAPER_METRICS_BY_STRATEGY


class YearsBasis(_PaperEnum):
    """How the years of a series are counted (``paper_years_basis``)."""

    PERIODS = lib.PAPER_YEARS_PERIODS
    CALENDAR = lib.PAPER_YEARS_CALENDAR


class PnlBasis(_PaperEnum):
    """Which P&L of a trade the trade statistics use (``paper_pnl_basis``)."""

    NET = lib.PAPER_PNL_NET
    GROSS = lib.PAPER_PNL_GROSS


class WinRateBasis(_PaperEnum):
    """What the win rate divides by (``paper_win_rate_basis``)."""

    ALL_TRADES = lib.PAPER_WIN_RATE_ALL_TRADES
    DECIDED = lib.PAPER_WIN_RATE_DECIDED


class Durability(_PaperEnum):
    """What a crash may take from a ledger (``paper_durability``)."""

    DURABLE = lib.PAPER_DURABLE
    BATCHED = lib.PAPER_BATCHED


class DecisionStatus(_PaperEnum):
    """Status of a decision in a ledger's inbox (``paper_decision_status``)."""

    PENDING = lib.PAPER_DECISION_PENDING
    EXECUTED = lib.PAPER_DECISION_EXECUTED
    SKIPPED = lib.PAPER_DECISION_SKIPPED
    REJECTED = lib.PAPER_DECISION_REJECTED


class ExportFlag(enum.IntFlag):
    """Files :meth:`paperlib.Ledger.export` writes (``PAPER_EXPORT_*``)."""

    ORDERS = lib.PAPER_EXPORT_ORDERS
    FILLS = lib.PAPER_EXPORT_FILLS
    POSITIONS = lib.PAPER_EXPORT_POSITIONS
    PNL = lib.PAPER_EXPORT_PNL
    STATE = lib.PAPER_EXPORT_STATE
    TRADES = lib.PAPER_EXPORT_TRADES
    ALL = lib.PAPER_EXPORT_ALL


class Verdict(_PaperEnum):
    """What a session made of a signal or an intent (``paper_verdict``)."""

    TRADE = lib.PAPER_VERDICT_TRADE
    DISABLED = lib.PAPER_VERDICT_DISABLED
    LOW_CONFIDENCE = lib.PAPER_VERDICT_LOW_CONFIDENCE
    SYMBOL_NOT_ALLOWED = lib.PAPER_VERDICT_SYMBOL_NOT_ALLOWED
    POSITION_OPEN = lib.PAPER_VERDICT_POSITION_OPEN
    DUPLICATE_SIGNAL = lib.PAPER_VERDICT_DUPLICATE_SIGNAL
    REVERSE_EXIT = lib.PAPER_VERDICT_REVERSE_EXIT
    REVERSE_IGNORED = lib.PAPER_VERDICT_REVERSE_IGNORED
    SIZE_ZERO = lib.PAPER_VERDICT_SIZE_ZERO
    REJECTED = lib.PAPER_VERDICT_REJECTED


class FillFlag(enum.IntFlag):
    """Flags of a fill (``PAPER_FILL_FLAG_*``)."""

    NONE = 0
    PARTIAL_VOLUME = lib.PAPER_FILL_FLAG_PARTIAL_VOLUME
    AMBIGUOUS = lib.PAPER_FILL_FLAG_AMBIGUOUS
    OWN_PRICE = lib.PAPER_FILL_FLAG_OWN_PRICE


class AssetClass(_PaperEnum):
    """The kind of contract of an instrument (``paper_asset_class``)."""

    EQUITY = lib.PAPER_ASSET_EQUITY
    CRYPTO = lib.PAPER_ASSET_CRYPTO
    FUTURE = lib.PAPER_ASSET_FUTURE
    OPTION = lib.PAPER_ASSET_OPTION


class OptionRight(_PaperEnum):
    """An option's right (``paper_option_right``); ``NONE`` for anything but an option.
    Also spelled ``"C"`` / ``"P"`` as in OCC symbols."""

    NONE = lib.PAPER_RIGHT_NONE
    CALL = lib.PAPER_RIGHT_CALL
    PUT = lib.PAPER_RIGHT_PUT


class Settlement(_PaperEnum):
    """How positions open at an instrument's expiry are settled (``paper_settlement``)."""

    CASH = lib.PAPER_SETTLEMENT_CASH


class InstrumentOrigin(_PaperEnum):
    """Where a symbol's contract came from (``paper_instrument_origin``)."""

    DEFAULT = lib.PAPER_INSTRUMENT_DEFAULT
    DEFINED = lib.PAPER_INSTRUMENT_DEFINED
    OCC = lib.PAPER_INSTRUMENT_OCC


# libpaper's *_str() function of each enumeration that has one.
_C_STR.update({
    Side: lib.paper_side_str,
    Direction: lib.paper_direction_str,
    OrderType: lib.paper_order_type_str,
    TimeInForce: lib.paper_tif_str,
    OrderStatus: lib.paper_order_status_str,
    RejectReason: lib.paper_reject_reason_str,
    FillReason: lib.paper_fill_reason_str,
    ExitReason: lib.paper_exit_reason_str,
    EventType: lib.paper_event_type_str,
    Verdict: lib.paper_verdict_str,
    AssetClass: lib.paper_asset_class_str,
    OptionRight: lib.paper_option_right_str,
    Settlement: lib.paper_settlement_str,
})
_ALIASES[Side] = {"long": "buy", "short": "sell"}
_ALIASES[Direction] = {"buy": "long", "sell": "short"}
_ALIASES[OptionRight] = {"c": "call", "p": "put"}
