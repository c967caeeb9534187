"""A render process: ``python -m kb.content.render_worker FD`` (started by render_budget).

It imports the renderer once, says it is ready, then runs one job at a time from the socket
it was handed, until that socket closes. A fresh interpreter rather than a fork: the web
process has threads, and a fork could copy a lock one of them holds.
"""

from __future__ import annotations

import os
import signal
import sys
from multiprocessing.connection import Connection

#: How much lower than the web workers render processes are scheduled (``nice`` steps).
NICENESS = 10


def serve(conn: Connection) -> None:
    from kb.content import markdown

    markdown.render_now("warm *up*")
    try:  # only now: imports at a low priority could take long on a busy machine
        os.nice(NICENESS)
    except OSError:
        pass
    conn.send("ready")
    while True:
        try:
            function, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = ("ok", function(*args))
        except RecursionError:
            reply = ("error", "it nests too deeply")
        except Exception as exc:  # noqa: BLE001 - reported to the caller as a refusal
            reply = ("error", f"the renderer failed ({type(exc).__name__})")
        conn.send(reply)


def main(argv: list[str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when this stops
    serve(Connection(int(argv[1])))


if __name__ == "__main__":
    main(sys.argv)
