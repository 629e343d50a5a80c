"""The readiness gate and the recommendations (``paper_readiness_*``, libpaper 1.1).

``broker.readiness()`` evaluates whether an account has earned trust: each criterion with its
measured value, its threshold and its verdict (trades, win rate, Sharpe ratio, drawdown,
errors, calendar, trading and error-free days, the probabilistic Sharpe ratio and the minimum
track record length), with a small-sample warning on a ratio from too few trades or days; and
the recommendations the account's own numbers trigger (docs/metrics.md, "The readiness gate").
The thresholds are the ``readiness.*`` config keys: the broker's own, or ``thresholds``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from ._args import UINT64_MAX, integer
from ._paperlib import ffi, lib
from .config import Config, ConfigValue
from .errors import check
from .timeutil import Timestamp, to_ts


def _text(p: Any) -> str:
    return "" if p == ffi.NULL else ffi.string(p).decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class Criterion:
    """One criterion (``paper_readiness_criterion``)."""

    id: str
    label: str
    op: str               #: ">=" or "<=": ``value op threshold`` passes
    value: float          #: NaN when it does not exist yet
    threshold: float
    passed: bool
    small_sample: bool    #: a ratio from fewer trades or days than readiness.small_sample
    sample: int
    sample_unit: str      #: "trades", "days" or ""
    note: str


@dataclass(frozen=True)
class Recommendation:
    """A rule the account's numbers trigger (``paper_recommendation``)."""

    id: str
    text: str
    value: float
    threshold: float


@dataclass(frozen=True)
class Readiness:
    """The gate: :attr:`ready` when every criterion passes."""

    ready: bool
    criteria: List[Criterion]
    recommendations: List[Recommendation]
    json: str

    def criterion(self, id: str) -> Criterion:
        """The criterion named ``id``; KeyError when there is none."""
        for c in self.criteria:
            if c.id == id:
                return c
        raise KeyError(id)

    def as_dict(self) -> Dict[str, Any]:
        """``paper_readiness_to_json()``, parsed."""
        return json.loads(self.json)


Thresholds = Union[Config, Mapping[str, ConfigValue], None]


def gate_options(
    thresholds: Thresholds = None,
    rejected_decisions: int = 0,
    last_rejected_decision_ts: Optional[Timestamp] = None,
    drift: Any = None,
) -> Tuple[Any, List[Any]]:
    """A ``paper_readiness_options`` and the objects it borrows (keep them alive).

    ``thresholds``: a :class:`Config` or a mapping of settings (``{"readiness.min_trades":
    10}``, over the defaults); None: the broker's own config. ``drift``: a
    :class:`~paperlib.Drift` to show and to check slippage against."""
    o = ffi.new("paper_readiness_options *")
    o.version = lib.PAPER_READINESS_OPTIONS_VERSION
    keep: List[Any] = []
    if thresholds is not None:
        cfg = thresholds if isinstance(thresholds, Config) else Config(thresholds)
        keep.append(cfg)
        o.thresholds = cfg._ptr()
    o.rejected_decisions = integer(rejected_decisions, "rejected_decisions", 0, UINT64_MAX)
    if last_rejected_decision_ts is not None:
        o.last_rejected_decision_ts = to_ts(last_rejected_decision_ts)
    if drift is not None:
        handle = getattr(drift, "_d", None)
        if handle is None:
            raise TypeError(f"drift must be a paperlib.Drift, not {type(drift).__name__}")
        keep.append(drift)
        o.drift = handle
    return o, keep


def evaluate(broker_ptr: Any, report_options: Any, options: Any) -> Readiness:
    """``paper_readiness_evaluate()`` on a ``paper_broker *`` (Broker.readiness() calls it)."""
    out = ffi.new("paper_readiness **")
    check(lib.paper_readiness_evaluate(out, broker_ptr, report_options, options))
    r = ffi.gc(out[0], lib.paper_readiness_free)
    criteria, recs = [], []
    c = ffi.new("paper_readiness_criterion *")
    for i in range(lib.paper_readiness_criterion_count(r)):
        c.version = lib.PAPER_READINESS_CRITERION_VERSION
        check(lib.paper_readiness_criterion_at(r, i, c))
        criteria.append(Criterion(_text(c.id), _text(c.label), _text(c.op), c.value, c.threshold,
                                  bool(getattr(c, "pass")),  # a keyword in Python
                                  bool(c.small_sample), int(c.sample), _text(c.sample_unit),
                                  _text(c.note)))
    x = ffi.new("paper_recommendation *")
    for i in range(lib.paper_readiness_recommendation_count(r)):
        x.version = lib.PAPER_RECOMMENDATION_VERSION
        check(lib.paper_readiness_recommendation_at(r, i, x))
        recs.append(Recommendation(_text(x.id), _text(x.text), x.value, x.threshold))
    text = ffi.new("char **")
    check(lib.paper_readiness_to_json(r, text))
    try:
        js = ffi.string(text[0]).decode("utf-8")
    finally:
        lib.paper_string_free(text[0])
    return Readiness(bool(lib.paper_readiness_ready(r)), criteria, recs, js)
