"""One annotator process for the load and crash tests: label, and print each stored event id.

Run as ``python -m tests.load.annotator STORE NAME --answers N [--overlap K] [--pause S]``.
Each line printed is ``<event id> <item key>``, flushed after the commit returns: the test
counts exactly what was acknowledged, even when this process is killed.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid

import nb_label as nbl
from nb_label._keys import encode_key
from nb_label.datasets import sms_spam

ITEMS = 2000  # 8 x 500 answers at overlap=3 fill two thirds of the 6,000 slots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("store")
    parser.add_argument("name")
    parser.add_argument("--answers", type=int, default=500)
    parser.add_argument("--overlap", type=int, default=3)
    parser.add_argument("--lease", type=float, default=120.0)
    parser.add_argument("--pause", type=float, default=0.0)
    parser.add_argument("--buffer", type=int, default=20)
    args = parser.parse_args(argv)
    df = sms_spam().iloc[:ITEMS]
    lab = nbl.Labeller(
        df,
        show="text",
        labels=["ham", "spam"],
        store=args.store,
        annotator=args.name,
        dataset="sms-class",
        overlap=args.overlap,
        lease_seconds=args.lease,
        buffer=args.buffer,
    )
    # Answers travel as the browser sends them: card messages in, acknowledgements out.
    card = lab.card
    replies: list[dict] = []
    card.send = lambda content, buffers=None: replies.append(content)
    card.handle({"type": "hello", "have": []})
    print("ready", flush=True)
    given = 0
    while given < args.answers and not lab.done:
        key = lab.current
        client_id = uuid.uuid4().hex
        replies.clear()
        card.handle(
            {
                "type": "answer",
                "id": client_id,
                "seq": given + 1,
                "key": encode_key(key),
                "kind": "label",
                "value": df.at[key, "label"],
                "note": None,
                "seconds": 1.0,
                "showing": None,
            }
        )
        reply = next(r for r in replies if r.get("id") == client_id)
        if reply["type"] != "ack":
            print("refused", key, reply.get("reason"), flush=True)
            return 1
        print(reply["event_id"], key, flush=True)
        given += 1
        if args.pause:
            time.sleep(args.pause)
    lab.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
