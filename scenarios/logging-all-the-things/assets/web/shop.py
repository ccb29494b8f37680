# The Sock Shop's web app, logging the Twelve-Factor way: one JSON object per request, one per line,
# into /var/log/shop/app.json. It listens on 127.0.0.1:8080 behind nginx.
import json
import random
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG_FILE = "/var/log/shop/app.json"

# path -> (slowest normal answer in ms, share of requests that fail with a 500, the error then)
PAGES = {
    "/": (20, 0.0, ""),
    "/health": (2, 0.0, ""),
    "/catalogue": (60, 0.0, ""),
    "/cart": (80, 0.02, "cart database connection reset"),
    "/checkout": (450, 0.15, "payment provider timed out"),
}


def log(**fields):
    event = {"@timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")}
    event.update(fields)
    with open(LOG_FILE, "a", encoding="utf-8") as log_file:
        log_file.write(json.dumps(event) + "\n")


class Shop(BaseHTTPRequestHandler):
    def do_GET(self):
        started = time.monotonic()
        path = self.path.split("?", 1)[0]
        if path not in PAGES:
            status, level, message = 404, "warn", f"no page at {path}"
        else:
            slowest_ms, failure_share, error = PAGES[path]
            time.sleep(random.uniform(0.2, 1.0) * slowest_ms / 1000)
            if random.random() < failure_share:
                status, level, message = 500, "error", error
                time.sleep(0.3)
            else:
                status, level, message = 200, "info", "ok"
        body = (json.dumps({"status": status, "message": message}) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        log(
            level=level,
            message=message,
            method="GET",
            path=path,
            status=status,
            duration_ms=round((time.monotonic() - started) * 1000, 1),
            client=self.headers.get("X-Real-IP", self.client_address[0]),
            user_agent=self.headers.get("User-Agent", ""),
        )

    def log_message(self, format, *args):
        pass  # the JSON log above replaces http.server's own text lines


log(level="info", message="shop started", port=8080)
ThreadingHTTPServer(("127.0.0.1", 8080), Shop).serve_forever()
