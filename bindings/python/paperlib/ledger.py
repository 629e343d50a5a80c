"""The durable ledger: :class:`Ledger`, a ``paper_ledger`` handle.

A ledger stores the event log of one or more paper accounts in an SQLite file (a path) or a
PostgreSQL database (a ``postgresql://`` URI or a libpq keyword string). A broker
opened from it (:meth:`Ledger.open_broker`) writes every event before it changes its state;
opening the account again replays the log and rebuilds cash, positions, open orders, trades
and snapshots exactly. One account is driven by at most one broker at a time, across
processes (:class:`~paperlib.LedgerError` EBUSY otherwise).

Ownership: a broker opened or loaded from a ledger keeps the :class:`Ledger` object alive;
:meth:`Ledger.close` first closes the brokers still open from it.
"""

from __future__ import annotations

import dataclasses
import os
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import Any, List, Mapping, Optional, Union

from ._args import INT64_MAX, INT64_MIN, UINT32_MAX, UINT64_MAX, integer
from ._paperlib import ffi, lib
from .broker import Broker, EventCallback, _bytes, _number
from .config import Config, ConfigValue, violations_of
from .enums import DecisionStatus, Durability, ExportFlag, Side
from .errors import ErrorCode, InvalidArgument, StateError, check, error_for
from .timeutil import Timestamp, from_ts, to_ts

__all__ = ["Ledger", "Decision", "DecisionRecord", "DecisionCounts"]

_PathLike = Union[str, "os.PathLike[str]"]
_PATH_MAX = 1 << 16
_PENDING_MAX = 1 << 20


def _path(p: Any, what: str = "path") -> bytes:
    if not isinstance(p, (str, bytes, os.PathLike)):
        raise TypeError(f"{what} must be a path, not {type(p).__name__}")
    return _bytes(os.fsdecode(os.fspath(p)), what, _PATH_MAX)


def _name(account: Any) -> bytes:
    return _bytes(account, "account", 255)


@dataclass(frozen=True)
class Decision:
    """A row of a ledger's decisions inbox (``paper_decision``)."""

    id: int
    created_ts: int
    symbol: str
    #: BUY: go long; SELL: go short
    side: Side
    confidence: float
    #: absolute price, or None
    take_profit: Optional[float]
    #: absolute price, or None
    stop_loss: Optional[float]
    reasoning: str
    status: DecisionStatus
    #: the entry order, when executed (0 otherwise)
    order_id: int
    #: in [0, 1]: fraction sizing scales by 1 - 0.5 x risk
    risk: float = 0.0
    #: the price the decision was made at (sizing, slippage), or None; never a fill price
    current_price: Optional[float] = None

    @property
    def created_time(self) -> datetime:
        """``created_ts`` as an aware UTC datetime."""
        return from_ts(self.created_ts)


@dataclass(frozen=True)
class DecisionRecord(Decision):
    """A decision with what became of it (``paper_decision_record``, :meth:`Ledger.decisions`)."""

    #: when it was marked (the ledger's wall clock), None while pending
    processed_ts: Optional[int] = None
    #: why it was marked so: the verdict, the broker's refusal, the order ("" when none given)
    outcome: str = ""
    #: False: a row some program wrote that no reader can take (a bad symbol, side, ...); a
    #: pending one is given as REJECTED with the reason as its outcome
    readable: bool = True

    @property
    def processed_time(self) -> Optional[datetime]:
        """``processed_ts`` as an aware UTC datetime, None while pending."""
        return None if self.processed_ts is None else from_ts(self.processed_ts)


@dataclass(frozen=True)
class DecisionCounts:
    """How many of an account's decisions have each status (``paper_decision_counts``)."""

    pending: int
    executed: int
    skipped: int
    rejected: int


class _DecisionWalk:
    # What the C walk reaches through its payload: the rows so far, or the first exception.
    __slots__ = ("rows", "error")

    def __init__(self) -> None:
        self.rows: List[DecisionRecord] = []
        self.error: Optional[BaseException] = None


@ffi.def_extern()
def _paperlib_decision(r: Any, payload: Any) -> int:
    walk = ffi.from_handle(payload)
    try:
        d = _decision_from_c(r.decision)
        outcome = "" if r.outcome == ffi.NULL else ffi.string(r.outcome).decode("utf-8", "replace")
        walk.rows.append(DecisionRecord(
            *(getattr(d, f.name) for f in dataclasses.fields(Decision)),
            processed_ts=r.processed_ts or None, outcome=outcome, readable=bool(r.readable)))
    except BaseException as e:  # noqa: B036 - stops the walk; re-raised by Ledger.decisions
        walk.error = e
        return 1
    return 0


def _decision_from_c(d: Any) -> Decision:
    return Decision(
        d.id,
        d.created_ts,
        ffi.string(d.symbol).decode("utf-8", "surrogateescape"),
        Side.coerce_known(d.side),
        d.confidence,
        d.take_profit or None,
        d.stop_loss or None,
        ffi.string(d.reasoning).decode("utf-8", "replace"),
        DecisionStatus.coerce_known(d.status),
        d.order_id,
        d.risk,
        d.current_price or None,
    )


class Ledger:
    """A durable ledger of paper accounts (``paper_ledger``): an SQLite file path, or a
    PostgreSQL ``postgresql://`` URI or libpq keyword string when libpaper has PostgreSQL.

    ``Ledger(location, *, durability=None, batch_events=None, batch_ms=None,
    busy_timeout_ms=None, create=None, read_only=None)``: options left None take libpaper's
    defaults (durable, create the file if missing, read-write, refuse an account in use).

    Raises:
        LedgerError: cannot open or create (EIO), not a paper ledger (ECORRUPT: the file is
            never modified), written by a newer libpaper (EVERSION).
        UnsupportedError: a backend this build lacks.
    """

    __slots__ = ("_own", "_l", "_brokers", "__weakref__")

    def __init__(
        self,
        location: _PathLike,
        *,
        durability: Union[Durability, int, str, None] = None,
        batch_events: Optional[int] = None,
        batch_ms: Optional[int] = None,
        busy_timeout_ms: Optional[int] = None,
        create: Optional[bool] = None,
        read_only: Optional[bool] = None,
    ) -> None:
        self._own = None
        self._l = ffi.NULL
        self._brokers: "weakref.WeakSet[Broker]" = weakref.WeakSet()
        o = ffi.new("paper_ledger_options *")
        lib.paperlib_ledger_options_default(o)
        if durability is not None:
            o.durability = Durability.coerce(durability, "durability")
        for name, value in (("batch_events", batch_events), ("batch_ms", batch_ms),
                            ("busy_timeout_ms", busy_timeout_ms)):
            if value is None:
                continue
            setattr(o, name, integer(value, name, 0, UINT32_MAX))
        for name, flag in (("create", create), ("read_only", read_only)):
            if flag is None:
                continue
            if not isinstance(flag, bool):
                raise TypeError(f"{name} must be a bool, not {type(flag).__name__}")
            setattr(o, name, flag)
        out = ffi.new("paper_ledger **")
        check(lib.paper_ledger_open(out, _path(location, "location"), o))
        self._own = ffi.gc(out[0], lib.paper_ledger_close)
        self._l = self._own

    @classmethod
    def open(cls, location: _PathLike, **options: Any) -> "Ledger":
        """Open (or create) a ledger: the same as ``Ledger(location, **options)``."""
        return cls(location, **options)

    # ---- life cycle ----

    def _ptr(self) -> Any:
        if self._own is None:
            raise StateError("the ledger is closed", ErrorCode.ESTATE)
        return self._l

    def close(self) -> None:
        """Close the brokers still open from this ledger, then flush and close it.
        Idempotent."""
        own = self._own
        if own is None:
            return
        for b in list(self._brokers):
            b.close()
        self._own = None
        self._l = ffi.NULL
        ffi.release(own)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._own is None

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def flush(self) -> None:
        """Commit everything written so far (with ``Durability.BATCHED``)."""
        check(lib.paper_ledger_flush(self._ptr()))

    # ---- accounts ----

    def create_account(
        self, config: Union[Config, Mapping[str, ConfigValue], None] = None, **settings: ConfigValue
    ) -> str:
        """Create an account named by the config's ``account.name``, recording the config it
        runs with; return the name.

        Raises:
            StateError: the account exists (ESTATE).
            ConfigError / SafetyError: the config does not validate (with every violation).
        """
        if config is None or isinstance(config, Mapping):
            cfg = Config(config or {}, **settings)
        elif isinstance(config, Config):
            cfg = config.copy() if settings else config
            if settings:
                cfg.update(settings)
        else:
            raise TypeError(f"config must be a paperlib.Config or a mapping, not {type(config).__name__}")
        rc = lib.paper_ledger_create_account(self._ptr(), cfg._ptr())
        if rc in (lib.PAPER_ECONFIG, lib.PAPER_ESAFETY):
            probe = cfg.copy()
            vrc = lib.paper_config_validate(probe._ptr())
            if vrc not in (lib.PAPER_OK, lib.PAPER_ECONFIG, lib.PAPER_ESAFETY):
                check(vrc)
            err = error_for(rc)
            raise type(err)(err.message, rc, violations=violations_of(probe._ptr()))
        check(rc)
        return str(cfg.get("account.name"))

    def accounts(self) -> List[str]:
        """The names of the ledger's accounts."""
        l = self._ptr()
        names = []
        buf = ffi.new("char[]", 256)
        for i in range(lib.paper_ledger_account_count(l)):
            check(lib.paper_ledger_account_name(l, i, buf, 256))
            names.append(ffi.string(buf).decode("utf-8", "surrogateescape"))
        return names

    def account_config(self, account: str) -> Config:
        """A copy of the config an account runs with.

        Raises:
            NotFound: no such account.
        """
        out = ffi.new("paper_config **")
        check(lib.paper_ledger_account_config(self._ptr(), _name(account), out))
        cfg = Config.__new__(Config)
        cfg._own = ffi.gc(out[0], lib.paper_config_free)
        cfg._c = cfg._own
        return cfg

    def open_broker(self, account: str, *, on_event: Optional[EventCallback] = None) -> Broker:
        """Take an account and rebuild its broker from the log; from then on every event of
        the broker is written to the ledger before it is applied. Closing the broker releases
        the account. The broker keeps this ledger alive.

        Raises:
            NotFound: no such account.
            LedgerError: another broker drives it (EBUSY), the log breaks an invariant
                (ECORRUPT), input/output (EIO).
        """
        out = ffi.new("paper_broker **")
        check(lib.paper_ledger_open_broker(self._ptr(), _name(account), out))
        b = Broker._from_raw(out[0], self, on_event)
        self._brokers.add(b)
        return b

    def load_broker(self, account: str) -> Broker:
        """Rebuild an account's broker from the log without taking the account (for status,
        reports, exports): what this broker does is not written anywhere."""
        out = ffi.new("paper_broker **")
        check(lib.paper_ledger_load_broker(self._ptr(), _name(account), out))
        b = Broker._from_raw(out[0], self, None)
        self._brokers.add(b)
        return b

    # ---- files ----

    def export(
        self, account: str, directory: _PathLike, what: Union[ExportFlag, int] = ExportFlag.ALL
    ) -> None:
        """Write an account's records into ``directory`` (created if missing): orders.csv,
        fills.csv, positions.csv, pnl_ledger.csv, state.json, trades.csv, as ``what`` selects.
        """
        if isinstance(what, bool) or not isinstance(what, int):
            raise TypeError(f"what must be an ExportFlag, not {type(what).__name__}")
        if not 0 < int(what) <= int(ExportFlag.ALL):
            raise InvalidArgument(f"what: {int(what):#x} selects no known file", ErrorCode.EINVAL)
        check(lib.paper_ledger_export(self._ptr(), _name(account), _path(directory, "directory"), int(what)))

    def import_state(self, state_json: _PathLike, new_account: Optional[str] = None) -> None:
        """Start a new account from a state.json written by :meth:`export`: its config, cash,
        realized P&L, fees and open positions; named ``new_account`` (None: the file's name).

        Raises:
            InvalidArgument: a malformed file (EFORMAT); nothing is created.
            StateError: the account exists (ESTATE).
        """
        name = ffi.NULL if new_account is None else _name(new_account)
        check(lib.paper_ledger_import(self._ptr(), _path(state_json, "state_json"), name))

    # ---- the decisions inbox ----

    def add_decision(
        self,
        account: str,
        symbol: str,
        side: Union[Side, int, str],
        confidence: float,
        *,
        take_profit: Optional[float] = None,
        stop_loss: Optional[float] = None,
        reasoning: str = "",
        created: Optional[Timestamp] = None,
        risk: float = 0.0,
        current_price: Optional[float] = None,
    ) -> int:
        """Add a pending decision for an account (any program may also INSERT one in SQL);
        return its id. ``side``: BUY goes long, SELL goes short. ``reasoning`` is truncated
        to fit (255 bytes). ``risk`` in [0, 1] scales fraction sizing by 1 - 0.5 x risk;
        ``current_price`` is the price the decision was made at: ``paper run`` sizes the entry
        at it and measures slippage from it, but the entry fills on the next price seen."""
        d = ffi.new("paper_decision *")
        d.version = lib.PAPER_DECISION_VERSION
        sym = _bytes(symbol, "symbol", lib.PAPER_SYMBOL_MAX)
        ffi.memmove(d.symbol, sym, len(sym))
        d.side = Side.coerce(side, "side")
        d.confidence = _number(confidence, "confidence", ErrorCode.EINVAL)
        d.take_profit = 0.0 if take_profit is None else _number(take_profit, "take_profit", ErrorCode.EPRICE)
        d.stop_loss = 0.0 if stop_loss is None else _number(stop_loss, "stop_loss", ErrorCode.EPRICE)
        d.risk = _number(risk, "risk", ErrorCode.EINVAL)
        d.current_price = (0.0 if current_price is None
                           else _number(current_price, "current_price", ErrorCode.EPRICE))
        if not isinstance(reasoning, str):
            raise TypeError(f"reasoning must be a str, not {type(reasoning).__name__}")
        cap = ffi.sizeof(d.reasoning) - 1
        # Truncated to fit, never in the middle of a UTF-8 sequence.
        text = reasoning.encode("utf-8")[:cap].decode("utf-8", "ignore").encode("utf-8")
        if b"\0" in text:
            raise InvalidArgument("reasoning holds a NUL character", ErrorCode.EINVAL)
        ffi.memmove(d.reasoning, text, len(text))
        d.created_ts = 0 if created is None else to_ts(created, "created")
        out = ffi.new("int64_t *")
        check(lib.paper_ledger_decision_add(self._ptr(), _name(account), d, out))
        return int(out[0])

    def pending_decisions(self, account: str, limit: int = 100) -> List[Decision]:
        """The oldest pending decisions of an account, at most ``limit`` (1 .. 1,048,576: the
        result is held in memory at once)."""
        limit = integer(limit, "limit", 1, _PENDING_MAX)
        arr = ffi.new("paper_decision[]", limit)
        for i in range(limit):
            arr[i].version = lib.PAPER_DECISION_VERSION
        n = ffi.new("size_t *")
        check(lib.paper_ledger_decisions_pending(self._ptr(), _name(account), arr, limit, n))
        return [_decision_from_c(arr[i]) for i in range(n[0])]

    def pending_decisions_df(self, account: str, limit: int = 100) -> Any:
        """:meth:`pending_decisions` as a pandas DataFrame indexed by decision id
        (``created_time`` as ``datetime64[ns, UTC]``, side and status as labels)."""
        from .frames import records_frame

        return records_frame(Decision, self.pending_decisions(account, limit), index="id")

    def mark_decision(
        self,
        decision_id: int,
        status: Union[DecisionStatus, int, str],
        order_id: int = 0,
        outcome: Optional[str] = None,
    ) -> None:
        """Mark a decision processed (never deleted), with the entry order's id when
        executed and, optionally, its ``outcome``: why it was skipped or rejected, or what
        executing it did (kept cut to 255 bytes; what :meth:`decisions` and the dashboard's
        refusal reasons show).

        Raises:
            NotFound: no such decision.
            StateError: already processed.
        """
        decision_id = integer(decision_id, "decision_id", INT64_MIN, INT64_MAX)
        order_id = integer(order_id, "order_id", 0, UINT64_MAX)
        st = DecisionStatus.coerce(status, "status")
        if outcome is None:
            check(lib.paper_ledger_decision_mark(self._ptr(), decision_id, st, order_id))
            return
        if not isinstance(outcome, str):
            raise TypeError(f"outcome must be a str, not {type(outcome).__name__}")
        text = outcome.encode("utf-8", "surrogateescape")
        if b"\0" in text:
            raise InvalidArgument("outcome holds a NUL character", ErrorCode.EINVAL)
        check(lib.paper_ledger_decision_mark_outcome(self._ptr(), decision_id, st, order_id, text))

    def decision_counts(self, account: str) -> DecisionCounts:
        """How many of the account's decisions are pending, executed, skipped and rejected.

        Raises:
            NotFound: no such account.
        """
        c = ffi.new("paper_decision_counts *")
        c.version = lib.PAPER_DECISION_COUNTS_VERSION
        check(lib.paper_ledger_decision_counts(self._ptr(), _name(account), c))
        return DecisionCounts(c.pending, c.executed, c.skipped, c.rejected)

    def decisions(
        self,
        account: str,
        *,
        since: Optional[Timestamp] = None,
        until: Optional[Timestamp] = None,
        status: Union[DecisionStatus, int, str, None] = None,
    ) -> List[DecisionRecord]:
        """Every decision of the account's inbox with what became of it, in the order they
        were added (``paper_ledger_each_decision``): created at or after ``since`` and before
        ``until`` (None: no bound), of one ``status`` (None: all). What ``paper drift``
        replays and the readiness gate counts refusals from.

        Raises:
            NotFound: no such account.
            InvalidArgument: ``until`` before ``since``, a bad status.
        """
        f = ffi.new("paper_decision_filter *")
        f.version = lib.PAPER_DECISION_FILTER_VERSION
        setattr(f, "from", 0 if since is None else to_ts(since, "since"))
        f.to = 0 if until is None else to_ts(until, "until")
        f.status = -1 if status is None else DecisionStatus.coerce(status, "status")
        walk = _DecisionWalk()
        handle = ffi.new_handle(walk)
        rc = lib.paper_ledger_each_decision(self._ptr(), _name(account), f,
                                            lib._paperlib_decision, handle)
        if walk.error is not None:
            raise walk.error
        check(rc)
        return walk.rows

    def decisions_df(
        self,
        account: str,
        *,
        since: Optional[Timestamp] = None,
        until: Optional[Timestamp] = None,
        status: Union[DecisionStatus, int, str, None] = None,
    ) -> Any:
        """:meth:`decisions` as a pandas DataFrame indexed by decision id (``created_time``
        and ``processed_time`` as ``datetime64[ns, UTC]``, NaT while pending; side and status
        as labels)."""
        from .frames import records_frame

        return records_frame(DecisionRecord,
                             self.decisions(account, since=since, until=until, status=status),
                             index="id")

    def __repr__(self) -> str:
        return "<paperlib.Ledger closed>" if self._own is None else f"<paperlib.Ledger at 0x{id(self):x}>"
