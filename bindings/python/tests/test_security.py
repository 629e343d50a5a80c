"""docs/security.md from Python: paper-only URLs, secrets in reprs, control characters."""

import pytest

import paperlib
from paperlib import Config, InvalidArgument, Ledger, SafetyError

from conftest import T0, HOUR

#: Read as the paper host by a naive parser, or readable two ways: every one refused.
BYPASSES = [
    "https://paper-api.alpaca.markets:443@api.alpaca.markets/v2",
    "https://paper-api.alpaca.markets:@api.alpaca.markets",
    "https://@paper-api.alpaca.markets",
    "https://paper-api.alpaca.markets:0",
    "https://paper-api.alpaca.markets:99999",
    "https://paper-api.alpaca.markets#frag",
    "https://paper-api.alpaca.markets\\@api.alpaca.markets",
    "https://paper-api.alpaca.markets\t.x",
    "https://paper-api.alpaca.markets\r\nHost: api.alpaca.markets",
    "//paper-api.alpaca.markets",
    "HTTPS://API.ALPACA.MARKETS.",
    "https://api%2ealpaca.markets",
    "https://ｐａｐｅｒ-api.alpaca.markets",
    "https://paper-api.alpaca.markets/" + "a" * 3000,
]

PAPER = [
    "https://paper-api.alpaca.markets",
    "HTTPS://PAPER-API.ALPACA.MARKETS./v2",
    "https://paper-api%2ealpaca.markets:443/v2",
]


@pytest.mark.parametrize("url", BYPASSES)
def test_url_bypasses_are_refused_on_every_route(url, tmp_path):
    with pytest.raises(SafetyError):
        Config(connection__alpaca_base_url=url)
    c = Config()
    with pytest.raises(SafetyError):
        c.set("connection.alpaca_base_url", url)
    assert c["connection.alpaca_base_url"] == ""
    with pytest.raises(SafetyError):
        Config.from_env({"APCA_API_BASE_URL": url})
    with pytest.raises(SafetyError):
        Config.from_env({"PAPER_CONNECTION_ALPACA_BASE_URL": url})
    if "\r" not in url and "\n" not in url and "\\" not in url:
        ini = tmp_path / "c.ini"
        ini.write_text(f"[connection]\nalpaca_base_url = {url}\n", encoding="utf-8")
        with pytest.raises(SafetyError):
            Config.from_file(ini)


@pytest.mark.parametrize("url", PAPER)
def test_the_paper_endpoint_however_spelled(url):
    assert Config(connection__alpaca_base_url=url)["connection.alpaca_base_url"] == url


def test_a_config_repr_shows_no_password():
    c = Config(ledger__location="postgresql://trader:s3cret@db1/paper?sslpassword=k3y")
    text = repr(c)
    assert "s3cret" not in text and "k3y" not in text
    assert "postgresql://trader:***@db1/paper?sslpassword=***" in text
    # The value itself is the caller's own: unchanged.
    assert c["ledger.location"].endswith("sslpassword=k3y")


HOSTILE = ["x\nPAPER FILL AAPL BUY 1000", "x\rPAPER", "\x1b[2Kx", "a\x00b", "tab\there",
           "del\x7f", "c1\x9b2K", "ls\u2028x", "bidi\u202ex"]


@pytest.mark.parametrize("text", HOSTILE)
def test_control_characters_are_refused(text, free_broker):
    b = free_broker
    b.on_bar("AAPL", T0, 100.0, 101.0, 99.0, 100.0, 1e6)
    for field in ("client_id", "strategy", "signal_id"):
        with pytest.raises(InvalidArgument):
            b.submit("AAPL", "buy", 1, **{field: text})
    b.on_bar("AAPL", T0 + HOUR, 100.0, 101.0, 99.0, 100.0, 1e6)
    assert b.account().fills == 0 and b.orders() == []


@pytest.mark.parametrize("text", HOSTILE)
def test_decision_reasoning_is_text(text, tmp_path):
    with Ledger(tmp_path / "p.db") as led:
        led.create_account()
        with pytest.raises(InvalidArgument):
            led.add_decision("default", "AAPL", "buy", 0.9, reasoning=text)
        assert led.pending_decisions("default") == []
        led.add_decision("default", "AAPL", "buy", 0.9, reasoning="plain text, é € 日")


def test_messages_never_carry_raw_control_bytes():
    with pytest.raises(paperlib.PaperError) as info:
        Config(connection__ib_account="DU1\x1b[2K\rPAPER FILL")
    assert not any(ord(ch) < 0x20 for ch in str(info.value).replace("\n", ""))
    assert "\\x1b" in str(info.value)


# ---- numbers past C's types: a documented error, never OverflowError ----

HUGE = [2**63, 2**64, -(2**63) - 1, 10**400]


def _calls(tmp_path):
    """(name, call, expected error) for every numeric parameter of the public API."""
    from datetime import timedelta

    from paperlib import ConfigError, Intent, Metrics, MetricsOptions, Session, Trade
    from paperlib.enums import Direction, ExitReason

    b = paperlib.Broker(costs__slippage_pct=0.0)
    b.on_bar("AAPL", T0, 100.0, 101.0, 99.0, 100.0, 1e6)
    led = Ledger(tmp_path / "p.db")
    led.create_account()
    s = Session(b)

    def trade(**kw):
        t = dict(id=1, symbol="AAPL", direction=Direction.LONG, entry_ts=T0, exit_ts=T0 + HOUR,
                 qty=1.0, entry_price=1.0, exit_price=1.0, pnl_gross=0.0, fees=0.0, pnl_net=0.0,
                 exit_reason=ExitReason.MANUAL, strategy="", signal_id="", confidence=None,
                 pnl_gross_e8=0, fees_e8=0)
        t.update(kw)
        return Trade(**t)

    IA = InvalidArgument
    return b, led, [
        ("submit qty", lambda v: b.submit("AAPL", "buy", v), IA),
        ("submit limit", lambda v: b.submit("AAPL", "buy", 1, "limit", limit=v), IA),
        ("submit ts", lambda v: b.submit("AAPL", "buy", 1, ts=v), IA),
        ("submit oco_group", lambda v: b.submit("AAPL", "buy", 1, oco_group=v), IA),
        ("submit confidence", lambda v: b.submit("AAPL", "buy", 1, confidence=v), IA),
        ("cancel", lambda v: b.cancel(v), IA),
        ("order", lambda v: b.order(v), IA),
        ("replace", lambda v: b.replace(v, qty=1), IA),
        ("on_bar ts", lambda v: b.on_bar("AAPL", v, 1.0, 1.0, 1.0, 1.0), IA),
        ("on_bar price", lambda v: b.on_bar("AAPL", T0 + HOUR, v, v, v, v), IA),
        ("on_quote ts", lambda v: b.on_quote("AAPL", v, 0.0, 0.0, 1.0), IA),
        ("mark ts", lambda v: b.mark("AAPL", v, 1.0), IA),
        ("mark price", lambda v: b.mark("AAPL", T0 + HOUR, v), IA),
        ("report option", lambda v: b.report_html(refresh_seconds=v), IA),
        ("config int", lambda v: paperlib.Config(costs__seed=v), ConfigError),
        ("config double", lambda v: paperlib.Config(account__starting_cash=v), ConfigError),
        ("config set", lambda v: paperlib.Config().set("limits.max_open_positions", v), ConfigError),
        ("ledger option", lambda v: Ledger(tmp_path / "q.db", batch_events=v), IA),
        ("decision created", lambda v: led.add_decision("default", "AAPL", "buy", 0.5, created=v), IA),
        ("decision confidence", lambda v: led.add_decision("default", "AAPL", "buy", v), IA),
        ("pending limit", lambda v: led.pending_decisions("default", limit=v), IA),
        ("mark_decision id", lambda v: led.mark_decision(v, "skipped"), IA),
        ("mark_decision order", lambda v: led.mark_decision(1, "skipped", order_id=v), IA),
        ("intent qty", lambda v: s.submit_intent(Intent("AAPL", qty=v)), IA),
        ("intent max_hold", lambda v: s.submit_intent(Intent("AAPL", qty=1, max_hold=v)), IA),
        ("intent max_hold timedelta",
         lambda v: s.submit_intent(Intent("AAPL", qty=1, max_hold=timedelta.max)), IA),
        ("metrics ddof", lambda v: Metrics.from_arrays(options=MetricsOptions(ddof=v)), IA),
        ("metrics resample", lambda v: Metrics.from_arrays(options=MetricsOptions(resample_period=v)), IA),
        ("metrics ts", lambda v: Metrics.from_arrays(ts=[v], equity=[1.0]), IA),
        ("metrics equity", lambda v: Metrics.from_arrays(ts=[T0], equity=[v]), IA),
        ("trade id", lambda v: Metrics.from_arrays(trades=[trade(id=v)]), IA),
        ("trade ts", lambda v: Metrics.from_arrays(trades=[trade(entry_ts=v)]), IA),
        ("trade e8", lambda v: Metrics.from_arrays(trades=[trade(fees_e8=v)]), IA),
        ("trade qty", lambda v: Metrics.from_arrays(trades=[trade(qty=v)]), IA),
        ("sharpe ppy", lambda v: paperlib.metrics.sharpe_ratio([0.01, 0.02], periods_per_year=v), IA),
        ("sharpe returns", lambda v: paperlib.metrics.sharpe_ratio([0.01, v]), IA),
    ]


#: Parameters that are doubles in C: only an int past a double's range is this test's case.
_FLOAT_PARAMS = {'submit qty', 'submit limit', 'submit confidence', 'on_bar price', 'mark price', 'config double', 'decision confidence', 'intent qty', 'metrics equity', 'trade qty', 'sharpe ppy', 'sharpe returns'}


def test_huge_integers_are_invalid_arguments(tmp_path):
    b, led, calls = _calls(tmp_path)
    try:
        for name, call, error in calls:
            for v in HUGE:
                if name in ("submit oco_group", "cancel", "order", "replace",
                            "mark_decision order", "trade id") and 0 <= v < 2**64:
                    continue  # in range for a uint64: not this test's concern
                if name in _FLOAT_PARAMS and v != 10**400:
                    continue  # a double holds it: the library judges the value itself
                try:
                    call(v)
                except error:
                    continue
                except OverflowError as e:
                    pytest.fail(f"{name}({v}): OverflowError {e}")
                except paperlib.PaperError as e:
                    pytest.fail(f"{name}({v}): {type(e).__name__}, expected {error.__name__}: {e}")
                pytest.fail(f"{name}({v}) was accepted")
    finally:
        b.close()
        led.close()
