"""Tests of meshd on loopback: three daemons on their own ports converge by gossip, a daemon
reports an unreachable peer, and meshctl's offline merge prints the canonical merge."""

import contextlib
import io
import json
import os
import socket
import tempfile
import time
import unittest

from circus_mesh import cli, crdt, daemon
from circus_mesh.protocol import request


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


class Gossip(unittest.TestCase):
    def setUp(self):
        names = ["peer1", "peer2", "peer3"]
        self.ports = {name: (free_port(), free_port()) for name in names}
        self.replicas, self.links = {}, {}
        self.stops = []
        self.logs = []
        for name in names:
            peers = [f"127.0.0.1:{self.ports[other][0]}" for other in names if other != name]
            replica, links, stop = daemon.start(
                name, peers, 0.1, *self.ports[name], log=self.logs.append, bind="127.0.0.1"
            )
            self.replicas[name], self.links[name] = replica, links
            self.stops.append(stop)

    def tearDown(self):
        for stop in self.stops:
            stop()

    def client(self, name, message):
        return request("127.0.0.1", self.ports[name][1], message)

    def test_updates_on_different_peers_converge(self):
        self.assertIn("ok", self.client("peer1", {"op": "orset-add", "name": "cart", "element": "socks"}))
        self.assertIn("ok", self.client("peer2", {"op": "lww-set", "name": "colour", "value": "blue"}))
        converged = wait_until(lambda: len({crdt.canonical_json(r.state()) for r in self.replicas.values()}) == 1)
        self.assertTrue(converged)
        state = self.replicas["peer3"].state()
        self.assertEqual(crdt.value_of(state, "cart"), ["socks"])
        self.assertEqual(state["lww"]["colour"]["node"], "peer2")
        self.assertEqual(crdt.value_of(state, "members"), ["peer1", "peer2", "peer3"])
        self.assertTrue(any(line.startswith("merged from peer1: delta") for line in self.logs))

    def test_client_errors_are_answers_not_crashes(self):
        reply = self.client("peer1", {"op": "orset-remove", "name": "cart", "element": "hat"})
        self.assertIn("not there", reply["error"])
        self.assertIn("error", self.client("peer1", {"op": "fly"}))
        self.assertEqual(self.client("peer1", {"op": "node"}), {"ok": "peer1"})


class UnreachablePeer(unittest.TestCase):
    def test_peers_reports_an_unreachable_peer(self):
        gossip_port, client_port, closed = free_port(), free_port(), free_port()
        logs = []
        _, links, stop = daemon.start(
            "lonely", [f"127.0.0.1:{closed}"], 0.1, gossip_port, client_port, log=logs.append, bind="127.0.0.1"
        )
        try:
            link = links[f"127.0.0.1:{closed}"]
            self.assertTrue(wait_until(lambda: link.reachable is False))
            status = request("127.0.0.1", client_port, {"op": "peers"})["ok"][f"127.0.0.1:{closed}"]
            self.assertFalse(status["reachable"])
            self.assertIn(f"peer 127.0.0.1:{closed} unreachable", "\n".join(logs))
        finally:
            stop()


class OfflineMerge(unittest.TestCase):
    def test_merge_command_prints_canonical_merge(self):
        a = crdt.lww_set(crdt.empty_state(), "colour", "red", 1000, "peer1")
        b = crdt.lww_set(crdt.empty_state(), "colour", "blue", 1000, "peer2")
        with tempfile.TemporaryDirectory() as folder:
            paths = []
            for name, state in (("a", a), ("b", b)):
                paths.append(os.path.join(folder, f"{name}.json"))
                with open(paths[-1], "w", encoding="utf-8") as file:
                    json.dump(state, file)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                self.assertEqual(cli.main(["merge", *paths]), 0)
        self.assertEqual(out.getvalue().strip(), crdt.canonical_json(crdt.merge(a, b)))
        self.assertEqual(json.loads(out.getvalue())["lww"]["colour"]["value"], "blue")


if __name__ == "__main__":
    unittest.main()
