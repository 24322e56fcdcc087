"""Fake gate devices on loopback sockets, to try wuye without hardware
(``wuye devices test printer --fake``) and for the tests.

- ``FakePrinter``: an ESC/POS network printer (TCP) that keeps every job's bytes and
  answers the paper-status query (DLE EOT 4) as told: paper ok, out of paper, or never
  (a hanging printer).
- ``decode_slip``: the text and QR payloads found in ESC/POS bytes.
"""

from __future__ import annotations

import re
import socket
import threading
import time

PAPER_OK = 0x12
PAPER_OUT = 0x72


class FakePrinter:
    def __init__(self, answer: int | None = PAPER_OK) -> None:
        self.answer = answer  # None: never answers the status query (hangs)
        self.jobs: list[bytes] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self.port = self._sock.getsockname()[1]
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _addr = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._job, args=(conn,), daemon=True).start()

    def _job(self, conn: socket.socket) -> None:
        buf = b""
        answered = False
        with conn:
            conn.settimeout(10)
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                buf += chunk
                if not answered and b"\x10\x04\x04" in buf:
                    answered = True
                    if self.answer is None:
                        time.sleep(30)  # hangs: the client must cut it off
                        return
                    conn.sendall(bytes([self.answer]))
        if buf.replace(b"\x10\x04\x04", b""):
            self.jobs.append(buf)

    def wait_jobs(self, n: int = 1, timeout: float = 5.0) -> list[bytes]:
        end = time.monotonic() + timeout
        while len(self.jobs) < n and time.monotonic() < end:
            time.sleep(0.02)
        return self.jobs

    def close(self) -> None:
        self._stop = True
        try:
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the accept(): close() alone leaves it listening
        except OSError:
            pass
        self._sock.close()
        self._thread.join(2)


_CN = re.compile(rb"\x1c&(.*?)\x1c\.", re.S)
_QR_STORE = re.compile(rb"\x1d\(k(..)1P0", re.S)


def decode_slip(data: bytes) -> tuple[str, list[str]]:
    """(all text sent in Chinese mode decoded from GB18030, QR payloads stored)."""
    text = "".join(m.group(1).decode("gb18030") for m in _CN.finditer(data))
    qrs = []
    for m in _QR_STORE.finditer(data):
        n = m.group(1)[0] + 256 * m.group(1)[1] - 3
        qrs.append(data[m.end():m.end() + n].decode("ascii"))
    return text, qrs


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
