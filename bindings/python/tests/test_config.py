"""Config: keyword arguments, dicts, INI files, the environment, validation, get/set."""

import math
import os

import pytest

import paperlib
from paperlib import Config, ConfigError, ConfigType, SafetyError

from conftest import SRCDIR


def test_defaults_come_from_the_library():
    c = Config()
    for key in Config.keys():
        assert c.get_text(key.name) == key.default, key.name
    assert c["limits.max_open_positions"] == 5
    assert c["account.starting_cash"] == 100000.0
    assert c["limits.aggressive"] is False
    assert c["account.type"] == "margin"


def test_keys_describe_every_setting():
    keys = Config.keys()
    names = [k.name for k in keys]
    assert len(names) == len(set(names)) > 30
    k = {k.name: k for k in keys}["limits.max_open_positions"]
    assert k.type is ConfigType.INT
    assert (k.min, k.max) == (1.0, 1000.0)
    assert k.doc
    assert "limits.max_open_positions" in Config()
    assert "limits__max_open_positions" in Config()
    assert "no.such" not in Config()


def test_keyword_arguments_and_names():
    c = Config(limits__max_open_positions=3, account__starting_cash=50_000, limits__aggressive=True)
    assert c.get("limits.max_open_positions") == 3
    assert c.get("limits__max_open_positions") == 3
    assert c["account.starting_cash"] == 50000.0
    assert c["limits.aggressive"] is True
    c2 = Config({"costs.seed": 7, "engine.intrabar": "optimistic"}, costs__slippage_pct=0.0)
    assert (c2["costs.seed"], c2["engine.intrabar"], c2["costs.slippage_pct"]) == (7, "optimistic", 0.0)


def test_from_dict_nested_and_lists():
    c = Config.from_dict({"limits": {"allowed_symbols": ["AAPL", "MSFT"]}, "costs.seed": "9"})
    assert c["limits.allowed_symbols"] == "AAPL,MSFT"
    assert c["costs.seed"] == 9
    with pytest.raises(TypeError):
        Config.from_dict([("costs.seed", 1)])


def test_set_reset_and_text_values():
    c = Config()
    c.set("costs.commission_model", "per_share")
    c["costs.commission_pct"] = "0.25"
    assert c["costs.commission_pct"] == 0.25
    assert c.get_text("costs.commission_pct") == "0.25"
    c.set("costs.commission_pct", None)
    assert c["costs.commission_pct"] == 0.1
    c.reset("costs.commission_model")
    assert c["costs.commission_model"] == "percent"


def test_setter_errors_name_key_value_and_keep_the_old_value():
    c = Config()
    with pytest.raises(ConfigError) as info:
        c.set("account.type", "futures")
    assert "account.type" in str(info.value) and "futures" in str(info.value)
    assert info.value.code is paperlib.ErrorCode.ECONFIG
    assert c["account.type"] == "margin"
    with pytest.raises(ConfigError, match="unknown config key"):
        c.set("no.such", 1)
    with pytest.raises(ConfigError, match="unknown config key"):
        c.get("no.such")
    with pytest.raises(ConfigError, match="unknown config key"):
        c.reset("no.such")


def test_python_types_are_checked_before_the_library():
    c = Config()
    with pytest.raises(ConfigError, match="expected an int"):
        c.set("limits.max_open_positions", 2.5)
    with pytest.raises(ConfigError, match="expected a bool"):
        c.set("limits.aggressive", 1)
    with pytest.raises(ConfigError, match="expected a number"):
        c.set("account.starting_cash", True)
    with pytest.raises(ConfigError, match="not a finite number"):
        c.set("account.starting_cash", math.nan)
    with pytest.raises(ConfigError, match="not a finite number"):
        c.set("account.starting_cash", math.inf)
    with pytest.raises(ConfigError, match="NUL"):
        c.set("account.name", "a\0b")
    with pytest.raises(TypeError):
        c.set("account.name", object())
    with pytest.raises(TypeError):
        c.set(3, 1)
    assert c["account.starting_cash"] == 100000.0


def test_safety_refusals():
    c = Config()
    with pytest.raises(SafetyError) as info:
        c.set("connection.ib_port", 7496)
    assert info.value.code is paperlib.ErrorCode.ESAFETY
    assert isinstance(info.value, ConfigError)
    with pytest.raises(SafetyError):
        c.set("connection.alpaca_base_url", "https://api.alpaca.markets")


def test_one_error_lists_every_bad_keyword():
    with pytest.raises(ConfigError) as info:
        Config(limits__max_open_positions=0, account__type="x", costs__seed=-1)
    e = info.value
    assert type(e) is ConfigError
    assert [v.key for v in e.violations] == [
        "limits.max_open_positions",
        "account.type",
        "costs.seed",
    ]
    assert all(v.code is paperlib.ErrorCode.ECONFIG for v in e.violations)
    assert "3 problems" in str(e)
    assert e.violations[1].value == "x"
    assert "cash, margin" in e.violations[1].reason
    # A safety problem among them makes it a SafetyError (still a ConfigError).
    with pytest.raises(SafetyError) as info:
        Config(account__type="x", connection__ib_port=7496)
    assert len(info.value.violations) == 2


def test_validate_lists_every_violation():
    c = Config(limits__max_open_positions=20)
    with pytest.raises(ConfigError) as info:
        c.validate()
    (v,) = info.value.violations
    assert v.key == "limits.max_open_positions" and v.value == "20"
    assert "ceiling" in v.reason
    assert c.violations() == info.value.violations
    assert str(v).startswith("limits.max_open_positions = '20'")
    c.set("limits.max_open_positions_ceiling", 20)
    c.validate()
    assert c.violations() == []


def test_ini_file(tmp_path):
    good = tmp_path / "good.ini"
    good.write_text("[limits]\nmax_open_positions = 3\n[costs]\nseed = 42\n")
    c = Config.from_file(good)
    assert (c["limits.max_open_positions"], c["costs.seed"]) == (3, 42)
    assert Config().load_file(str(good)) is True

    bad = tmp_path / "bad.ini"
    bad.write_text("[limits]\nmax_open_positions = 0\nnot_a_key = 1\n[costs]\nseed = 5\n")
    with pytest.raises(ConfigError) as info:
        Config.from_file(bad)
    keys = [v.key for v in info.value.violations]
    assert "limits.max_open_positions" in keys and "limits.not_a_key" in keys
    c = Config()
    assert c.load_file(bad) is False  # recorded, applied where valid, reported by validate
    assert c["costs.seed"] == 5
    with pytest.raises(ConfigError):
        c.validate()

    live = tmp_path / "live.ini"
    live.write_text("[connection]\nib_port = 7496\n")
    with pytest.raises(SafetyError):
        Config.from_file(live)


def test_ini_file_io_and_format_errors(tmp_path):
    with pytest.raises(paperlib.LedgerError) as info:
        Config.from_file(tmp_path / "missing.ini")
    assert info.value.code is paperlib.ErrorCode.EIO
    binary = tmp_path / "binary.ini"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(paperlib.InvalidArgument) as info:
        Config.from_file(binary)
    assert info.value.code is paperlib.ErrorCode.EFORMAT


def test_example_ini_loads():
    c = Config.from_file(SRCDIR / "examples" / "paper.ini.example")
    assert c["account.type"] in ("cash", "margin")


def test_environment_mapping():
    c = Config.from_env({"PAPER_LIMITS_MAX_OPEN_POSITIONS": "3", "PAPER_LEDGER": "x.db", "HOME": "/"})
    assert c["limits.max_open_positions"] == 3
    with pytest.raises(ConfigError) as info:
        Config.from_env({"PAPER_LIMITS_MAX_OPEN_POSITION": "3"})
    assert info.value.violations[0].key == "limits.max_open_position"
    with pytest.raises(SafetyError):
        Config.from_env({"PAPER_LIVE": "1"})
    with pytest.raises(TypeError):
        Config().load_env({"PAPER_COSTS_SEED": 3})


def test_process_environment(monkeypatch):
    monkeypatch.setenv("PAPER_COSTS_SEED", "77")
    assert Config.from_env()["costs.seed"] == 77
    c = Config()
    assert c.load_env() is True
    assert c["costs.seed"] == 77


def test_file_then_environment(tmp_path, monkeypatch):
    ini = tmp_path / "p.ini"
    ini.write_text("[costs]\nseed = 1\n[limits]\nmax_open_positions = 2\n")
    monkeypatch.setenv("PAPER_COSTS_SEED", "99")
    c = Config.from_file(ini, env=True)
    assert (c["costs.seed"], c["limits.max_open_positions"]) == (99, 2)


def test_copy_close_and_repr():
    c = Config(costs__seed=3)
    d = c.copy()
    d["costs.seed"] = 4
    assert (c["costs.seed"], d["costs.seed"]) == (3, 4)
    assert "costs.seed" in repr(c)
    with Config() as e:
        assert not e.closed
    assert e.closed
    e.close()
    assert repr(e) == "<paperlib.Config closed>"
    with pytest.raises(paperlib.StateError):
        e.get("costs.seed")


def test_to_dict_is_typed():
    d = Config().to_dict()
    assert set(d) == {k.name for k in Config.keys()}
    assert isinstance(d["limits.max_open_positions"], int)
    assert isinstance(d["account.starting_cash"], float)
    assert isinstance(d["limits.aggressive"], bool)
    assert isinstance(d["account.type"], str)


def test_broker_refuses_an_invalid_config_with_every_violation():
    c = Config(limits__max_open_positions=20)
    with pytest.raises(ConfigError) as info:
        paperlib.Broker(c)
    assert info.value.violations[0].key == "limits.max_open_positions"
    with pytest.raises(ConfigError):
        paperlib.Broker(account__type="x")


def test_broker_copies_its_config():
    c = Config(account__starting_cash=1234.0)
    with paperlib.Broker(c) as b:
        c["account.starting_cash"] = 99.0
        c.close()
        assert b.account().starting_cash == 1234.0
    with paperlib.Broker({"account.starting_cash": 555.0}) as b:
        assert b.account().cash == 555.0
    base = Config(account__starting_cash=10.0)
    with paperlib.Broker(base, account__starting_cash=20.0) as b:
        assert b.account().cash == 20.0
    assert base["account.starting_cash"] == 10.0
    with pytest.raises(TypeError):
        paperlib.Broker("paper.ini")


def test_log_file_that_cannot_be_opened(tmp_path):
    with pytest.raises(paperlib.LedgerError) as info:
        paperlib.Broker(logging__log_file=os.fspath(tmp_path / "no" / "dir" / "x.log"))
    assert info.value.code is paperlib.ErrorCode.EIO
