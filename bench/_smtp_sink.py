"""The SMTP sink of bench/digest.py: aiosmtpd counting messages, in its own process.

Run as ``python bench/_smtp_sink.py PORT``: it prints "ready", answers each stdin line with the
count so far, and prints the final count when stdin closes.
"""

import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from _support import BenchError, ask, free_port, spawn, tail


class CountingHandler:
    """Accept every message and count it; keep nothing."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.count += 1
        return "250 OK"


def run_sink(port: int) -> None:
    """Count messages on 127.0.0.1:port; answer each stdin line with the count, and on exit."""
    from aiosmtpd.controller import Controller

    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        print("ready", flush=True)
        for _line in sys.stdin:
            print(handler.count, flush=True)
    finally:
        controller.stop()
        print(handler.count, flush=True)


class Sink:
    """The SMTP sink in its own process, so its CPU is not this process's."""

    def __init__(self, stack: ExitStack, log: Path) -> None:
        self.port, self.log = free_port(), log
        with log.open("w") as errors:
            command = [sys.executable, __file__, str(self.port)]
            self.process = spawn(stack, command, stderr=errors)
        # Registered after spawn's stop, so it runs first: closing stdin lets the sink report
        # its final count and exit; spawn's stop then finds it gone (or kills it).
        stack.callback(self.stop)
        if self.process.stdout.readline().strip() != "ready":
            raise BenchError(f"the SMTP sink did not start:\n{tail(log)}")

    def count(self) -> int:
        """Return how many messages the sink has accepted so far."""
        line = ask(self.process, "count")
        if not line:
            raise BenchError(f"the SMTP sink exited:\n{tail(self.log)}")
        return int(line)

    def stop(self) -> int | None:
        """Stop the sink and return its final count, killing it if it does not stop in 10 s."""
        if self.process.poll() is not None:
            return None
        final = None
        try:
            self.process.stdin.close()
            final = int(self.process.stdout.readline() or -1)
            self.process.wait(10)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        return final


if __name__ == "__main__":
    run_sink(int(sys.argv[1]))
