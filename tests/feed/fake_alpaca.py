#!/usr/bin/python3
"""A fake Alpaca market-data v2 venue, written from the public documentation of the stream
(/v2/{feed}: every message a JSON array of objects tagged "T"; [{"T":"success","msg":
"connected"}], then the client's {"action":"auth","key","secret"} within 10 s, then
"authenticated", {"action":"subscribe","bars":[..],"quotes":[..],"trades":[..]} answered by a
"subscription"; minute bars "b" stamped at the minute's start, quotes "q", trades "t", "u"
corrections; error codes 402 auth failed, 404 auth timeout, 406 connection limit; prices as
JSON numbers, times RFC 3339 with nanoseconds) and of REST
`GET /v2/stocks/{symbol}/bars` (pages with next_page_token, APCA-API-* headers). 127.0.0.1 only.

The key pair it accepts comes from the environment it runs in (FAKE_KEY, FAKE_SECRET), so a
test can check that the client sends them only where they belong.

Scenarios: normal, badkey (402: the client must give up, not retry), busy406 (406 once),
drop, garbage, gap (minute bars the client misses while disconnected: refilled from REST),
dup, ooo, blackhole, all.
Options: count=N (default 20), rate=PER_SECOND (default 100), seconds=N, clock=fast (bars
from three hours ago, one minute per bar), echo=1 (error texts echo the key and secret,
as a careless venue might: the client must still never show them).
"""

import asyncio
import base64
import json
import os
import random
import time

import venue
from venue import Faults, iso9

FAULTS = ["drop", "garbage", "gap", "dup", "ooo", "blackhole"]


class Alpaca(venue.Venue):
    NAME = "alpaca"

    def __init__(self, *a):
        super().__init__(*a)
        self.rng = random.Random(13)
        self.key = os.environ.get("FAKE_KEY", "PKTESTKEY")
        self.secret = os.environ.get("FAKE_SECRET", "s3cr3t")
        self.price = {}
        self.bars = {}     # symbol -> {minute_us: bar dict}
        self.minute = None
        if self.fast and "tick" not in self.opts:
            self.tick_us = 60_000_000

    def fault_of(self, n):
        if self.scenario == "all":
            return FAULTS[n] if n < len(FAULTS) else None
        return self.scenario if self.scenario in FAULTS and n == 0 else None

    async def send_arr(self, ws, items, kind=None, **rec):
        await self.send(ws, items, kind, **rec)

    async def session(self, ws, n):
        assert ws.path.startswith("/v2/"), ws.path
        await self.send_arr(ws, [{"T": "success", "msg": "connected"}])
        auth = await self.recv_json(ws, timeout=10)
        assert auth.get("action") == "auth", auth
        self.log.write(kind="auth", key_ok=auth.get("key") == self.key,
                       secret_ok=auth.get("secret") == self.secret)
        if self.scenario == "badkey" or auth.get("key") != self.key or \
                auth.get("secret") != self.secret:
            msg = "auth failed"
            if self.opts.get("echo") == "1":
                msg = "auth failed for key %s secret %s" % (auth.get("key"), auth.get("secret"))
            await self.send_arr(ws, [{"T": "error", "code": 402, "msg": msg}])
            await ws.close(1008, "auth failed")
            return
        if self.scenario == "busy406" and n == 0:
            await self.send_arr(ws, [{"T": "error", "code": 406,
                                      "msg": "connection limit exceeded"}])
            await ws.close(1008, "connection limit exceeded")
            return
        await self.send_arr(ws, [{"T": "success", "msg": "authenticated"}])
        sub = await self.recv_json(ws)
        assert sub.get("action") == "subscribe", sub
        self.log.write(kind="subscribe", message=sub)
        bars, quotes, trades = sub.get("bars", []), sub.get("quotes", []), sub.get("trades", [])
        await self.send_arr(ws, [{"T": "subscription", "trades": trades, "quotes": quotes,
                                  "bars": bars, "updatedBars": [], "dailyBars": [],
                                  "statuses": [], "lulds": [], "corrections": trades,
                                  "cancelErrors": trades}])
        await self.stream(ws, n, bars, quotes, trades)

    def next_minute(self):
        if self.minute is None:
            self.minute = self.clock(advance=False) // 60_000_000 * 60_000_000 - 60_000_000
        else:
            self.minute += 60_000_000
            if self.fast:
                self.fake_now = max(self.fake_now, self.minute + 60_000_000)
        return self.minute

    def make_bar(self, sym, minute):
        p = self.price.get(sym, 150.0)
        c = round(p * (1 + self.rng.uniform(-0.002, 0.002)), 4)
        bar = {"T": "b", "S": sym, "o": round(p, 4), "h": round(max(p, c) + 0.01, 4),
               "l": round(min(p, c) - 0.01, 4), "c": c, "v": self.rng.randint(100, 9000),
               "t": iso9(minute, 0)[:-11] + "Z", "n": 42, "vw": round((p + c) / 2, 4)}
        self.price[sym] = c
        self.bars.setdefault(sym, {})[minute] = bar
        return bar

    async def stream(self, ws, n, bars, quotes, trades):
        fault = self.fault_of(n)
        count = int(self.opts.get("count", "20"))
        seconds = float(self.opts.get("seconds", "0"))
        rate = float(self.opts.get("rate", "100"))
        started = time.monotonic()
        i = 0
        while (seconds and time.monotonic() - started < seconds) or (not seconds and i < count):
            if fault and i == count // 2:
                if await self.inject(ws, fault, bars):
                    return
            else:
                await self.one_step(ws, bars, quotes, trades)
            i += 1
            await self.pace(started, i, rate)
        if self.scenario == "all" and n < len(FAULTS):
            await ws.close(1000, "next fault")  # the next connection brings the next one
            return
        await asyncio.sleep(60)

    async def one_step(self, ws, bars, quotes, trades, dup=False):
        batch = []
        minute = self.next_minute() if bars else None
        for sym in bars:
            b = self.make_bar(sym, minute)
            batch.append(b)
            self.log.write(kind="bar", symbol=sym, time=b["t"], open=b["o"], high=b["h"],
                           low=b["l"], close=b["c"], volume=b["v"], dup=dup)
        now = self.clock(advance=False)
        for sym in quotes:
            p = self.price.get(sym, 150.0)
            q = {"T": "q", "S": sym, "bx": "V", "bp": round(p - 0.01, 2), "bs": 1, "ax": "V",
                 "ap": round(p + 0.01, 2), "as": 2, "t": iso9(now), "c": ["R"], "z": "C"}
            batch.append(q)
            self.log.write(kind="quote", symbol=sym, bid=q["bp"], ask=q["ap"], time=q["t"])
        for sym in trades:
            p = self.price.get(sym, 150.0)
            t = {"T": "t", "S": sym, "i": self.rng.randint(1, 10 ** 9), "x": "V", "p": p, "s": 100,
                 "t": iso9(now), "c": ["@"], "z": "C"}
            batch.append(t)
            self.log.write(kind="trade", symbol=sym, price=p, time=t["t"])
        # A correction of an earlier bar: a revision, never new data.
        if bars and self.rng.random() < 0.2:
            batch.append(dict(self.make_bar_copy(bars[0]), T="u"))
        if batch:
            await self.send_arr(ws, batch)

    def make_bar_copy(self, sym):
        minute = max(self.bars.get(sym, {0: None}))
        b = self.bars.get(sym, {}).get(minute)
        return dict(b) if b else {"S": sym, "o": 1, "h": 1, "l": 1, "c": 1, "v": 1,
                                  "t": iso9(minute, 0)}

    async def inject(self, ws, fault, bars):
        self.log.write(kind="fault", fault=fault)
        await asyncio.sleep(0.1)  # what was sent before the fault reaches the client first
        if fault == "drop":
            Faults.abort(ws)
            return True
        if fault == "garbage":
            Faults.garbage(ws)
            return True
        if fault == "blackhole":
            await Faults.blackhole(ws, 20)
            return True
        if fault == "gap":
            # Minutes that pass while the client is away: only REST can give them back.
            for _ in range(3):
                minute = self.next_minute()
                for sym in bars:
                    self.make_bar(sym, minute)
                    self.log.write(kind="missed", symbol=sym, time=minute)
            Faults.abort(ws)
            return True
        if fault == "dup" and bars:
            minute = self.minute
            await self.send_arr(ws, [self.bars[bars[0]][minute]], "bar", symbol=bars[0],
                                time=self.bars[bars[0]][minute]["t"], dup=True)
        if fault == "ooo" and bars:
            old = dict(self.bars[bars[0]][min(self.bars[bars[0]])])
            await self.send_arr(ws, [old], "bar", symbol=bars[0], time=old["t"], dup=True,
                                ooo=True)
        return False

    def rest(self, path, query, headers=None):
        parts = path.strip("/").split("/")
        if len(parts) != 4 or parts[:2] != ["v2", "stocks"] or parts[3] != "bars":
            return 404, b'{"message":"not found"}', {}
        hdrs = {k.lower(): v for k, v in (headers or {}).items()}
        if hdrs.get("apca-api-key-id") != self.key or hdrs.get("apca-api-secret-key") != self.secret:
            return 403, b'{"message":"forbidden"}', {}
        sym = parts[2]
        start, end = query.get("start", ""), query.get("end", "")
        rows = []
        for minute in sorted(self.bars.get(sym, {})):
            b = self.bars[sym][minute]
            if start <= b["t"] <= end:
                rows.append({k: v for k, v in b.items() if k not in ("T", "S")})
        # Two pages when there is more than one bar: the client must follow the token, a
        # cursor (the last time of the first page), as the venue's tokens are.
        token = query.get("page_token")
        if token:
            cursor = base64.b64decode(token).decode()
            page, nxt = [r for r in rows if r["t"] > cursor], None
        else:
            half = (len(rows) + 1) // 2
            page = rows[:half]
            nxt = base64.b64encode(page[-1]["t"].encode()).decode() if len(rows) > 1 else None
        body = {"bars": page, "symbol": sym, "next_page_token": nxt}
        return 200, json.dumps(body).encode(), {}


if __name__ == "__main__":
    venue.run(Alpaca, ["normal", "badkey", "busy406", "all"] + FAULTS)
