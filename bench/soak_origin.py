#!/usr/bin/env python3
"""soak_origin.py — the origin behind bench/soak.sh: HTTP/1.1 keep-alive, well-behaved paths
and faulty ones.

  /hit/K, /miss/K    200, 2 KiB, Cache-Control: max-age=3600
  /short/K           200, 1 KiB, Cache-Control: max-age=1 (expires, refetched)
  /nostore/K         200, 512 B, Cache-Control: no-store (a miss every time)
  /fault/reset/K     closes the connection with a TCP reset, no answer
  /fault/hang/K      answers 200 after 2 s
  /fault/5xx/K       503, Cache-Control: no-store
  /fault/truncate/K  announces 4096 bytes, sends 1000, closes

  bench/soak_origin.py PORT
"""
import socket
import struct
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Origin(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, cache_control, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Cache-Control", cache_control)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        kind = self.path.split("/")[1:3]
        if kind[0] in ("hit", "miss"):
            return self.answer(200, "max-age=3600", b"h" * 2048)
        if kind[0] == "short":
            return self.answer(200, "max-age=1", b"s" * 1024)
        if kind[0] == "nostore":
            return self.answer(200, "no-store", b"n" * 512)
        if kind[0] == "fault" and len(kind) == 2:
            fault = kind[1]
            if fault == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.close_connection = True
                return
            if fault == "hang":
                time.sleep(2)
                return self.answer(200, "max-age=60", b"g" * 256)
            if fault == "5xx":
                return self.answer(503, "no-store", b"unavailable\n")
            if fault == "truncate":
                self.send_response(200)
                self.send_header("Cache-Control", "max-age=60")
                self.send_header("Content-Length", "4096")
                self.end_headers()
                self.wfile.write(b"t" * 1000)
                self.wfile.flush()
                self.close_connection = True
                return
        self.answer(404, "max-age=10", b"not found\n")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


if __name__ == "__main__":
    Server(("127.0.0.1", int(sys.argv[1])), Origin).serve_forever()
