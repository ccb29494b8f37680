# The central log pipeline (the Logstash role): input, filters, output. It reads one JSON event per
# line from shippers on TCP port 5044, runs each event through the filters, appends it to the store.
import argparse
import importlib.util
import json
import os
import socketserver
import threading

parser = argparse.ArgumentParser(description="input (TCP, JSON lines) -> filters -> output (a JSON lines file)")
parser.add_argument("--port", type=int, default=5044)
parser.add_argument("--filters", help="a Python file whose process(event) returns the event to store, or None to drop it")
parser.add_argument("--output", default="/var/log/central/events.jsonl")
parser.add_argument("--pidfile", default="/run/pipeline.pid")
options = parser.parse_args()


def no_filters(event):
    return event


process = no_filters
if options.filters:
    spec = importlib.util.spec_from_file_location("filters", options.filters)
    filters = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(filters)
    process = filters.process

os.makedirs(os.path.dirname(options.output), exist_ok=True)
store = open(options.output, "a", encoding="utf-8")
store_lock = threading.Lock()


class Input(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            try:
                event = json.loads(line)
            except ValueError:
                event = {"message": line.decode("utf-8", "replace").rstrip("\n"), "tags": ["_jsonparsefailure"]}
            try:
                event = process(event)
            except Exception as error:  # a broken filter tags the event instead of losing it
                event["tags"] = event.get("tags", []) + [f"_filtererror: {error!r}"]
            if event is None:
                continue
            with store_lock:
                store.write(json.dumps(event) + "\n")
                store.flush()


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


with open(options.pidfile, "w") as pidfile:
    pidfile.write(f"{os.getpid()}\n")
print(f"pipeline: port {options.port} -> {options.filters or 'no filters'} -> {options.output}", flush=True)
Server(("", options.port), Input).serve_forever()
