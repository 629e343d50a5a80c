"""paperlib: Python bindings of libpaper, the paper-trading engine.

A thin CFFI layer over libpaper's public C API (``<paper/paper.h>``): every rule - fills,
slippage, fees, accounting, risk limits, metrics - is the C library's; paperlib converts
arguments and results and turns status codes into exceptions.

    >>> import paperlib
    >>> with paperlib.Broker(account__starting_cash=50_000) as broker:
    ...     broker.on_bar("AAPL", 1_700_000_000_000_000, 189.0, 190.5, 188.2, 190.1, 1e6)
    ...     order_id = broker.submit("AAPL", paperlib.Side.BUY, 10)
    ...     broker.on_bar("AAPL", 1_700_003_600_000_000, 190.2, 191.0, 189.9, 190.8, 1e6)
    ...     broker.position("AAPL").qty
    10.0

Modules: :mod:`paperlib.broker` (:class:`Broker`), :mod:`paperlib.config` (:class:`Config`),
:mod:`paperlib.metrics` (empyrical-named functions, :class:`~paperlib.metrics.Metrics`),
:mod:`paperlib.ledger` (:class:`Ledger`, the durable SQLite ledger),
:mod:`paperlib.session` (:class:`Session`: signals in, entries and managed exits out),
:mod:`paperlib.replay` (:class:`Replay`, :func:`replay`: history through a session),
:mod:`paperlib.tearsheet` (:func:`tearsheet`: the quant tear sheet as HTML),
:mod:`paperlib.strategy` (:class:`Strategy`, :func:`run`: a backtrader-style strategy class),
:mod:`paperlib.frames` (pandas DataFrames in and out; pandas is optional),
:mod:`paperlib.barcols` (bars as checked numpy columns),
:mod:`paperlib.results` (the frozen result records), :mod:`paperlib.instrument`
(:class:`Instrument`: contracts, multipliers, OCC symbols), :mod:`paperlib.feed` (:class:`Feed`,
live market data), :mod:`paperlib.enums`,
:mod:`paperlib.errors`, :mod:`paperlib.timeutil`. docs/python.md is the guide.
"""

from ._paperlib import ffi as _ffi
from ._paperlib import lib as _lib
from . import metrics
from .broker import Broker, EventCallback
from .config import Config, ConfigValue
from .enums import (
    AssetClass,
    ConfigType,
    DecisionStatus,
    Direction,
    Durability,
    EventType,
    ExitReason,
    ExitStyle,
    ExportFlag,
    FillFlag,
    FillReason,
    InstrumentOrigin,
    MetricsGroup,
    OptionRight,
    OrderStatus,
    OrderType,
    PnlBasis,
    RejectReason,
    Settlement,
    Side,
    TimeInForce,
    Verdict,
    WinRateBasis,
    YearsBasis,
)
from .errors import (
    ConfigError,
    ErrorCode,
    InvalidArgument,
    LedgerError,
    NotFound,
    OrderRejected,
    PaperError,
    PaperMemoryError,
    SafetyError,
    StateError,
    UnsupportedError,
    check,
)
from .drift import Drift, DriftRow, DriftSummary, drift
from .feed import Feed, FeedHealth, FeedMessage, FeedMessageType, FeedState, check_source
from .instrument import Instrument, PnlGroup, expiry_of_date, parse_occ
from .ledger import Decision, DecisionCounts, DecisionRecord, Ledger
from .metrics import Metrics, MetricsOptions, SeriesAccumulator
from .readiness import Criterion, Readiness, Recommendation
from .replay import DayInfo, Replay, ReplayStats, replay
from .sweep import SweepCancelled, sweep
from .overfitting import PBOResult
from .walkforward import WalkForwardResult, walk_forward_optimise, walk_forward_optimize
from .session import EntryResult, Intent, Session, SessionPosition, SessionStats, Signal, read_plan
from .results import (
    Account,
    ConfigKey,
    ConfigViolation,
    EquityPoint,
    Event,
    Fill,
    Order,
    Position,
    ReportPoint,
    Trade,
)
from .strategy import Bar, Bars, RunResult, Strategy, run
from .tearsheet import tearsheet
from .timeutil import TS_PER_SECOND, Timestamp, from_ts, to_ts

#: The version of the libpaper library loaded at run time (``paper_version()``).
__version__: str = _ffi.string(_lib.paper_version()).decode()
#: The run-time version as a number, major * 1000000 + minor * 1000 + patch.
LIBRARY_VERSION_NUMBER: int = _lib.paper_version_number()
#: The version of the headers the extension was built against (``PAPER_VERSION_NUMBER``).
HEADER_VERSION_NUMBER: int = _lib.PAPER_VERSION_NUMBER

__all__ = [
    "AssetClass",
    "Instrument",
    "InstrumentOrigin",
    "PnlGroup",
    "OptionRight",
    "Settlement",
    "expiry_of_date",
    "parse_occ",
    "Bar",
    "Bars",
    "RunResult",
    "Strategy",
    "run",
    "DayInfo",
    "EntryResult",
    "Intent",
    "Replay",
    "ReplayStats",
    "Session",
    "SessionPosition",
    "SessionStats",
    "Signal",
    "Verdict",
    "read_plan",
    "replay",
    "tearsheet",
    "sweep",
    "SweepCancelled",
    "PBOResult",
    "WalkForwardResult",
    "walk_forward_optimise",
    "walk_forward_optimize",
    "Account",
    "Broker",
    "Config",
    "ConfigError",
    "ConfigKey",
    "ConfigType",
    "ConfigValue",
    "ConfigViolation",
    "Criterion",
    "Decision",
    "DecisionCounts",
    "DecisionRecord",
    "DecisionStatus",
    "Drift",
    "DriftRow",
    "DriftSummary",
    "Direction",
    "Durability",
    "EquityPoint",
    "ErrorCode",
    "Event",
    "EventCallback",
    "EventType",
    "ExitReason",
    "ExitStyle",
    "ExportFlag",
    "Feed",
    "FeedHealth",
    "FeedMessage",
    "FeedMessageType",
    "FeedState",
    "Fill",
    "FillFlag",
    "FillReason",
    "HEADER_VERSION_NUMBER",
    "InvalidArgument",
    "LIBRARY_VERSION_NUMBER",
    "Ledger",
    "LedgerError",
    "Metrics",
    "MetricsGroup",
    "MetricsOptions",
    "NotFound",
    "Order",
    "OrderRejected",
    "OrderStatus",
    "OrderType",
    "PaperError",
    "PaperMemoryError",
    "PnlBasis",
    "Position",
    "Readiness",
    "Recommendation",
    "RejectReason",
    "ReportPoint",
    "SafetyError",
    "SeriesAccumulator",
    "Side",
    "StateError",
    "TS_PER_SECOND",
    "TimeInForce",
    "Timestamp",
    "Trade",
    "UnsupportedError",
    "WinRateBasis",
    "YearsBasis",
    "check",
    "check_source",
    "drift",
    "from_ts",
    "metrics",
    "to_ts",
]
