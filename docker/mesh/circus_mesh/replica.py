"""One peer's replica: the CRDT state behind a lock, the client operations on it, and the merge of
what peers send (Weave Mesh's A ⊕ B = C: local state, received state, resulting state)."""

import threading
import time

from . import crdt


class Replica:
    def __init__(self, node, log=lambda line: None, clock_ms=lambda: time.time_ns() // 1_000_000):
        self.node = node
        self._log = log
        self._clock_ms = clock_ms
        self._lock = threading.Lock()
        self._state = crdt.gset_add(crdt.empty_state(), "members", node)

    def state(self):
        with self._lock:
            return self._state

    def merge_in(self, incoming, source):
        """Merges a peer's state; returns and logs the delta (what was new to this replica)."""
        with self._lock:
            before = self._state
            self._state = crdt.merge(before, incoming)
            change = crdt.delta(before, self._state)
        if not crdt.is_empty(change):
            shown = {kind: section for kind, section in change.items() if section}
            self._log(f"merged from {source}: delta {crdt.canonical_json(shown, indent=None)}")
        return change

    def apply(self, op, args):
        """A client operation; returns the new value of the object it names (or the whole state)."""
        if op == "state":
            return self.state()
        name = _text(args, "name")
        with self._lock:
            state = self._state
            if op == "get":
                return crdt.value_of(state, name)
            if op == "gset-add":
                state = crdt.gset_add(state, name, _text(args, "element"))
            elif op == "orset-add":
                state = crdt.orset_add(state, name, _text(args, "element"), self.node)
            elif op == "orset-remove":
                state = crdt.orset_remove(state, name, _text(args, "element"))
            elif op == "lww-set":
                ts = args.get("ts")
                if ts is None:
                    ts = crdt.next_lww_ts(state, name, self._clock_ms())
                if not isinstance(ts, int) or isinstance(ts, bool):
                    raise crdt.StateError("ts must be a whole number of milliseconds")
                state = crdt.lww_set(state, name, _text(args, "value"), ts, self.node)
            else:
                raise crdt.StateError(f"unknown operation {op!r}")
            self._state = state
        self._log(f"local {op} {name}: {crdt.canonical_json(crdt.value_of(state, name), indent=None)}")
        return crdt.value_of(state, name)


def _text(args, field):
    value = args.get(field)
    if not isinstance(value, str) or value == "":
        raise crdt.StateError(f"{field} must be a non-empty string")
    return value
