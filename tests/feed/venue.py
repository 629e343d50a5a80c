"""Shared machinery of the fake venues (tests/feed/fake_*.py): 127.0.0.1 only, ephemeral
ports, a bounded lifetime, and the faults real feeds have, injected on request.

Each fake runs a WebSocket server (python3-websockets, the legacy asyncio server of 10.x) and,
for backfill, a REST server (http.server) in the same process. Every price message it sends is
appended to a JSON-lines log (--log), so a test can compare what arrived with what was sent.

A fake is started by a test as `/usr/bin/python3 fake_X.py --scenario NAME [--log FILE]
[--lifetime SECONDS]`; its first line on stdout is `ws=PORT rest=PORT raw=PORT` (raw: a TCP
listener that accepts and never answers, for the "venue that never answers" fault). It exits
by itself after the lifetime, or when its standard input closes.
"""

import argparse
import asyncio
import http
import http.server
import json
import logging
import os
import socket
import sys
import threading
import time
import urllib.parse

import websockets

# Client frames bigger than this are refused (the venues' own limits are small).
MAX_CLIENT_FRAME = 1 << 16


def now_ms():
    return int(time.time() * 1000)


def iso(ts_us):
    """RFC 3339 with microseconds, as Coinbase writes it."""
    s, us = divmod(int(ts_us), 1_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)) + ".%06dZ" % us


def iso9(ts_us, extra_ns=123):
    """RFC 3339 with nanoseconds, as Alpaca writes it."""
    s, us = divmod(int(ts_us), 1_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)) + ".%06d%03dZ" % (us, extra_ns)


class Log:
    """What the venue sent, one JSON object per line (thread-safe)."""

    def __init__(self, path):
        self.f = open(path, "a", encoding="utf-8") if path else None
        self.lock = threading.Lock()

    def write(self, **rec):
        if self.f is None:
            return
        with self.lock:
            self.f.write(json.dumps(rec, sort_keys=True) + "\n")
            self.f.flush()


class Faults:
    """Low-level ways to misbehave on one connection."""

    @staticmethod
    def abort(ws):
        ws.transport.abort()

    @staticmethod
    async def close(ws, code=1001, reason="going away"):
        await ws.close(code, reason)

    @staticmethod
    def garbage(ws):
        ws.transport.write(b"\xff\xff\xff\x00garbage")

    @staticmethod
    async def bad_utf8(ws):
        await ws.write_frame(True, 0x1, b"\xc3\x28")

    @staticmethod
    async def oversized(ws, size=2_000_000):
        await ws.send("y" * size)

    @staticmethod
    async def slow_frame(ws, text, pause=0.05):
        """One text frame written a few bytes at a time."""
        data = text.encode()
        header = bytes([0x81])
        n = len(data)
        if n < 126:
            header += bytes([n])
        elif n < 65536:
            header += bytes([126]) + n.to_bytes(2, "big")
        else:
            header += bytes([127]) + n.to_bytes(8, "big")
        frame = header + data
        # No reading meanwhile: a pong to the client's ping would land inside our frame.
        ws.transport.pause_reading()
        for i in range(0, len(frame), 7):
            ws.transport.write(frame[i:i + 7])
            await asyncio.sleep(pause)
        ws.transport.resume_reading()

    @staticmethod
    async def blackhole(ws, seconds):
        """TCP stays up, nothing flows either way (our pings go unanswered)."""
        ws.transport.pause_reading()
        await asyncio.sleep(seconds)


class Venue:
    """A fake venue: subclasses set NAME and implement `session(ws, n)` for the n-th
    connection (0-based) and `rest(path, query)` -> (status, body, headers)."""

    NAME = "venue"

    def __init__(self, scenario, log, lifetime, opts=None):
        self.scenario = scenario
        self.log = Log(log)
        self.lifetime = lifetime
        self.opts = opts or {}
        self.connections = 0
        self.rest_calls = []
        self.loop = None
        self.done = None
        # clock=fast: venue time starts three hours ago and moves `tick` seconds per
        # message, so minutes of bars close in a fraction of a second, all in the past.
        self.fast = self.opts.get("clock") == "fast"
        self.tick_us = int(float(self.opts.get("tick", "1")) * 1_000_000)
        self.fake_now = (time.time_ns() // 1000 - 3 * 3600 * 1_000_000) // 60_000_000 * 60_000_000

    def clock(self, advance=True):
        """Venue time now, in microseconds."""
        if not self.fast:
            return time.time_ns() // 1000
        if advance:
            self.fake_now += self.tick_us
        return self.fake_now

    # ---- hooks ----
    async def session(self, ws, n):
        raise NotImplementedError

    def rest(self, path, query, headers=None):
        return 404, b'{"message":"not found"}', {}

    def handshake(self, path, headers, n):
        """None to accept; (status, headers, body) to refuse the upgrade."""
        return None

    # ---- helpers for subclasses ----
    async def pace(self, started, i, rate):
        """Hold message i back to `rate` a second from `started`; yield now and then."""
        ahead = started + i / rate - time.monotonic()
        if ahead > 0.001:
            await asyncio.sleep(ahead)
        elif i % 64 == 0:
            await asyncio.sleep(0)

    async def send(self, ws, obj, kind=None, **rec):
        text = json.dumps(obj, separators=(",", ":"))
        await ws.send(text)
        if kind:
            self.log.write(kind=kind, **rec)

    async def recv_json(self, ws, timeout=5):
        raw = await asyncio.wait_for(ws.recv(), timeout)
        return json.loads(raw)

    # ---- plumbing ----
    async def _handler(self, ws, path=None):
        n = self.connections
        self.connections += 1
        try:
            await self.session(ws, n)
        except (websockets.ConnectionClosed, asyncio.TimeoutError, ConnectionError):
            pass

    async def _process_request(self, path, headers):
        refused = self.handshake(path, headers, self.connections)
        if refused is None:
            return None
        self.connections += 1
        status, hdrs, body = refused
        return http.HTTPStatus(status), hdrs, body

    def _rest_server(self):
        venue = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                path, _, query = self.path.partition("?")
                params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
                venue.rest_calls.append((path, params, dict(self.headers)))
                venue.log.write(kind="rest", path=path, query=params)
                status, body, headers = venue.rest(path, params, dict(self.headers))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a slow-answer fault)

            def log_message(self, *args):
                pass

        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        srv.daemon_threads = True
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        return srv

    def _raw_server(self):
        """Accepts TCP connections and never says a word."""
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        held = []

        def run():
            while True:
                try:
                    c, _ = s.accept()
                except OSError:
                    return
                held.append(c)

        threading.Thread(target=run, daemon=True).start()
        return s

    async def _stdin_closed(self):
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)

    async def main(self):
        self.loop = asyncio.get_running_loop()
        rest = self._rest_server()
        raw = self._raw_server()
        async with websockets.serve(self._handler, "127.0.0.1", 0, ping_interval=None,
                                    ping_timeout=None, compression=None,
                                    max_size=MAX_CLIENT_FRAME,
                                    process_request=self._process_request) as server:
            port = server.sockets[0].getsockname()[1]
            print("ws=%d rest=%d raw=%d" % (port, rest.server_address[1], raw.getsockname()[1]),
                  flush=True)
            stdin = asyncio.ensure_future(self._stdin_closed())
            await asyncio.wait([stdin], timeout=self.lifetime)
            # Gone at once: no waiting for handlers, no close handshakes.
            if self.log.f:
                self.log.f.flush()
            os._exit(0)


def run(venue_class, scenarios):
    # The faults we inject make websockets and asyncio complain; the test reads the client.
    for name in ("websockets", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    ap = argparse.ArgumentParser(description=venue_class.__doc__)
    ap.add_argument("--scenario", default="normal", choices=sorted(scenarios))
    ap.add_argument("--log", default=None)
    ap.add_argument("--lifetime", type=float, default=60)
    ap.add_argument("--opt", action="append", default=[], help="KEY=VALUE for the scenario")
    a = ap.parse_args()
    opts = dict(o.split("=", 1) for o in a.opt)
    v = venue_class(a.scenario, a.log, a.lifetime, opts)
    try:
        asyncio.run(v.main())
    except KeyboardInterrupt:
        pass
    os._exit(0)  # daemon threads (REST, raw listener) die with us
