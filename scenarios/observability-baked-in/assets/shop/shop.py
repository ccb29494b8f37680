# The Sock Shop's web app with its metrics baked in: every request counts in shop_requests_total
# and times itself in shop_request_duration_seconds; Prometheus reads both from /metrics.
import random
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, "/opt/shop")
from metrics import Counter, Histogram, exposition  # noqa: E402

REQUESTS = Counter("shop_requests_total", "HTTP requests answered by the shop.", ["method", "path", "status"])
DURATION = Histogram("shop_request_duration_seconds", "Time taken to answer HTTP requests.", ["path"])

# path -> slowest normal answer in seconds
PAGES = {"/": 0.02, "/catalogue": 0.06, "/cart": 0.08, "/checkout": 0.3}
payments = {"up": True}


class Shop(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/metrics":
            return self.answer(200, exposition(), "text/plain; version=0.0.4")
        started = time.monotonic()
        if url.path not in PAGES:
            status, path = 404, "other"  # one label value for every unknown path, not one each
        else:
            path = url.path
            time.sleep(random.uniform(0.2, 1.0) * PAGES[path])
            status = 200
            if path == "/checkout" and (not payments["up"] or random.random() < 0.02):
                time.sleep(0.5)  # waiting for the payment provider, in vain
                status = 500
        self.answer(status, f'{{"status": {status}}}\n', "application/json")
        REQUESTS.inc(method="GET", path=path, status=status)
        DURATION.observe(time.monotonic() - started, path=path)

    def do_POST(self):
        url = urlsplit(self.path)
        state = parse_qs(url.query).get("state", [""])[0]
        if url.path != "/admin/payments" or state not in ("up", "down"):
            return self.answer(404, "try POST /admin/payments?state=down or ?state=up\n", "text/plain")
        payments["up"] = state == "up"
        self.answer(200, f"payment provider is {state}\n", "text/plain")

    def answer(self, status, text, content_type):
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # metrics, not log lines, are this scenario's subject


ThreadingHTTPServer(("", 8080), Shop).serve_forever()
