#!/usr/bin/env python3
"""The seed's agent: INSERT a trading decision for the orchestrator.

    decide.py LEDGER SYMBOL BUY|SELL CONFIDENCE [REASONING]

Seed 002 wrote INSERT INTO trading_decisions (symbol, decision, confidence, reasoning,
current_price) VALUES ('BTC/USDT', 'BUY', 0.75, 'Strong upward momentum', 110500). libpaper's
inbox is the table `decisions` of the ledger: the account's name, the side in lower case, the
confidence, the reasoning (docs/ledger.md, "The decisions inbox"). Any program can write it
while `paper run` trades; here Python's sqlite3.
"""
import sqlite3
import sys


def main(argv):
    if len(argv) not in (4, 5):
        sys.exit(__doc__)
    ledger, symbol, decision, confidence = argv[:4]
    reasoning = argv[4] if len(argv) == 5 else ""
    db = sqlite3.connect(ledger)
    db.execute("INSERT INTO decisions (account, symbol, side, confidence, reasoning)"
               " VALUES ('crypto', ?, ?, ?, ?)",
               (symbol, decision.lower(), float(confidence), reasoning))
    db.commit()
    db.close()


if __name__ == "__main__":
    main(sys.argv[1:])
