"""Parameter grids: every combination of a few config values, checked before anything runs.

A grid maps config keys to the values to try, ``{"session.tp_pct": [1, 2, 3],
"session__sl_pct": [0.5, 1]}`` (``group__key`` as in :class:`~paperlib.Config` keywords).
:class:`Grid` expands it in a fixed order - the first key slowest, the last fastest, as
:func:`itertools.product` - over a base config, and asks libpaper about every value and every
combination: a value the library refuses raises one :class:`~paperlib.ConfigError` naming the
key, the value and the reason (and the parameter set, for rules that span keys) before any
replay is scheduled.

The command line spells grids as text: ``tp=1:3:0.5`` (from 1 to 3 by 0.5, ends included) or
``sl=0.5,1,1.5``; :func:`parse_grid_spec` reads that, with the short names of
:data:`SHORT_NAMES`. Ranges are stepped in decimal, so ``1:1.3:0.1`` is 1.0, 1.1, 1.2, 1.3
and never 1.2000000000000002.
"""

from __future__ import annotations

import decimal
import itertools
import math
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from .config import Config, ConfigValue, key_name
from .enums import ConfigType
from .errors import ConfigError, ErrorCode, SafetyError
from .results import ConfigViolation

__all__ = [
    "Grid",
    "SHORT_NAMES",
    "MAX_SETS",
    "parameter_key",
    "parse_grid_spec",
    "config_settings",
]

#: Short parameter names of the command line (``paper sweep --grid tp=1:3:0.5``) and their
#: config keys. Any config key works too (``--grid session.trailing_pct=0,1``).
SHORT_NAMES: Dict[str, str] = {
    "tp": "session.tp_pct",
    "sl": "session.sl_pct",
    "trailing": "session.trailing_pct",
    "hold": "session.max_hold_minutes",
    "size": "session.notional",
    "min_confidence": "limits.min_confidence",
    "commission": "costs.commission_pct",
    "slippage": "costs.slippage_pct",
    "seed": "costs.seed",
}

#: The most parameter sets one grid may expand to (a typo like ``tp=0:100:0.0001`` would
#: otherwise schedule a million replays).
MAX_SETS = 1_000_000

#: Keys a sweep never ships to its workers: the ledger location may carry a password, and
#: many processes appending to one PAPER log file would interleave it. Neither changes a
#: replay's result.
_NOT_SHIPPED = ("ledger.location", "logging.log_file")

_KEY_INFO = {k.name: k for k in Config.keys()}


def parameter_key(name: str) -> str:
    """The config key of a grid parameter: a short name (:data:`SHORT_NAMES`), a
    ``"group.key"`` or a ``group__key``.

    Raises:
        ConfigError: an unknown name (ECONFIG), listing the short names.
    """
    if not isinstance(name, str):
        raise TypeError(f"a grid parameter must be a str, not {type(name).__name__}")
    key = SHORT_NAMES.get(name.replace("-", "_"), key_name(name))
    if key not in _KEY_INFO:
        short = ", ".join(f"{s} ({k})" for s, k in SHORT_NAMES.items())
        raise ConfigError(
            f"grid: unknown parameter {name!r}: use a config key such as session.tp_pct "
            f"(docs/config.md) or a short name: {short}", ErrorCode.ECONFIG)
    return key


def _plain(value: Any) -> Any:
    """numpy scalars as the Python value they hold (a config value must be a bool, int,
    float or str)."""
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return value.item()
    return value


def _decimal(text: str, key: str, spec: str) -> decimal.Decimal:
    try:
        d = decimal.Decimal(text.strip())
    except decimal.InvalidOperation:
        raise ConfigError(f"grid {key}={spec}: {text!r} is not a number", ErrorCode.ECONFIG) from None
    if not d.is_finite():
        raise ConfigError(f"grid {key}={spec}: {text!r} is not a finite number", ErrorCode.ECONFIG)
    return d


def _typed(d: decimal.Decimal, key: str, spec: str) -> Union[int, float]:
    if _KEY_INFO[key].type == ConfigType.INT:
        if d != d.to_integral_value():
            raise ConfigError(f"grid {key}={spec}: {d} is not a whole number ({key} is an "
                              f"integer)", ErrorCode.ECONFIG)
        return int(d)
    return float(d)


def parse_grid_spec(spec: str) -> Tuple[str, List[ConfigValue]]:
    """``"NAME=VALUES"`` as (config key, values). VALUES is ``START:STOP:STEP`` (STOP
    included when the steps reach it exactly) or a comma-separated list. Numbers become
    ``int`` for integer keys and ``float`` for number keys; other keys keep the text, which
    libpaper parses (``on_reverse=exit,ignore``).

    Raises:
        ConfigError: no ``=``, an unknown name, a bad number or range (ECONFIG).
    """
    if not isinstance(spec, str):
        raise TypeError(f"a grid spec must be a str, not {type(spec).__name__}")
    name, eq, text = spec.partition("=")
    if not eq or not name.strip() or not text.strip():
        raise ConfigError(f"grid: {spec!r} is not NAME=VALUES (tp=1:3:0.5 or sl=0.5,1,1.5)",
                          ErrorCode.ECONFIG)
    key = parameter_key(name.strip())
    numeric = _KEY_INFO[key].type in (ConfigType.INT, ConfigType.DOUBLE)
    if ":" in text:
        if not numeric:
            raise ConfigError(f"grid {key}={text}: a range needs a numeric key", ErrorCode.ECONFIG)
        parts = text.split(":")
        if len(parts) != 3:
            raise ConfigError(f"grid {key}={text}: a range is START:STOP:STEP", ErrorCode.ECONFIG)
        start, stop, step = (_decimal(p, key, text) for p in parts)
        if step <= 0:
            raise ConfigError(f"grid {key}={text}: the step must be > 0", ErrorCode.ECONFIG)
        if stop < start:
            raise ConfigError(f"grid {key}={text}: STOP is below START", ErrorCode.ECONFIG)
        count = int((stop - start) / step) + 1
        if count > MAX_SETS:
            raise ConfigError(f"grid {key}={text}: {count} values, more than {MAX_SETS}",
                              ErrorCode.ECONFIG)
        return key, [_typed(start + i * step, key, text) for i in range(count)]
    items = [t.strip() for t in text.split(",")]
    if any(not t for t in items):
        raise ConfigError(f"grid {key}={text}: an empty value in the list", ErrorCode.ECONFIG)
    if numeric:
        return key, [_typed(_decimal(t, key, text), key, text) for t in items]
    return key, list(items)


def config_settings(config: Union[Config, Mapping[str, ConfigValue], None]) -> Dict[str, ConfigValue]:
    """The keys of a config that differ from libpaper's defaults, typed (exact: a number
    is the double the config holds), without the keys a sweep never ships
    (``ledger.location``, ``logging.log_file``). ``Config(config_settings(c))`` equals ``c``
    for everything a replay reads.

    Raises:
        ConfigError: a mapping the library refuses (one error listing every problem).
    """
    if config is None:
        return {}
    if isinstance(config, Config):
        cfg = config.copy()
    elif isinstance(config, Mapping):
        cfg = Config(config)
    else:
        raise TypeError(f"config must be a paperlib.Config or a mapping, not {type(config).__name__}")
    with cfg:
        cfg.validate()
        return {k.name: cfg.get(k.name) for k in Config.keys()
                if k.name not in _NOT_SHIPPED and cfg.get_text(k.name) != k.default}


def _reason(v: ConfigViolation) -> str:
    """The why alone: the library's message may start with "key = 'value': " already."""
    r = v.reason
    if r.startswith(f"{v.key} = ") and ": " in r:
        r = r.split(": ", 1)[1]
    return r


def _limited(violations: List[ConfigViolation], what: str) -> ConfigError:
    lines = [f"  {v.key} = {v.value!r}: {_reason(v)}" for v in violations[:20]]
    if len(violations) > 20:
        lines.append(f"  ... and {len(violations) - 20} more")
    n = len(violations)
    safety = any(v.code == ErrorCode.ESAFETY for v in violations)
    cls = SafetyError if safety else ConfigError
    return cls(f"{what}: {n} problem{'s' if n != 1 else ''}, nothing was run\n"
               + "\n".join(lines), ErrorCode.ESAFETY if safety else ErrorCode.ECONFIG,
               violations=violations)


@dataclass(frozen=True)
class Grid:
    """A grid expanded over a base config: ``keys`` (config keys, in the grid's order),
    ``sets`` (one tuple of values per parameter set, the first key slowest) and ``base``
    (the base config's settings, :func:`config_settings`). Build it with :meth:`build`.
    """

    keys: Tuple[str, ...]
    sets: Tuple[Tuple[ConfigValue, ...], ...]
    base: Mapping[str, ConfigValue]

    @classmethod
    def build(
        cls,
        grid: Union[Mapping[str, Iterable[ConfigValue]], Sequence[Mapping[str, ConfigValue]]],
        config: Union[Config, Mapping[str, ConfigValue], None] = None,
    ) -> "Grid":
        """Expand and check a grid.

        Args:
            grid: a mapping of config keys to the values to try (every combination), or a
                list of mappings (exactly those sets, each naming the same keys).
            config: the base config every set starts from.
        Raises:
            ConfigError: an unknown key, an empty or repeated value, more than
                :data:`MAX_SETS` sets, or any value or combination libpaper refuses: one
                error listing every problem (``.violations``), before anything runs.
            TypeError: a grid that is neither.
        """
        base = config_settings(config)
        keys, sets = _expand(grid)
        _check(keys, sets, base)
        return cls(keys, sets, base)

    def __len__(self) -> int:
        return len(self.sets)

    def params(self, i: int) -> Dict[str, ConfigValue]:
        """The grid values of set ``i``, by config key."""
        return dict(zip(self.keys, self.sets[i]))

    def settings(self, i: int) -> Dict[str, ConfigValue]:
        """The whole config of set ``i``: the base settings, then the set's values."""
        out = dict(self.base)
        out.update(self.params(i))
        return out


def _expand(grid: Any) -> Tuple[Tuple[str, ...], Tuple[Tuple[ConfigValue, ...], ...]]:
    if isinstance(grid, Mapping):
        keys: List[str] = []
        columns: List[List[ConfigValue]] = []
        for name, values in grid.items():
            key = parameter_key(name)
            if key in keys:
                raise ConfigError(f"grid: {key} is given twice", ErrorCode.ECONFIG)
            if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
                raise TypeError(f"grid {key}: give a list of values, not {type(values).__name__}")
            vals = [_plain(v) for v in values]
            if not vals:
                raise ConfigError(f"grid {key}: no values", ErrorCode.ECONFIG)
            seen: List[Any] = []
            for v in vals:
                if any(type(v) is type(s) and v == s for s in seen):
                    raise ConfigError(f"grid {key}: the value {v!r} is listed twice", ErrorCode.ECONFIG)
                seen.append(v)
            keys.append(key)
            columns.append(vals)
        total = math.prod(len(c) for c in columns)
        if total > MAX_SETS:
            raise ConfigError(f"grid: {total} parameter sets, more than {MAX_SETS}", ErrorCode.ECONFIG)
        return tuple(keys), tuple(itertools.product(*columns))
    if isinstance(grid, Sequence) and not isinstance(grid, (str, bytes)):
        rows = list(grid)
        if not rows:
            raise ConfigError("grid: no parameter sets", ErrorCode.ECONFIG)
        if len(rows) > MAX_SETS:
            raise ConfigError(f"grid: {len(rows)} parameter sets, more than {MAX_SETS}", ErrorCode.ECONFIG)
        keys_t: Optional[Tuple[str, ...]] = None
        sets: List[Tuple[ConfigValue, ...]] = []
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping):
                raise TypeError(f"grid[{i}] must be a mapping, not {type(row).__name__}")
            row_keys = tuple(parameter_key(k) for k in row)
            if keys_t is None:
                keys_t = row_keys
            elif set(row_keys) != set(keys_t) or len(row_keys) != len(keys_t):
                raise ConfigError(f"grid[{i}] names {sorted(row_keys)}, grid[0] names "
                                  f"{sorted(keys_t)}: every set must name the same keys",
                                  ErrorCode.ECONFIG)
            by_key = dict(zip(row_keys, (_plain(v) for v in row.values())))
            sets.append(tuple(by_key[k] for k in keys_t))
        return keys_t or (), tuple(sets)
    raise TypeError(f"grid must be a mapping of keys to values or a list of mappings, not "
                    f"{type(grid).__name__}")


def _check(keys: Tuple[str, ...], sets: Tuple[Tuple[ConfigValue, ...], ...],
           base: Mapping[str, ConfigValue]) -> None:
    problems: List[ConfigViolation] = []
    # Each distinct value once, alone over the base: the library's own message names it.
    for j, key in enumerate(keys):
        tried: List[Any] = []
        for s in sets:
            v = s[j]
            if any(type(v) is type(t) and v == t for t in tried):
                continue
            tried.append(v)
            with Config(base) as cfg:
                try:
                    cfg.update({key: v})
                except ConfigError as e:
                    problems.extend(e.violations or [])
                except TypeError as e:
                    problems.append(ConfigViolation(ErrorCode.ECONFIG, key, repr(v), str(e)))
    if problems:
        raise _limited(problems, "invalid grid")
    # Then every whole set: rules that span keys (lot_size and fractional, ...).
    for i, s in enumerate(sets):
        with Config(base) as cfg:
            cfg.update(dict(zip(keys, s)))
            try:
                cfg.validate()
            except ConfigError as e:
                for v in e.violations or []:
                    where = ", ".join(f"{k}={x!r}" for k, x in zip(keys, s))
                    problems.append(ConfigViolation(v.code, v.key, v.value,
                                                    f"{v.reason} (parameter set {i}: {where})"))
        if len(problems) > 100:
            break
    if problems:
        raise _limited(problems, "invalid grid")
