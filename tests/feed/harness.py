"""Starting fake venues from a test, and reading what they sent.

    with Fake("coinbase", "gap", opts={"count": "60"}) as v:
        run(paper, "feed", "--feed", "coinbase:BTC-USD", *v.urls("coinbase"))
        sent = v.sent()

A fake is a child process (fake_<venue>.py) bound to 127.0.0.1 on ephemeral ports; it ends
when the `with` block does (its standard input closes) or after its lifetime.
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"  # Debian's, which has python3-websockets


class Fake:
    def __init__(self, venue, scenario="normal", opts=None, lifetime=120):
        self.venue = venue
        self.scenario = scenario
        self.opts = opts or {}
        self.lifetime = lifetime
        self.tmp = tempfile.mkdtemp(prefix="fake-%s-" % venue)
        self.log = os.path.join(self.tmp, "sent.jsonl")
        self.proc = None
        self.ws = self.rest = self.raw = None

    def __enter__(self):
        cmd = [PYTHON, os.path.join(HERE, "fake_%s.py" % self.venue.replace("-", "_")),
               "--scenario", self.scenario, "--log", self.log, "--lifetime", str(self.lifetime)]
        for k, v in self.opts.items():
            cmd += ["--opt", "%s=%s" % (k, v)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("fake %s did not start" % self.venue)
        ports = dict(p.split("=") for p in line.split())
        self.ws, self.rest, self.raw = int(ports["ws"]), int(ports["rest"]), int(ports["raw"])
        return self

    def __exit__(self, *exc):
        if self.proc:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc.stdout.close()
        return False

    def ws_url(self):
        return "ws://127.0.0.1:%d" % self.ws

    def rest_url(self):
        return "http://127.0.0.1:%d" % self.rest

    def urls(self):
        """The --feed-url/--rest-url options pointing a paper command at this fake."""
        if self.venue == "http-poll":
            return ["--feed-url", self.rest_url() + "/price"]
        return ["--feed-url", self.ws_url(), "--rest-url", self.rest_url()]

    def sent(self, kind=None):
        out = []
        if os.path.exists(self.log):
            with open(self.log, encoding="utf-8") as f:
                for line in f:
                    rec = json.loads(line)
                    if kind is None or rec.get("kind") == kind:
                        out.append(rec)
        return out


# Fast faults: small backoff steps and timeouts so a test with many faults stays short.
# The idle timeout leaves room for our 1 s keepalive pings (libsoup's smallest step).
FAST = ["--connect-timeout", "1500", "--idle-timeout", "2500", "--backoff", "20,200"]


def run(args, timeout=60, env=None, check=None):
    """Run a command; returns (code, stdout, stderr)."""
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)
    if check is not None and p.returncode != check:
        sys.stderr.write("command: %s\nexit %d\nstdout:\n%s\nstderr:\n%s\n" %
                         (" ".join(args), p.returncode, p.stdout[-4000:], p.stderr[-4000:]))
        raise AssertionError("exit %d (wanted %d)" % (p.returncode, check))
    return p.returncode, p.stdout, p.stderr
