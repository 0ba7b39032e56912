"""Slow clients for tests and benchmarks: connections that trickle their request headers."""

from __future__ import annotations

import socket
import threading
import time


class Trickler:
    """``count`` connections that sent a request line and then send one header line every
    ``interval`` seconds, never the blank line that ends the headers."""

    def __init__(self, port: int, count: int, interval: float = 0.5) -> None:
        self.sockets = []
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(b"GET /check HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            self.sockets.append(sock)
        self.opened = time.monotonic()
        self.closed_after: dict[int, float] = {}  # socket index -> seconds after opening
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)
        self._thread.start()

    def _run(self, interval: float) -> None:
        for sock in self.sockets:
            sock.setblocking(False)
        line = 0
        while not self._stop.wait(interval):
            line += 1
            for index, sock in enumerate(self.sockets):
                if index in self.closed_after:
                    continue
                try:
                    if sock.recv(1024) == b"":  # the server closed it
                        self.closed_after[index] = time.monotonic() - self.opened
                        continue
                except BlockingIOError:
                    pass  # nothing to read: still open
                except OSError:
                    self.closed_after[index] = time.monotonic() - self.opened
                    continue
                try:
                    sock.send(b"X-Slow-%d: y\r\n" % line)
                except OSError:
                    self.closed_after[index] = time.monotonic() - self.opened

    def close(self) -> None:
        self._stop.set()
        self._thread.join(10)
        for sock in self.sockets:
            sock.close()
