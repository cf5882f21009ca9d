#!/usr/bin/env python3
"""A Slack-compatible incoming-webhook stand-in for the local demo.

Accepts POSTs on any path, answers 200 "ok" like Slack, appends one JSON line per message to the
messages file ({"time", "path", "text", "body"}) and prints the headline to stdout (its log).
Usage: sink.py PORT MESSAGES_FILE
"""
import http.server
import json
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        try:
            text = json.loads(body).get("text", "")
        except ValueError:
            text = body[:200]
        record = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  "path": self.path, "text": text, "body": body}
        with open(self.server.messages, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        print(f"{record['time']} {text}", flush=True)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.messages = sys.argv[2]
    server.serve_forever()


if __name__ == "__main__":
    main()
