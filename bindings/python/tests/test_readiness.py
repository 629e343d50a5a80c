"""Broker.readiness(): the gate of tests/test-readiness.c through the bindings."""

import math
from datetime import datetime, timezone

import pytest

import paperlib
from paperlib import ExitReason

D0 = paperlib.to_ts(datetime(2024, 1, 1, 12, tzinfo=timezone.utc))
DAY = 86_400_000_000
MIN = 60_000_000
PSR14 = [0.01, -0.005, 0.004, 0.006, -0.002, 0.003, 0.008, -0.004, 0.005, 0.002, -0.001,
         0.007, 0.003, -0.003]


def plain(**more):
    s = dict(costs__commission_pct=0, costs__commission_min=0, costs__slippage_pct=0,
             limits__max_position_fraction=100, limits__daily_loss_limit=1,
             limits__max_order_qty=5000)
    s.update(more)
    return paperlib.Broker(**s)


def psr_account(**more):
    b = plain(**more)
    b.on_quote("X", D0, 0, 0, 100.0)
    b.submit("X", "buy", 1000)
    b.on_quote("X", D0 + MIN, 0, 0, 100.0)
    price = 100.0
    for i, r in enumerate(PSR14):
        price *= 1 + r
        b.mark("X", D0 + (i + 1) * DAY, price)
    return b


def test_gate():
    b = psr_account(readiness__min_trades=0, readiness__min_trading_days=20)
    r = b.readiness()
    assert not r.ready
    assert [c.id for c in r.criteria][-2:] == ["min_psr", "min_track_record"]
    psr = r.criterion("min_psr")
    assert psr.value == pytest.approx(0.9569247075970444, abs=1e-6)
    assert psr.passed and psr.small_sample and psr.sample == 14 and psr.sample_unit == "days"
    trl = r.criterion("min_track_record")
    assert trl.threshold == pytest.approx(12.9435, abs=1e-3) and trl.value == 14 and trl.passed
    days = r.criterion("min_trading_days")
    assert (days.value, days.threshold, days.passed) == (15, 20, False)
    assert math.isnan(r.criterion("min_win_rate").value)
    assert r.as_dict()["criteria"][0]["id"] == "min_trades"
    # Other thresholds: a mapping of settings over the defaults; the inbox hook.
    r = b.readiness(thresholds={"readiness.min_psr": 0.99, "readiness.min_trades": 0},
                    rejected_decisions=2, last_rejected_decision_ts=D0 + 13 * DAY)
    assert r.criterion("min_psr").threshold == 0.99 and not r.criterion("min_psr").passed
    assert "more days" in r.criterion("min_track_record").note
    assert r.criterion("errors").value == 2
    assert r.criterion("min_error_free_days").value == pytest.approx(1.0)
    with pytest.raises(KeyError):
        r.criterion("nope")
    # The dashboard with the gate, and without it the 1.0 checklist.
    html = b.report_html(readiness=True)
    assert 'data-check="min_track_record" data-pass="true"' in html
    assert 'data-check="min_psr"' not in b.report_html()
    with pytest.raises(TypeError):
        b.readiness(drift="not a drift")


def test_recommendations_and_drift():
    def trades(b, reasons, out=100.0):
        t = D0
        for reason in reasons:
            b.on_quote("A", t, 0, 0, 100.0)
            b.submit("A", "buy", 10)
            b.on_quote("A", t + MIN, 0, 0, 100.0)
            b.submit("A", "sell", 10, exit_reason=reason)
            b.on_quote("A", t + 2 * MIN, 0, 0, out)
            t += 60 * MIN

    b = plain()
    trades(b, [ExitReason.STOP_LOSS] * 3 + [ExitReason.TAKE_PROFIT] * 2)
    (rec,) = b.readiness().recommendations
    assert rec.id == "stop_losses_dominate" and rec.value == 0.6 and rec.threshold == 0.5
    assert "close 3 of 5 trades" in rec.text
    # Slippage above the model: the same trades with 0.1% against 0.05%.
    p = plain(costs__slippage_pct=0.1, costs__slippage_market_mult=1, costs__slippage_jitter=0)
    m = plain(costs__slippage_pct=0.05, costs__slippage_market_mult=1, costs__slippage_jitter=0)
    trades(p, [ExitReason.MANUAL])
    trades(m, [ExitReason.MANUAL])
    d = paperlib.drift(p, m)
    (rec,) = p.readiness(drift=d).recommendations
    assert rec.id == "slippage_above_model" and rec.value == pytest.approx(2.0)
    html = p.report_html(drift=d)
    assert '<section class="drift" data-matched="1"' in html
    assert 'data-rule="slippage_above_model"' in html
