#!/usr/bin/python3
"""The feed client against the fake venues, through `paper feed --json` (the real client code:
libpaper's feed thread on libsoup). One group per venue, plus the transport faults:

    check_feed.py PAPER coinbase|binance|alpaca|http-poll|transport

Each check starts a fake, runs the client, and compares what arrived with what the fake logged
as sent: every price, exactly, once, in order; duplicates and out-of-order messages dropped
and counted; gaps refilled from REST with the bars flagged; faults survived (no crash, no hang:
every run is bounded by a timeout) and visible in the health.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FAST, Fake, run  # noqa: E402

PAPER = None
KEY, SECRET = "PKFEEDTESTKEY01", "sEcReT-Never-Shown-42"


def feed(v, source, *extra, seconds=None, count=None, env=None, expect=0, urls=None):
    args = [PAPER, "feed", "--json", "--feed", source]
    args += v.urls() if urls is None else urls
    args += FAST + list(extra)
    if seconds:
        args += ["--seconds", str(seconds)]
    if count:
        args += ["--count", str(count)]
    code, out, err = run(args, timeout=90, env=env, check=expect)
    lines = [json.loads(l) for l in out.splitlines() if l.strip()]
    assert "health" in lines[-1], lines[-1:]
    return [l for l in lines[:-1]], lines[-1]["health"], err


def of(msgs, kind, symbol=None):
    return [m for m in msgs if m["type"] == kind and (symbol is None or m["symbol"] == symbol)]


def iso_us(s):
    """ISO text -> microseconds, for comparing times exactly."""
    base, _, frac = s.rstrip("Z").partition(".")
    t = time.strptime(base, "%Y-%m-%dT%H:%M:%S")
    import calendar
    return calendar.timegm(t) * 1_000_000 + int((frac + "000000")[:6] if frac else 0)


def check(cond, what, *detail):
    if not cond:
        for d in detail:
            sys.stderr.write("%s\n" % (d,))
        raise AssertionError(what)


# ---- coinbase ----

def coinbase_normal():
    with Fake("coinbase", "normal", {"count": "60", "rate": "400"}) as v:
        msgs, health, _ = feed(v, "coinbase:BTC-USD,ETH-USD", seconds=3)
        sub = v.sent("subscribe")[0]["message"]
        names = {c["name"]: sorted(c["product_ids"]) for c in sub["channels"]}
        check(names == {"heartbeat": ["BTC-USD", "ETH-USD"], "ticker": ["BTC-USD", "ETH-USD"],
                        "matches": ["BTC-USD", "ETH-USD"]}, "subscribe message", sub)
        for sym in ("BTC-USD", "ETH-USD"):
            sent = [r for r in v.sent("ticker") if r["product"] == sym]
            got = of(msgs, "quote", sym)
            check(len(sent) == 30 and len(got) == 30, "every ticker once", len(sent), len(got))
            for s, g in zip(sent, got):
                check(g["last"] == float(s["price"]) and g["bid"] == float(s["bid"]) and
                      g["ask"] == float(s["ask"]) and g["seq"] == s["seq"] and
                      iso_us(g["ts"]) == iso_us(s["time"]), "quote fields", s, g)
            trades = of(msgs, "trade", sym)
            check([t["seq"] for t in trades] == [r["trade_id"] for r in v.sent("match")
                                                 if r["product"] == sym],
                  "every match once, in order")
        h = health[0]
        check(h["state"] == "up" and h["connected"] and h["reconnects"] == 0 and h["gaps"] == 0
              and h["bad_messages"] == 0 and h["duplicates"] == 0, "health", h)
        check(abs(h["clock_skew_ms"]) < 2000, "skew measured", h)


def coinbase_faults():
    """Every fault in turn, one per connection: the stream goes on after each."""
    with Fake("coinbase", "all", {"count": "40", "rate": "400"}) as v:
        msgs, health, _ = feed(v, "coinbase:BTC-USD", seconds=8)
        h = health[0]
        faults = [r["fault"] for r in v.sent("fault")]
        check(len(faults) >= 9, "the fake went through its faults", faults, h)
        check(h["reconnects"] >= 7 and h["duplicates"] >= 1 and h["out_of_order"] >= 1 and
              h["gaps"] >= 1 and h["state"] == "up", "faults visible in the health", h)
        sent = [r for r in v.sent("ticker") if not r.get("dup")]
        got = of(msgs, "quote")
        check([float(s["price"]) for s in sent] == [g["last"] for g in got],
              "every good ticker once, nothing else", len(sent), len(got))
        trades = [t["seq"] for t in of(msgs, "trade")]
        check(trades == sorted(set(trades)), "trades increase, no duplicate")
        states = [m["state"] for m in of(msgs, "status")]
        check(states.count("reconnecting") >= 7, "each drop said", states)


def coinbase_gap_backfill():
    """Trades lost (a trade-id jump): the minutes they fell in come from REST candles."""
    with Fake("coinbase", "gap", {"count": "240", "rate": "400", "clock": "fast",
                                  "tick": "2"}) as v:
        msgs, health, _ = feed(v, "coinbase:BTC-USD", seconds=4)
        h = health[0]
        bars = of(msgs, "bar")
        filled = [b for b in bars if b["backfill"]]
        check(h["gaps"] == 1 and len(filled) >= 1 and h["backfilled_bars"] == len(filled),
              "gap refilled", h, filled)
        check(len(v.sent("rest")) == 1, "one REST request", v.sent("rest"))
        ts = [iso_us(b["ts"]) for b in bars]
        check(ts == sorted(set(ts)) and all(b - a == 60_000_000 for a, b in zip(ts, ts[1:])),
              "one bar per minute, in order, none missing", ts)
        candles = {r["time"]: r for r in v.sent("candle")}
        for b in filled:
            c = candles[iso_us(b["ts"]) // 1_000_000]
            check((b["open"], b["high"], b["low"], b["close"]) ==
                  (c["open"], c["high"], c["low"], c["close"]), "the venue's candle", b, c)


def coinbase_refused():
    """Every product refused: failed at once, no reconnect loop."""
    with Fake("coinbase", "refused") as v:
        msgs, health, err = feed(v, "coinbase:BTC-XYZ", seconds=6, expect=1)
        h = health[0]
        check(h["state"] == "failed" and "not a valid product" in h["last_error"],
              "failed with the venue's reason", h)
        check(len(v.sent("subscribe")) == 1, "subscribed once only", v.sent("subscribe"))
    with Fake("coinbase", "partial", {"count": "20"}) as v:
        msgs, health, _ = feed(v, "coinbase:BTC-USD,BAD-USD", seconds=2)
        check(health[0]["state"] == "up" and "refused" in health[0]["last_error"] and
              of(msgs, "quote", "BTC-USD"), "the good product streams", health)


def coinbase_busy():
    """429 with Retry-After: 1 at the first handshake: the next attempt waits at least 1 s."""
    with Fake("coinbase", "busy", {"count": "10"}) as v:
        msgs, health, _ = feed(v, "coinbase:BTC-USD", seconds=3)
        st = of(msgs, "status")
        check("HTTP 429" in st[0]["text"] and "reconnecting in 1000 ms" in st[0]["text"],
              "Retry-After honoured", st)
        check(iso_us(st[1]["ts"]) - iso_us(st[0]["ts"]) >= 1_000_000 and st[1]["state"] == "up",
              "waited", st)


# ---- binance ----

def binance_faults():
    with Fake("binance", "all", {"count": "16", "rate": "200", "clock": "fast"}) as v:
        msgs, health, _ = feed(v, "binance:btcusdt,ethusdt@book", seconds=8)
        h = health[0]
        connect = v.sent("connect")[0]["path"]
        check(connect == "/stream?streams=btcusdt@kline_1m/btcusdt@bookTicker/ethusdt@bookTicker",
              "stream names: lower case, interval as given", connect)
        check(len(v.sent("fault")) == 10, "every fault", v.sent("fault"), h)
        bars = of(msgs, "bar", "BTCUSDT")
        ts = [iso_us(b["ts"]) for b in bars]
        check(ts == sorted(set(ts)) and all(b - a == 60_000_000 for a, b in zip(ts, ts[1:])),
              "bars in order, each once, the gap refilled", ts)
        sent = {r["time"] * 1000: r for r in v.sent("kline") if not r.get("dup")}
        missed = {r["time"] * 1000 for r in v.sent("missed")}
        for b in bars:
            t = iso_us(b["ts"])
            check((t in missed) == b["backfill"], "backfilled exactly the missed ones", b)
            if t in sent:
                s = sent[t]
                check((b["open"], b["high"], b["low"], b["close"], b["volume"]) ==
                      tuple(float(s[k]) for k in ("open", "high", "low", "close", "volume")),
                      "bar fields", s, b)
        check(set(sent) | missed == set(ts), "nothing lost", sorted(set(sent) - set(ts)))
        check(h["gaps"] == 1 and h["backfilled_bars"] == 3 and h["duplicates"] >= 1 and
              h["out_of_order"] >= 1 and h["bad_messages"] == 0, "health", h)
        quotes = of(msgs, "quote", "ETHUSDT")
        check(all(q["bid"] < q["ask"] and q.get("receive_time") for q in quotes) and quotes,
              "bookTicker quotes stamped on arrival")
        texts = " | ".join(m["text"] for m in of(msgs, "status"))
        check("the venue announced a shutdown" in texts and "idle timeout" in texts,
              "shutdown and blackhole seen", texts)


# ---- alpaca ----

def alpaca_env(**extra):
    env = dict(os.environ, APCA_API_KEY_ID=KEY, APCA_API_SECRET_KEY=SECRET, FAKE_KEY=KEY,
               FAKE_SECRET=SECRET)
    env.update(extra)
    return env


def no_secret(*texts):
    for t in texts:
        check(SECRET not in t and KEY not in t, "a key or the secret was shown", t[:2000])


def alpaca_normal_and_gap():
    env = alpaca_env()
    os.environ.update(FAKE_KEY=KEY, FAKE_SECRET=SECRET)
    with Fake("alpaca", "gap", {"count": "10", "clock": "fast"}) as v:
        msgs, health, err = feed(v, "alpaca:AAPL,MSFT?data=bars,quotes,trades", seconds=5,
                                 env=env)
        auth = v.sent("auth")
        check(all(a["key_ok"] and a["secret_ok"] for a in auth) and len(auth) == 2,
              "authenticated twice (a drop in between)", auth)
        sub = v.sent("subscribe")[0]["message"]
        check(sub == {"action": "subscribe", "bars": ["AAPL", "MSFT"], "quotes": ["AAPL", "MSFT"],
                      "trades": ["AAPL", "MSFT"]}, "subscribe message", sub)
        for sym in ("AAPL", "MSFT"):
            bars = of(msgs, "bar", sym)
            ts = [iso_us(b["ts"]) for b in bars]
            check(ts == sorted(set(ts)), "bars in order, once", ts)
            missed = {r["time"] for r in v.sent("missed") if r["symbol"] == sym}
            filled = {iso_us(b["ts"]) for b in bars if b["backfill"]}
            check(missed and missed <= filled, "the minutes missed while away came from REST",
                  sorted(missed), sorted(filled))
        pages = [r for r in v.sent("rest")]
        check(any("page_token" in r["query"] for r in pages), "followed the next page", pages)
        check(health[0]["backfilled_bars"] >= 6 and health[0]["reconnects"] == 1, "health",
              health)
        no_secret(json.dumps(msgs), json.dumps(health), err)


def alpaca_bad_key():
    """402: wrong key; never retried; neither the key nor the secret shown, even when the venue
    echoes them back."""
    os.environ.update(FAKE_KEY=KEY, FAKE_SECRET="the-right-one")
    with Fake("alpaca", "badkey", {"echo": "1"}) as v:
        msgs, health, err = feed(v, "alpaca:AAPL", seconds=4, env=alpaca_env(), expect=1)
        check(health[0]["state"] == "failed" and "402" in health[0]["last_error"], "failed",
              health)
        check(len(v.sent("auth")) == 1, "tried once", v.sent("auth"))
        no_secret(json.dumps(msgs), json.dumps(health), err)
    code, out, err = run([PAPER, "feed", "--feed", "alpaca:AAPL"], timeout=30,
                         env={k: v for k, v in os.environ.items() if not k.startswith("APCA_")})
    check(code == 2 and "APCA_API_KEY_ID" in err, "missing keys refused", code, err)


def alpaca_busy():
    os.environ.update(FAKE_KEY=KEY, FAKE_SECRET=SECRET)
    with Fake("alpaca", "busy406", {"count": "5"}) as v:
        msgs, health, err = feed(v, "alpaca:AAPL", seconds=3, env=alpaca_env())
        st = of(msgs, "status")
        check("406" in st[0]["text"] and st[-1]["state"] == "up", "406 then up", st)


# ---- http-poll ----

def http_poll():
    for scenario, check_fn in (("normal", None), ("errors", None), ("dup", None), ("ooo", None)):
        with Fake("http-poll", scenario) as v:
            src = "http-poll:%s/price#price=$.data.price&time=$.data.ts&bid=$.data.bid&" \
                  "ask=$.data.ask&symbol=XYZ&interval=0.1" % v.rest_url()
            msgs, health, _ = feed(v, src, seconds=2.5, urls=[])
            h = health[0]
            sent = [r for r in v.sent("quote") if not r.get("dup")]
            got = of(msgs, "quote")
            if len(sent) == len(got) + 1:
                sent.pop()  # answered as the client stopped
            check([float(s["price"]) for s in sent] == [g["last"] for g in got] and got,
                  scenario + ": every good quote once", len(sent), len(got))
            check(all(iso_us(g["ts"]) == s["ts"] * 1000 for s, g in zip(sent, got)),
                  "times from the mapping")
            if scenario == "errors":
                check(h["bad_messages"] >= 3, "bad responses counted", h)
            if scenario == "dup":
                check(h["duplicates"] >= 1, "duplicates counted", h)
            if scenario == "ooo":
                check(h["out_of_order"] >= 1, "older quotes refused", h)
    with Fake("http-poll", "down") as v:
        src = "http-poll:%s/price#price=$.data.price&symbol=XYZ&interval=0.1" % v.rest_url()
        msgs, health, _ = feed(v, src, "--max-attempts", "4", seconds=20, urls=[], expect=1)
        check(health[0]["state"] == "failed", "gave up after four failures", health)


# ---- transport ----

def transport():
    # A port nobody listens on: refused, retried with backoff, given up after 3 attempts.
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    t0 = time.monotonic()
    msgs, health, _ = feed(None, "coinbase:BTC-USD", "--max-attempts", "3", seconds=30,
                           urls=["--feed-url", "ws://127.0.0.1:%d" % port], expect=1)
    check(health[0]["state"] == "failed" and "gave up after 3" in health[0]["last_error"] or
          "cannot connect" in health[0]["last_error"], "refused", health)
    check(time.monotonic() - t0 < 10, "not a hang")
    # A venue that accepts the connection and never answers the handshake.
    with Fake("coinbase", "normal") as v:
        t0 = time.monotonic()
        msgs, health, _ = feed(None, "coinbase:BTC-USD", "--max-attempts", "2", seconds=30,
                               urls=["--feed-url", "ws://127.0.0.1:%d" % v.raw], expect=1)
        check("no handshake within 1500 ms" in " ".join(m["text"] for m in of(msgs, "status")),
              "handshake deadline", msgs)
        check(time.monotonic() - t0 < 12, "bounded")
    # A venue that answers the handshake, never the subscription.
    with Fake("coinbase", "silent") as v:
        msgs, health, _ = feed(v, "coinbase:BTC-USD", seconds=4)
        check("no subscription reply" in health[0]["last_error"] and health[0]["messages"] == 0,
              "subscription deadline", health)
    # Slow frames arrive whole; an oversized frame costs the connection, not the process.
    with Fake("coinbase", "slow", {"count": "20"}) as v:
        msgs, health, _ = feed(v, "coinbase:BTC-USD", seconds=3)
        check(len(of(msgs, "quote")) == len(v.sent("ticker")) and health[0]["reconnects"] == 0,
              "slow frame read whole", health)
    with Fake("coinbase", "oversized", {"count": "20"}) as v:
        msgs, health, _ = feed(v, "coinbase:BTC-USD", seconds=3)
        check(health[0]["reconnects"] == 1 and health[0]["state"] == "up", "reconnected", health)
    # The endpoints a feed may not reach, whatever the override.
    for url in ("wss://paper-api.alpaca.markets", "ws://127.0.0.1:7497",
                "https://api.binance.com/api/v3/order"):
        code, out, err = run([PAPER, "feed", "--feed", "binance:btcusdt", "--feed-url", url,
                              "--seconds", "1"], timeout=30)
        check(code == 2 and ("trading" in err or "not a ws:// or wss:// URL" in err), url, err)


# ---- record ----

def record():
    """paper record: the venue's bars, backfilled ones included, as CSV paper replay reads."""
    import csv
    import tempfile
    out = tempfile.mkdtemp(prefix="record-")
    with Fake("binance", "gap", {"count": "20", "rate": "200", "clock": "fast"}) as v:
        code, _, err = run([PAPER, "record", "--feed", "binance:btcusdt@1m,ethusdt@1m",
                            *v.urls(), *FAST, "--out", out, "--seconds", "4"], timeout=60,
                           check=0)
        for sym in ("BTCUSDT", "ETHUSDT"):
            with open(os.path.join(out, sym + ".csv"), encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
            sent = {r["time"] * 1000: r for r in v.sent("kline") if r["symbol"] == sym}
            missed = {r["time"] * 1000 for r in v.sent("missed") if r["symbol"] == sym}
            times = [iso_us(r["timestamp"]) for r in rows]
            check(set(times) == set(sent) | missed and times == sorted(times),
                  sym + ": every bar once, the missed ones too", len(times), len(sent))
            for r in rows:
                s = sent.get(iso_us(r["timestamp"]))
                if s:
                    check(all(float(r[k]) == float(s[k]) for k in
                              ("open", "high", "low", "close", "volume")), "exact", r, s)
        check("40 bars written" in err or "bars written" in err, "summary", err)
    # Run again: appended after the last bar, nothing twice.
    with Fake("binance", "normal", {"count": "40", "clock": "fast"}) as v:
        run([PAPER, "record", "--feed", "binance:btcusdt@1m", *v.urls(), *FAST, "--out", out,
             "--seconds", "2"], timeout=60, check=0)
    with open(os.path.join(out, "BTCUSDT.csv"), encoding="utf-8") as f:
        times = [iso_us(r["timestamp"]) for r in csv.DictReader(f)]
    check(times == sorted(set(times)), "appended in order, no duplicate", times)
    # paper replay reads the directory as it is.
    sig = os.path.join(tempfile.mkdtemp(prefix="signals-"), "signals.csv")
    with open(sig, "w", encoding="utf-8") as f:
        f.write("timestamp,symbol,side,confidence\n")
    code, so, err = run([PAPER, "replay", "--bars", out, "--signals", sig, "--summary-out", "-",
                         "--trades-out", sig + ".trades", "--quiet",
                         "--no-progress"], timeout=60)
    check(code == 0 and '"bars"' in so, "paper replay reads the recording", code, err[-500:])
    # http-poll gives quotes only: bars are built from them.
    with Fake("http-poll", "normal") as v:
        src = "http-poll:%s/price#price=$.data.price&symbol=XYZ&interval=0.1" % v.rest_url()
        code, _, err = run([PAPER, "record", "--feed", src, "--from-ticks", "1", "--out", out,
                            "--seconds", "3.5"], timeout=60, check=0)
    with open(os.path.join(out, "XYZ.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    check(2 <= len(rows) <= 4 and all(float(r["low"]) <= float(r["close"]) <= float(r["high"])
                                      for r in rows), "bars of one second from the quotes", rows)


GROUPS = {
    "coinbase": [coinbase_normal, coinbase_faults, coinbase_gap_backfill, coinbase_refused,
                 coinbase_busy],
    "binance": [binance_faults],
    "alpaca": [alpaca_normal_and_gap, alpaca_bad_key, alpaca_busy],
    "http-poll": [http_poll],
    "transport": [transport],
    "record": [record],
}


def main(argv):
    global PAPER
    PAPER = argv[1]
    for fn in GROUPS[argv[2]]:
        t0 = time.monotonic()
        fn()
        print("ok %s (%.1f s)" % (fn.__name__, time.monotonic() - t0), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
