"""meshd: a small gossip daemon. Every interval it opens a TCP connection to each known peer (by
host name) on the gossip port, sends its full state and merges the peer's full state in reply
(push-pull anti-entropy). Clients read and write the local replica on the client port."""

import argparse
import os
import socket
import socketserver
import sys
import threading
import time

from . import crdt
from .protocol import CLIENT_PORT, GOSSIP_PORT, ProtocolError, read_message, request, write_message
from .replica import Replica


def log(line):
    print(f"{time.strftime('%H:%M:%S')} {line}", file=sys.stderr, flush=True)


class PeerLink:
    """Gossip with one peer, in its own thread; remembers whether the last exchange worked."""

    def __init__(self, replica, name, port, interval, stop, log):
        self.replica, self.name, self.port = replica, name, port
        self.address = name.partition(":")[0]
        self.log = log
        self.interval, self.stop = interval, stop
        self.reachable = None  # None until the first exchange ends
        self.last_ok = None
        self.error = None

    def run(self):
        while not self.stop.is_set():
            self.exchange()
            self.stop.wait(self.interval)

    def exchange(self):
        message = {"type": "gossip", "from": self.replica.node, "state": self.replica.state()}
        try:
            reply = request(self.address, self.port, message, timeout=min(1.0, self.interval))
            incoming = crdt.parse_state(reply.get("state"))
        except (OSError, ProtocolError, crdt.StateError) as error:
            if self.reachable is not False:
                self.log(f"peer {self.name} unreachable: {error}")
            self.reachable, self.error = False, str(error) or type(error).__name__
            return
        if self.reachable is not True:
            self.log(f"peer {self.name} reachable")
        self.reachable, self.last_ok, self.error = True, time.monotonic(), None
        self.replica.merge_in(incoming, str(reply.get("from", self.address)))

    def status(self):
        ago = None if self.last_ok is None else round(time.monotonic() - self.last_ok, 1)
        return {"reachable": self.reachable, "last_exchange_seconds_ago": ago, "error": self.error}


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def _serve(bind, port, handle):
    class Handler(socketserver.StreamRequestHandler):
        timeout = 5

        def handle(self):
            try:
                message = read_message(self.rfile)
                if message is not None:
                    write_message(self.wfile, handle(message))
            except (OSError, ProtocolError):
                pass

    server = _Server((bind, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def start(node, peers, interval=1.0, gossip_port=GOSSIP_PORT, client_port=CLIENT_PORT, log=log, bind="0.0.0.0"):
    """Starts the servers and the gossip threads; returns (replica, links, stop) where stop() ends them.
    `bind` is the address both servers listen on (tests use loopback)."""
    replica = Replica(node, log)
    stop = threading.Event()
    links = {}
    for peer in peers:
        port = peer.partition(":")[2]
        links[peer] = PeerLink(replica, peer, int(port or gossip_port), interval, stop, log)

    def on_gossip(message):
        try:
            replica.merge_in(crdt.parse_state(message.get("state")), str(message.get("from", "?")))
        except crdt.StateError as error:
            return {"error": str(error)}
        return {"from": node, "state": replica.state()}

    def on_client(message):
        op = message.get("op")
        try:
            if op == "peers":
                return {"ok": {peer: link.status() for peer, link in links.items()}}
            if op == "node":
                return {"ok": node}
            return {"ok": replica.apply(op, message)}
        except KeyError as missing:
            return {"error": f"{missing.args[0]!r} is not there on {node}"}
        except crdt.StateError as error:
            return {"error": str(error)}

    servers = [_serve(bind, gossip_port, on_gossip), _serve(bind, client_port, on_client)]
    for link in links.values():
        threading.Thread(target=link.run, daemon=True).start()
    log(f"{node} gossiping every {interval}s with {', '.join(peers) or 'no peers'} (gossip port {gossip_port})")

    def shutdown():
        stop.set()
        for server in servers:
            server.shutdown()
            server.server_close()

    return replica, links, shutdown


def main(argv=None):
    parser = argparse.ArgumentParser(prog="meshd", description="Gossip CRDT state with peers.")
    parser.add_argument("--node", default=socket.gethostname(), help="this peer's name (default: host name)")
    parser.add_argument(
        "--peers",
        default=os.environ.get("MESH_PEERS", ""),
        help="peers as host or host:port, comma or space separated (default: $MESH_PEERS); this node is skipped",
    )
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between gossip rounds (default 1)")
    parser.add_argument("--gossip-port", type=int, default=GOSSIP_PORT)
    parser.add_argument("--client-port", type=int, default=CLIENT_PORT)
    args = parser.parse_args(argv)
    peers = [peer for peer in args.peers.replace(",", " ").split() if peer.split(":")[0] != args.node]
    try:
        _, _, shutdown = start(args.node, peers, args.interval, args.gossip_port, args.client_port)
    except OSError as error:
        log(f"cannot listen: {error} (is meshd already running? see: meshctl peers)")
        return 1
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
