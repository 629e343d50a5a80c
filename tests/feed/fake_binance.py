#!/usr/bin/python3
"""A fake Binance spot market-data venue, written from the public documentation of the
WebSocket streams (combined streams /stream?streams=a/b wrapping each payload as
{"stream":..,"data":..}; <symbol>@kline_<interval> re-sent while the kline forms and once
closed with k.x true; <symbol>@bookTicker {u,s,b,B,a,A}; serverShutdown; prices as decimal
strings, times in milliseconds) and of REST `GET /api/v3/klines` (12-element arrays, oldest
first, at most 1000). 127.0.0.1 only.

Scenarios: normal, drop, close, garbage, oversized, slow, gap (closed klines the client never
sees: it must find the hole and refill it from REST), dup, ooo, shutdown (serverShutdown, then
a close), blackhole, busy (429 at the first handshake), all (one fault per connection).
Options: count=N klines per connection (default 20), rate=PER_SECOND (default 100),
seconds=N, clock=fast (bars from three hours ago, tick=S per kline; default tick 60;
without it klines close in real time, once per interval, e.g. @1s),
partial=N (forming updates per kline, default 1), book=0 (no bookTicker).
"""

import asyncio
import json
import random
import time

import venue
from venue import Faults

FAULTS = ["drop", "close", "garbage", "oversized", "slow", "gap", "dup", "ooo", "shutdown",
          "blackhole"]
INTERVALS = {"1s": 1, "1m": 60, "3m": 180, "5m": 300, "15m": 900, "30m": 1800, "1h": 3600}


class Binance(venue.Venue):
    NAME = "binance"

    def __init__(self, *a):
        super().__init__(*a)
        self.rng = random.Random(11)
        self.symbols = {}  # SYMBOL -> {"price", "u", "t"}
        self.klines = {}   # SYMBOL -> {open_ms: [o, h, l, c, v]}
        self.skip = {}     # SYMBOL -> closed klines still to leave out (a real-time gap)
        if self.fast and "tick" not in self.opts:
            self.tick_us = 60_000_000

    def handshake(self, path, headers, n):
        if self.scenario == "busy" and n == 0:
            return (429, [("Retry-After", "1")], b'{"code":-1003,"msg":"Too many requests"}')
        return None

    def fault_of(self, n):
        if self.scenario == "all":
            return FAULTS[n] if n < len(FAULTS) else None
        return self.scenario if self.scenario in FAULTS and n == 0 else None

    def state(self, sym):
        s = self.symbols.get(sym)
        if s is None:
            s = {"price": 100.0, "u": 400900217, "t": None}
            self.symbols[sym] = s
        return s

    def parse_streams(self, path):
        assert path.startswith("/stream?streams="), path
        streams = path.split("=", 1)[1].split("/")
        klines, books = [], []
        interval = None
        for st in streams:
            sym, _, kind = st.partition("@")
            assert sym == sym.lower(), st  # symbols are lower case in stream names
            if kind.startswith("kline_"):
                interval = kind[6:]
                assert interval in INTERVALS, st
                klines.append(sym.upper())
            elif kind == "bookTicker":
                books.append(sym.upper())
            else:
                raise AssertionError("unknown stream " + st)
        return klines, books, interval or "1m"

    def closed_since(self, sym, seconds):
        """Real time: has the interval after the last kline sent closed by now?"""
        s = self.state(sym)
        step = seconds * 1000
        return s["t"] is None or now_ms() // step * step - step > s["t"]

    def next_kline(self, sym, seconds):
        s = self.state(sym)
        step = seconds * 1000
        if s["t"] is None:
            s["t"] = self.clock(advance=False) // 1000 // step * step
            if not self.fast:
                s["t"] -= step  # the interval that has just closed
        else:
            s["t"] += step
            if self.fast:
                self.fake_now = max(self.fake_now, s["t"] * 1000)
        o = s["price"]
        c = max(1.0, o * (1 + self.rng.uniform(-0.002, 0.002)))
        h = max(o, c) * 1.001
        l = min(o, c) * 0.999
        s["price"] = c
        v = self.rng.uniform(1, 100)
        k = ["%.8f" % o, "%.8f" % h, "%.8f" % l, "%.8f" % c, "%.8f" % v]
        self.klines.setdefault(sym, {})[s["t"]] = k
        return s["t"], k

    def kline_msg(self, sym, t, k, interval, closed):
        seconds = INTERVALS[interval]
        return {"stream": "%s@kline_%s" % (sym.lower(), interval),
                "data": {"e": "kline", "E": now_ms(), "s": sym,
                         "k": {"t": t, "T": t + seconds * 1000 - 1, "s": sym, "i": interval,
                               "f": 100, "L": 200, "o": k[0], "c": k[3], "h": k[1], "l": k[2],
                               "v": k[4], "n": 100, "x": closed, "q": "1.0", "V": "0.5",
                               "Q": "0.5", "B": "0"}}}

    async def send_kline(self, ws, sym, t, k, interval, dup=False):
        for _ in range(int(self.opts.get("partial", "1"))):
            await self.send(ws, self.kline_msg(sym, t, k, interval, False))
        await self.send(ws, self.kline_msg(sym, t, k, interval, True), "kline", symbol=sym,
                        time=t, open=k[0], high=k[1], low=k[2], close=k[3], volume=k[4], dup=dup)

    async def send_book(self, ws, sym):
        s = self.state(sym)
        s["u"] += self.rng.randint(1, 9)
        p = s["price"]
        msg = {"u": s["u"], "s": sym, "b": "%.8f" % (p * 0.9999), "B": "31.21",
               "a": "%.8f" % (p * 1.0001), "A": "40.66"}
        await self.send(ws, {"stream": "%s@bookTicker" % sym.lower(), "data": msg}, "book",
                        symbol=sym, u=s["u"], bid=msg["b"], ask=msg["a"], dup=False)

    async def session(self, ws, n):
        klines, books, interval = self.parse_streams(ws.path)
        self.log.write(kind="connect", path=ws.path)
        fault = self.fault_of(n)
        count = int(self.opts.get("count", "20"))
        seconds = float(self.opts.get("seconds", "0"))
        rate = float(self.opts.get("rate", "100"))
        started = time.monotonic()
        i = 0
        while (seconds and time.monotonic() - started < seconds) or (not seconds and i < count):
            if fault and i == count // 2:
                if await self.inject(ws, fault, klines, books, interval):
                    return
            else:
                for sym in klines:
                    if not self.fast and not self.closed_since(sym, INTERVALS[interval]):
                        continue  # real time: a kline closes once per interval
                    t, k = self.next_kline(sym, INTERVALS[interval])
                    if self.skip.get(sym, 0) > 0:
                        self.skip[sym] -= 1
                        self.log.write(kind="missed", symbol=sym, time=t)
                        continue
                    await self.send_kline(ws, sym, t, k, interval)
                if self.opts.get("book", "1") != "0":
                    for sym in books:
                        await self.send_book(ws, sym)
            i += 1
            await self.pace(started, i, rate)
        if self.scenario == "all" and n < len(FAULTS):
            await ws.close(1000, "next fault")  # the next connection brings the next one
            return
        await asyncio.sleep(60)  # quiet but connected: the client's pings are answered

    async def inject(self, ws, fault, klines, books, interval):
        self.log.write(kind="fault", fault=fault)
        await asyncio.sleep(0.1)  # what was sent before the fault reaches the client first
        sym = (klines or books)[0]
        if fault == "drop":
            Faults.abort(ws)
            return True
        if fault == "close":
            await Faults.close(ws)
            return True
        if fault == "garbage":
            Faults.garbage(ws)
            return True
        if fault == "oversized":
            await Faults.oversized(ws)
            return True
        if fault == "blackhole":
            await Faults.blackhole(ws, 20)
            return True
        if fault == "shutdown":
            await self.send(ws, {"stream": "!serverShutdown", "data": {"e": "serverShutdown",
                                                                       "E": now_ms()}})
            await asyncio.sleep(0.5)
            await Faults.close(ws, 1001, "shutdown")
            return True
        if not klines:
            return False
        seconds = INTERVALS[interval]
        if not self.fast:
            return await self.inject_real_time(ws, fault, sym, books, interval)
        if fault == "slow":
            t, k = self.next_kline(sym, seconds)
            await Faults.slow_frame(ws, json.dumps(self.kline_msg(sym, t, k, interval, True)), 0.01)
            self.log.write(kind="kline", symbol=sym, time=t, open=k[0], high=k[1], low=k[2],
                           close=k[3], volume=k[4], dup=False)
        elif fault == "gap":
            for _ in range(3):  # closed klines the client never receives
                t, k = self.next_kline(sym, seconds)
                self.log.write(kind="missed", symbol=sym, time=t)
            t, k = self.next_kline(sym, seconds)
            await self.send_kline(ws, sym, t, k, interval)
        elif fault == "dup":
            t, k = self.next_kline(sym, seconds)
            await self.send_kline(ws, sym, t, k, interval)
            await self.send_kline(ws, sym, t, k, interval, dup=True)
        elif fault == "ooo":
            s = self.state(sym)
            old = s["t"] - 5 * seconds * 1000
            k = ["1.0", "1.0", "1.0", "1.0", "1.0"]
            await self.send(ws, self.kline_msg(sym, old, k, interval, True), "kline", symbol=sym,
                            time=old, open="1.0", high="1.0", low="1.0", close="1.0",
                            volume="1.0", dup=True, ooo=True)
        return False

    async def inject_real_time(self, ws, fault, sym, books, interval):
        """The faults of a real-time stream, where no kline may be sent before it closes."""
        s = self.state(sym)
        if fault == "gap":
            self.skip[sym] = 3  # the next three closed klines are never sent
        elif fault == "dup" and s["t"] is not None:
            k = self.klines[sym][s["t"]]
            await self.send_kline(ws, sym, s["t"], k, interval, dup=True)
        elif fault == "ooo" and s["t"] is not None:
            old = s["t"] - 5 * INTERVALS[interval] * 1000
            await self.send(ws, self.kline_msg(sym, old, ["1.0"] * 5, interval, True), "kline",
                            symbol=sym, time=old, dup=True, ooo=True)
        elif fault == "slow" and books:
            b = self.state(books[0])
            b["u"] += 1
            msg = {"u": b["u"], "s": books[0], "b": "%.8f" % (b["price"] * 0.9999), "B": "1",
                   "a": "%.8f" % (b["price"] * 1.0001), "A": "1"}
            await Faults.slow_frame(ws, json.dumps({"stream": "x@bookTicker", "data": msg}), 0.01)
            self.log.write(kind="book", symbol=books[0], u=b["u"], bid=msg["b"], ask=msg["a"],
                           dup=False)
        return False

    def rest(self, path, query, headers=None):
        if path != "/api/v3/klines":
            return 404, b'{"code":-1,"msg":"not found"}', {}
        sym = query.get("symbol", "")
        if sym != sym.upper() or sym not in self.klines:
            return 400, b'{"code":-1121,"msg":"Invalid symbol."}', {}
        if query.get("interval") not in INTERVALS:
            return 400, b'{"code":-1120,"msg":"Invalid interval."}', {}
        lo, hi = int(query.get("startTime", "0")), int(query.get("endTime", str(2 ** 62)))
        limit = min(int(query.get("limit", "500")), 1000)
        seconds = INTERVALS[query["interval"]]
        rows = []
        for t in sorted(self.klines[sym]):
            if lo <= t <= hi:
                o, h, l, c, v = self.klines[sym][t]
                rows.append([t, o, h, l, c, v, t + seconds * 1000 - 1, "1.0", 100, "0.5", "0.5",
                             "0"])
        return 200, json.dumps(rows[:limit]).encode(), {}


def now_ms():
    return int(time.time() * 1000)


if __name__ == "__main__":
    venue.run(Binance, ["normal", "busy", "all"] + FAULTS)
