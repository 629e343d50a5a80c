"""Parameter grids: expansion order, the command line's spellings, and libpaper's checks of
every value and combination."""

import pytest

import paperlib
from paperlib import ConfigError
from paperlib.grid import MAX_SETS, Grid, config_settings, parameter_key, parse_grid_spec


def test_names():
    assert parameter_key("tp") == "session.tp_pct"
    assert parameter_key("min-confidence") == "limits.min_confidence"
    assert parameter_key("session__sl_pct") == "session.sl_pct"
    assert parameter_key("costs.seed") == "costs.seed"
    with pytest.raises(ConfigError, match="unknown parameter 'tpp'.*tp \\(session.tp_pct\\)"):
        parameter_key("tpp")


def test_specs():
    assert parse_grid_spec("tp=1:3:0.5") == ("session.tp_pct", [1.0, 1.5, 2.0, 2.5, 3.0])
    # Decimal steps: the values are the doubles of the decimals, never 1.2000000000000002.
    assert parse_grid_spec("sl=1:1.3:0.1") == ("session.sl_pct", [1.0, 1.1, 1.2, 1.3])
    assert parse_grid_spec("sl=0.5,1,1.5") == ("session.sl_pct", [0.5, 1.0, 1.5])
    key, values = parse_grid_spec("hold=30:100:30")  # 100 is not reached: 30, 60, 90
    assert key == "session.max_hold_minutes" and values == [30, 60, 90]
    assert all(type(v) is int for v in values)
    assert parse_grid_spec("session.on_reverse=exit,ignore") == ("session.on_reverse",
                                                                  ["exit", "ignore"])
    for bad, why in [("tp", "NAME=VALUES"), ("tp=", "NAME=VALUES"), ("tp=1:3", "START:STOP:STEP"),
                     ("tp=1:3:0", "step must be > 0"), ("tp=3:1:1", "below START"),
                     ("tp=1,,2", "empty value"), ("tp=a,b", "not a number"),
                     ("hold=1.5", "not a whole number"), ("tp=1:nan:1", "finite"),
                     ("session.on_reverse=a:b:c", "numeric key"), ("tp=0:1e9:1e-3", "more than")]:
        with pytest.raises(ConfigError, match=why):
            parse_grid_spec(bad)


def test_expansion_order_and_settings():
    g = Grid.build({"tp": [1, 2], "session__sl_pct": [0.5, 1.0, 1.5]},
                   {"session.notional": 2500, "costs.seed": 7})
    assert g.keys == ("session.tp_pct", "session.sl_pct")
    assert g.sets == ((1, 0.5), (1, 1.0), (1, 1.5), (2, 0.5), (2, 1.0), (2, 1.5))
    assert g.settings(4) == {"session.notional": 2500.0, "costs.seed": 7,
                             "session.tp_pct": 2, "session.sl_pct": 1.0}
    assert g.params(0) == {"session.tp_pct": 1, "session.sl_pct": 0.5}
    assert len(Grid.build({}, None)) == 1  # no parameter: the base config once
    rows = Grid.build([{"tp": 3.0, "sl": 1.0}, {"sl": 2.0, "tp": 1.0}])
    assert rows.keys == ("session.tp_pct", "session.sl_pct")
    assert rows.sets == ((3.0, 1.0), (1.0, 2.0))
    with pytest.raises(ConfigError, match="same keys"):
        Grid.build([{"tp": 1.0}, {"sl": 1.0}])
    with pytest.raises(ConfigError, match="more than"):
        Grid.build({"costs.seed": range(1001), "session.notional": range(1, 1001),
                    "tp": [1.0, 2.0]})
    assert MAX_SETS == 1_000_000


def test_numpy_values():
    np = pytest.importorskip("numpy")
    g = Grid.build({"tp": np.arange(1.0, 2.0, 0.5), "hold": np.array([30, 60])})
    assert g.sets == ((1.0, 30), (1.0, 60), (1.5, 30), (1.5, 60))
    assert all(type(v) in (int, float) for s in g.sets for v in s)


def test_base_settings_are_exact_and_keep_no_secret():
    cfg = paperlib.Config({"session.tp_pct": 0.1 + 0.2, "account.starting_cash": 12345.678,
                           "ledger.location": "postgresql://trader:s3cret@db/paper",
                           "logging.log_file": "/tmp/x.log", "session.on_reverse": "ignore"})
    s = config_settings(cfg)
    assert s == {"session.tp_pct": 0.1 + 0.2, "account.starting_cash": 12345.678,
                 "session.on_reverse": "ignore"}
    assert "s3cret" not in repr(s)
    again = paperlib.Config(s)
    for k in paperlib.Config.keys():
        if k.name not in ("ledger.location", "logging.log_file"):
            assert again.get(k.name) == cfg.get(k.name)
    with pytest.raises(ConfigError):
        config_settings({"limits.max_open_positions": 5000})


def test_every_problem_at_once():
    with pytest.raises(ConfigError) as e:
        Grid.build({"tp": [1.0, -1.0], "sl": [100.0], "session.sizing": ["notional", "lots"]})
    text = str(e.value)
    assert "invalid grid: 3 problems, nothing was run" in text
    assert "session.tp_pct = '-1.0': must be in [0, 1000]" in text
    assert "session.sizing = 'lots'" in text
    with pytest.raises(TypeError, match="a list of values"):
        Grid.build({"tp": "1,2"})
    with pytest.raises(ConfigError, match="listed twice"):
        Grid.build({"tp": [1.0, 1.0]})
    with pytest.raises(paperlib.SafetyError):
        Grid.build({"account.type": ["cash", "live"]})
