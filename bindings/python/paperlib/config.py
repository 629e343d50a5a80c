"""Configuration: :class:`Config`, a ``paper_config`` handle.

Settings are ``"group.key"`` names (``"limits.max_open_positions"``); in keyword arguments
write ``group__key`` (``limits__max_open_positions=3``). Every key, its type, default and
range is in :func:`Config.keys` (and docs/config.md). libpaper checks every value; paperlib
only converts Python values to the key's type.
"""

from __future__ import annotations

import math
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from ._args import INT64_MAX, INT64_MIN, integer, number
from ._paperlib import ffi, lib
from .enums import ConfigType
from .errors import ConfigError, ErrorCode, SafetyError, check, error_for
from .results import ConfigKey, ConfigViolation, config_key_from_c, violation_from_c

__all__ = ["Config", "ConfigValue"]

#: What a setting can be set to from Python.
ConfigValue = Union[bool, int, float, str, Iterable[str], None]

_PathLike = Union[str, "os.PathLike[str]"]


def _load_keys() -> Tuple[Dict[str, ConfigKey], List[ConfigKey]]:
    info = ffi.new("paper_config_key_info *")
    keys: List[ConfigKey] = []
    for i in range(lib.paper_config_key_count()):
        info.version = lib.PAPER_CONFIG_KEY_INFO_VERSION
        check(lib.paper_config_key_info_get(i, info))
        keys.append(config_key_from_c(info))
    return {k.name: k for k in keys}, keys


_KEYS, _KEY_LIST = _load_keys()


def key_name(name: str) -> str:
    """A setting's name as libpaper spells it: ``group__key`` -> ``group.key``."""
    if not isinstance(name, str):
        raise TypeError(f"a config key must be a str, not {type(name).__name__}")
    return name.replace("__", ".")


def _encode(text: str, what: str) -> bytes:
    data = text.encode("utf-8", "surrogateescape")
    if b"\0" in data:
        raise ConfigError(f"{what}: {text!r} holds a NUL character", ErrorCode.ECONFIG)
    return data


_KIND_TEXT = {
    ConfigType.BOOL: "a bool",
    ConfigType.INT: "an int",
    ConfigType.DOUBLE: "a number",
    ConfigType.STRING: "a str",
}


def _fits(kind: ConfigType, value: Any) -> bool:
    """Whether a non-str Python value has the key's type (ints are numbers, bools are not)."""
    if kind == ConfigType.BOOL:
        return isinstance(value, bool)
    if kind == ConfigType.INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == ConfigType.DOUBLE:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return False


def _violation(key: str, value: Any, code: int, reason: str) -> ConfigViolation:
    from .errors import _code

    text = value if isinstance(value, str) else repr(value)
    # The library's message names key and value already ("k = 'v': why"): keep the why.
    for prefix in (f"{key} = '{text}': ", f"{key} = {text}: "):
        if reason.startswith(prefix):
            reason = reason[len(prefix):]
    return ConfigViolation(_code(code), key, text, reason)


def _raise_all(violations: List[ConfigViolation], what: str) -> None:
    if not violations:
        return
    safety = any(v.code == ErrorCode.ESAFETY for v in violations)
    lines = "\n".join(f"  {v}" for v in violations)
    n = len(violations)
    msg = f"{what}: {n} problem{'s' if n != 1 else ''}\n{lines}"
    cls = SafetyError if safety else ConfigError
    raise cls(msg, ErrorCode.ESAFETY if safety else ErrorCode.ECONFIG, violations=violations)


class Config:
    """A libpaper configuration (``paper_config``): every key at its default, then what you
    set.

    ``Config(settings, **kwargs)`` sets the keys of the mapping ``settings`` and then the
    keyword arguments (``group__key=value``); all of them are tried, and if any is refused
    one :class:`ConfigError` (a :class:`SafetyError` if any refusal is a safety one) lists
    every problem with key, value and reason. See :meth:`set` for the accepted values.

    Other sources: :meth:`from_file` (an INI file), :meth:`from_env` (``PAPER_<GROUP>_<KEY>``
    variables), :meth:`from_dict`. A :class:`~paperlib.Broker` validates its config again and
    keeps its own copy, so a config can be changed or closed afterwards.
    """

    __slots__ = ("_own", "_c")

    def __init__(
        self, settings: Optional[Mapping[str, ConfigValue]] = None, /, **kwargs: ConfigValue
    ) -> None:
        out = ffi.new("paper_config **")
        check(lib.paper_config_new(out))
        self._own = ffi.gc(out[0], lib.paper_config_free)
        self._c = self._own
        items: List[Tuple[str, Any]] = []
        if settings is not None:
            if not isinstance(settings, Mapping):
                raise TypeError(f"settings must be a mapping, not {type(settings).__name__}")
            items.extend(settings.items())
        items.extend(kwargs.items())
        if items:
            self.update(items)

    # ---- constructors ----

    @classmethod
    def from_dict(cls, settings: Mapping[str, ConfigValue]) -> "Config":
        """A config from a mapping of ``"group.key"`` (or ``group__key``) to values, also
        accepting nested groups: ``{"limits": {"max_open_positions": 3}}``. Raises one
        :class:`ConfigError` listing every refused value."""
        if not isinstance(settings, Mapping):
            raise TypeError(f"settings must be a mapping, not {type(settings).__name__}")
        flat: Dict[str, ConfigValue] = {}
        for k, v in settings.items():
            if isinstance(v, Mapping):
                for sub, value in v.items():
                    flat[f"{key_name(k)}.{key_name(sub)}"] = value
            else:
                flat[k] = v
        return cls(flat)

    @classmethod
    def from_file(cls, path: _PathLike, *, env: bool = False) -> "Config":
        """Defaults, then the INI file at ``path`` (then the process environment when
        ``env`` is true: the precedence environment > file > defaults), validated.

        Raises:
            ConfigError / SafetyError: one error listing every problem of the file (and the
                environment), each a :class:`ConfigViolation` in ``.violations``.
            LedgerError: the file cannot be read (EIO).
            InvalidArgument: it is not an INI file (EFORMAT).
        """
        cfg = cls()
        cfg.load_file(path)
        if env:
            cfg.load_env()
        cfg.validate()
        return cfg

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Config":
        """Defaults, then ``PAPER_<GROUP>_<KEY>`` variables of ``environ`` (default: the
        process environment), validated. Raises one :class:`ConfigError` listing every
        problem; spellings of "go live" (``PAPER_LIVE``, ...) raise :class:`SafetyError`."""
        cfg = cls()
        cfg.load_env(environ)
        cfg.validate()
        return cfg

    # ---- loaders ----

    def load_file(self, path: _PathLike) -> bool:
        """Apply an INI or YAML file over the current values (``paper_config_load_file``;
        YAML by the extension ``.yaml``/``.yml`` or by the content).

        Like libpaper's loader it does not stop at the first problem: valid keys are applied
        and every bad line is recorded, to be reported by :meth:`validate` (and refused by
        :class:`~paperlib.Broker`). Returns True when the file had no problem.

        Raises:
            LedgerError: the file cannot be read (EIO); nothing changes.
            InvalidArgument: not an INI file, or not YAML of a config's shape (EFORMAT);
                nothing changes.
        """
        data = _encode(os.fsdecode(os.fspath(path)), "path")
        rc = lib.paper_config_load_file(self._ptr(), data)
        if rc in (lib.PAPER_ECONFIG, lib.PAPER_ESAFETY):
            return False
        check(rc)
        return True

    def load_env(self, environ: Optional[Mapping[str, str]] = None) -> bool:
        """Apply ``PAPER_<GROUP>_<KEY>`` variables over the current values, from ``environ``
        (``paper_config_load_envp``) or, when None, the process environment
        (``paper_config_load_env``). Problems are recorded for :meth:`validate`, as with
        :meth:`load_file`. Returns True when there was no problem."""
        if environ is None:
            rc = lib.paper_config_load_env(self._ptr())
        else:
            if not isinstance(environ, Mapping):
                raise TypeError(f"environ must be a mapping, not {type(environ).__name__}")
            entries = []
            for name, value in environ.items():
                if not isinstance(name, str) or not isinstance(value, str):
                    raise TypeError("environ must map str to str")
                entries.append(ffi.new("char[]", _encode(f"{name}={value}", name)))
            envp = ffi.new("const char *[]", entries + [ffi.NULL])
            rc = lib.paper_config_load_envp(self._ptr(), envp)
        if rc in (lib.PAPER_ECONFIG, lib.PAPER_ESAFETY):
            return False
        check(rc)
        return True

    # ---- values ----

    def set(self, key: str, value: ConfigValue) -> None:
        """Set one key. The library refuses a bad value at once and keeps the old one.

        Values: a ``str`` is parsed by the library as in a file (``"true"``, ``"0.25"``); a
        ``bool`` sets a boolean key, an ``int`` an integer or number key, a ``float`` a
        number key; a list or tuple of ``str`` is joined with commas (``allowed_symbols``);
        ``None`` puts the key back to its default.

        Raises:
            ConfigError: unknown key, a value that does not parse, is outside the key's range
                or has the wrong type (NaN and infinities included).
            SafetyError: a value that could reach a live account.
            TypeError: a value of none of the types above.
        """
        name = key_name(key)
        self._set_one(name, value)

    def _set_one(self, name: str, value: Any) -> None:
        c = self._ptr()
        k = _encode(name, "key")
        if value is None:
            check(lib.paper_config_reset(c, k))
            return
        info = _KEYS.get(name)
        kind = info.type if info is not None else None
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if isinstance(value, str):
            rc = lib.paper_config_set(c, k, _encode(value, name))
        elif not isinstance(value, (bool, int, float)):
            raise TypeError(
                f"{name}: a config value must be a bool, int, float, str, a list of str or "
                f"None, not {type(value).__name__}"
            )
        elif kind is not None and not _fits(kind, value):
            raise ConfigError(
                f"{name} = {value!r}: expected {_KIND_TEXT[kind]}, got {type(value).__name__}",
                ErrorCode.ECONFIG,
            )
        elif isinstance(value, bool):
            rc = lib.paper_config_set_bool(c, k, value)
        elif isinstance(value, int):
            if kind == ConfigType.DOUBLE:
                rc = lib.paper_config_set_double(
                    c, k, number(value, name, ErrorCode.ECONFIG, ConfigError))
            else:
                rc = lib.paper_config_set_int(
                    c, k, integer(value, name, INT64_MIN, INT64_MAX, ErrorCode.ECONFIG, ConfigError))
        else:
            if not math.isfinite(value):
                raise ConfigError(f"{name} = {value!r}: not a finite number", ErrorCode.ECONFIG)
            rc = lib.paper_config_set_double(c, k, value)
        check(rc)

    def update(
        self, settings: Union[Mapping[str, ConfigValue], Iterable[Tuple[str, ConfigValue]]] = (),
        /, **kwargs: ConfigValue,
    ) -> None:
        """Set several keys; every one is tried, then one :class:`ConfigError` (or
        :class:`SafetyError`) lists every refused value with key, value and reason."""
        items = list(settings.items() if isinstance(settings, Mapping) else settings)
        items.extend(kwargs.items())
        problems: List[ConfigViolation] = []
        for key, value in items:
            name = key_name(key)
            try:
                self._set_one(name, value)
            except ConfigError as e:
                reason = e.message
                problems.append(_violation(name, value, e.code, reason))
        _raise_all(problems, "invalid configuration")

    def __setitem__(self, key: str, value: ConfigValue) -> None:
        self.set(key, value)

    def get(self, key: str) -> Union[bool, int, float, str]:
        """A key's value, typed by the key: ``bool``, ``int``, ``float`` or ``str``.

        Raises:
            ConfigError: unknown key.
        """
        name = key_name(key)
        c = self._ptr()
        k = _encode(name, "key")
        info = _KEYS.get(name)
        kind = info.type if info is not None else ConfigType.STRING
        if kind == ConfigType.BOOL:
            b = ffi.new("bool *")
            check(lib.paper_config_get_bool(c, k, b))
            return bool(b[0])
        if kind == ConfigType.INT:
            i = ffi.new("int64_t *")
            check(lib.paper_config_get_int(c, k, i))
            return int(i[0])
        if kind == ConfigType.DOUBLE:
            d = ffi.new("double *")
            check(lib.paper_config_get_double(c, k, d))
            return float(d[0])
        return self.get_text(name)

    def get_text(self, key: str) -> str:
        """A key's value in text form, as a file would spell it."""
        name = key_name(key)
        c = self._ptr()
        k = _encode(name, "key")
        n = ffi.new("size_t *")
        cap = 256
        while True:
            buf = ffi.new("char[]", cap)
            check(lib.paper_config_get_string(c, k, buf, cap, n))
            if n[0] < cap:
                return ffi.string(buf, n[0]).decode("utf-8", "surrogateescape")
            cap = n[0] + 1

    def __getitem__(self, key: str) -> Union[bool, int, float, str]:
        return self.get(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key_name(key) in _KEYS

    def reset(self, key: str) -> None:
        """Put a key back to its default."""
        check(lib.paper_config_reset(self._ptr(), _encode(key_name(key), "key")))

    def to_dict(self) -> Dict[str, Union[bool, int, float, str]]:
        """Every key and its current value, typed."""
        return {k.name: self.get(k.name) for k in _KEY_LIST}

    @staticmethod
    def keys() -> List[ConfigKey]:
        """Every configuration key: name, type, default, range and a line of doc."""
        return list(_KEY_LIST)

    # ---- validation ----

    def validate(self) -> None:
        """Check the whole config (``paper_config_validate``): the problems the loaders
        recorded, each key's range, and the rules that span keys.

        Raises:
            ConfigError: one error listing every violation; ``.violations`` holds them as
                :class:`ConfigViolation` records (code, key, value, reason).
            SafetyError: the same, when any violation is a safety one (a ConfigError too).
        """
        c = self._ptr()
        rc = lib.paper_config_validate(c)
        if rc in (lib.PAPER_ECONFIG, lib.PAPER_ESAFETY):
            raise error_for(rc, violations=violations_of(c))
        check(rc)

    def violations(self) -> List[ConfigViolation]:
        """The violations found by the last :meth:`validate` (empty if it passed)."""
        return violations_of(self._ptr())

    # ---- handle ----

    def copy(self) -> "Config":
        """A deep copy, recorded violations included."""
        out = ffi.new("paper_config **")
        check(lib.paper_config_copy(out, self._ptr()))
        new = Config.__new__(Config)
        new._own = ffi.gc(out[0], lib.paper_config_free)
        new._c = new._own
        return new

    def close(self) -> None:
        """Release the handle now (otherwise the garbage collector does). Idempotent."""
        own = self._own
        if own is not None:
            self._own = None
            self._c = ffi.NULL
            ffi.release(own)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._own is None

    def __enter__(self) -> "Config":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _ptr(self) -> Any:
        if self._own is None:
            from .errors import StateError

            raise StateError("the config is closed", ErrorCode.ESTATE)
        return self._c

    def __repr__(self) -> str:
        if self._own is None:
            return "<paperlib.Config closed>"
        changed = {k.name: self.get_text(k.name) for k in _KEY_LIST}
        diff = {k: v for k, v in changed.items() if v != _KEYS[k].default}
        if "ledger.location" in diff:  # a repr ends up in logs: never a password
            diff["ledger.location"] = redact_location(diff["ledger.location"])
        return f"<paperlib.Config {diff!r}>"


def redact_location(location: str) -> str:
    """A ledger location fit to print or log: every password replaced by ``***``
    (``paper_ledger_location_redact()``)."""
    raw = os.fsencode(location) if not isinstance(location, bytes) else location
    n = ffi.new("size_t *")
    check(lib.paper_ledger_location_redact(raw, ffi.NULL, 0, n))
    buf = ffi.new("char[]", n[0] + 1)
    check(lib.paper_ledger_location_redact(raw, buf, n[0] + 1, n))
    return ffi.string(buf, n[0]).decode("utf-8", "surrogateescape")


def violations_of(c: Any) -> List[ConfigViolation]:
    """Every violation of the last ``paper_config_validate()`` of the config ``c``."""
    out: List[ConfigViolation] = []
    v = ffi.new("paper_config_violation *")
    for i in range(lib.paper_config_violation_count(c)):
        v.version = lib.PAPER_CONFIG_VIOLATION_VERSION
        check(lib.paper_config_violation_get(c, i, v))
        out.append(violation_from_c(v))
    return out

