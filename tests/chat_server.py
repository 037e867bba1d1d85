"""A scripted OpenAI-compatible chat server on loopback: replies as a stream of server-sent
events (or one JSON body), at a chosen pace, and records each request and whether the client
hung up before the reply ended."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ChatServer:
    def __init__(self) -> None:
        self.reply: str = "ok [1]."
        self.status = 200
        self.stream = True  # False: one JSON body, as a server that ignores "stream"
        self.pause = 0.0  # seconds between two streamed pieces
        self.finish = "stop"
        self.requests: list[dict[str, Any]] = []
        self.hung_up = threading.Event()  # the client closed the connection mid-reply
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.requests.append(
                    {
                        "path": self.path,
                        "json": json.loads(body),
                        "auth": self.headers.get("Authorization"),
                    }
                )
                if server.status != 200:
                    self._send(server.status, b"not here", "text/plain")
                elif server.stream:
                    self._stream()
                else:
                    message = {"role": "assistant", "content": server.reply}
                    choice = {"message": message, "finish_reason": server.finish}
                    payload = {"model": "stub", "choices": [choice]}
                    self._send(200, json.dumps(payload).encode(), "application/json")

            def _send(self, status: int, data: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                words = server.reply.split(" ")
                try:
                    for i, word in enumerate(words):
                        piece = word if i == 0 else " " + word
                        last = i == len(words) - 1
                        choice = {
                            "delta": {"content": piece},
                            "finish_reason": server.finish if last else None,
                        }
                        event = {"model": "stub", "choices": [choice]}
                        self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                        self.wfile.flush()
                        time.sleep(server.pause)
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    server.hung_up.set()
                self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
