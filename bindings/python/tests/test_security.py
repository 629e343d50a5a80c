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
