"""Unit tests of the CRDTs: the merge laws on random states, and each type's conflict rule.
Run: python3 -m unittest discover -s docker/mesh (the image build runs them too)."""

import json
import random
import unittest

from circus_mesh import crdt


def random_state(rng):
    state = crdt.empty_state()
    nodes = ["peer1", "peer2", "peer3"]
    for _ in range(rng.randint(0, 8)):
        kind = rng.choice(["gset", "lww", "orset-add", "orset-remove"])
        name = rng.choice(["a", "b"])
        if kind == "gset":
            state = crdt.merge(state, {"gsets": {f"g{name}": [rng.choice("xyz")]}, "lww": {}, "orsets": {}})
        elif kind == "lww":
            register = {"value": rng.choice("xyz"), "ts": rng.randint(1, 4), "node": rng.choice(nodes)}
            state = crdt.merge(state, {"gsets": {}, "lww": {f"r{name}": register}, "orsets": {}})
        elif kind == "orset-add":
            tag = f"{rng.choice(nodes)}:{rng.randint(1, 5)}"
            state = crdt.orset_add(state, f"s{name}", rng.choice("xyz"), "unused", tag=tag)
        else:
            try:
                state = crdt.orset_remove(state, f"s{name}", rng.choice("xyz"))
            except KeyError:
                pass
    return state


class MergeLaws(unittest.TestCase):
    def setUp(self):
        rng = random.Random(2016)
        self.triples = [(random_state(rng), random_state(rng), random_state(rng)) for _ in range(300)]

    def test_associative(self):
        for a, b, c in self.triples:
            self.assertEqual(crdt.merge(a, crdt.merge(b, c)), crdt.merge(crdt.merge(a, b), c))

    def test_commutative(self):
        for a, b, _ in self.triples:
            self.assertEqual(crdt.merge(a, b), crdt.merge(b, a))

    def test_idempotent(self):
        for a, b, _ in self.triples:
            self.assertEqual(crdt.merge(a, a), a)
            ab = crdt.merge(a, b)
            self.assertEqual(crdt.merge(ab, b), ab)

    def test_delta_applied_to_old_gives_merge(self):
        for a, b, _ in self.triples:
            merged = crdt.merge(a, b)
            self.assertEqual(crdt.merge(a, crdt.delta(a, merged)), merged)
            self.assertTrue(crdt.is_empty(crdt.delta(merged, merged)))


class ConflictRules(unittest.TestCase):
    def test_gset_merge_is_union(self):
        a = crdt.gset_add(crdt.empty_state(), "members", "peer1")
        b = crdt.gset_add(crdt.empty_state(), "members", "peer2")
        self.assertEqual(crdt.value_of(crdt.merge(a, b), "members"), ["peer1", "peer2"])

    def test_lww_later_timestamp_wins_and_node_breaks_ties(self):
        red = crdt.lww_set(crdt.empty_state(), "colour", "red", 1000, "peer1")
        blue = crdt.lww_set(crdt.empty_state(), "colour", "blue", 1000, "peer2")
        green = crdt.lww_set(crdt.empty_state(), "colour", "green", 999, "peer3")
        self.assertEqual(crdt.value_of(crdt.merge(red, blue), "colour"), "blue")
        self.assertEqual(crdt.value_of(crdt.merge(blue, green), "colour"), "blue")

    def test_next_lww_ts_is_after_what_the_replica_has_seen(self):
        ahead = crdt.lww_set(crdt.empty_state(), "colour", "red", 5000, "peer1")
        self.assertEqual(crdt.next_lww_ts(ahead, "colour", 1000), 5001)
        self.assertEqual(crdt.next_lww_ts(ahead, "other", 1000), 1000)

    def test_orset_concurrent_add_wins_over_remove(self):
        base = crdt.orset_add(crdt.empty_state(), "cart", "socks", "peer1")
        removed = crdt.orset_remove(base, "cart", "socks")
        readded = crdt.orset_add(base, "cart", "socks", "peer3")
        self.assertEqual(crdt.value_of(removed, "cart"), [])
        self.assertEqual(crdt.value_of(crdt.merge(removed, readded), "cart"), ["socks"])

    def test_orset_remove_of_unseen_element_fails(self):
        with self.assertRaises(KeyError):
            crdt.orset_remove(crdt.empty_state(), "cart", "socks")

    def test_orset_can_add_again_after_remove(self):
        state = crdt.orset_remove(crdt.orset_add(crdt.empty_state(), "cart", "socks", "peer1"), "cart", "socks")
        self.assertEqual(crdt.value_of(crdt.orset_add(state, "cart", "socks", "peer1"), "cart"), ["socks"])

    def test_values_of_shows_what_readers_see(self):
        state = crdt.lww_set(crdt.gset_add(crdt.empty_state(), "members", "peer1"), "colour", "red", 1, "peer1")
        self.assertEqual(crdt.values_of(state), {"members": ["peer1"], "colour": "red"})

    def test_a_name_keeps_its_type(self):
        state = crdt.gset_add(crdt.empty_state(), "members", "peer1")
        with self.assertRaises(crdt.StateError):
            crdt.lww_set(state, "members", "x", 1, "peer1")


class CanonicalJson(unittest.TestCase):
    def test_canonical_json_reads_back_as_the_same_state(self):
        rng = random.Random(7)
        for _ in range(100):
            state = random_state(rng)
            text = crdt.canonical_json(state)
            self.assertEqual(crdt.parse_state(json.loads(text)), state)
            self.assertEqual(json.loads(crdt.canonical_json(state, indent=None)), state)

    def test_one_line_per_object(self):
        state = crdt.lww_set(crdt.gset_add(crdt.empty_state(), "members", "peer1"), "colour", "red", 1, "peer1")
        self.assertEqual(
            crdt.canonical_json(state).splitlines(),
            [
                "{",
                '  "gsets": {',
                '    "members": ["peer1"]',
                "  },",
                '  "lww": {',
                '    "colour": {"node": "peer1", "ts": 1, "value": "red"}',
                "  },",
                '  "orsets": {}',
                "}",
            ],
        )


class Parsing(unittest.TestCase):
    def test_parse_normalises(self):
        state = crdt.parse_state({"gsets": {"g": ["b", "a", "a"]}, "orsets": {"s": {"adds": [["x", "t2"], ["x", "t1"]], "removed": []}}})
        self.assertEqual(state["gsets"]["g"], ["a", "b"])
        self.assertEqual(state["orsets"]["s"]["adds"], [["x", "t1"], ["x", "t2"]])
        self.assertEqual(state["lww"], {})

    def test_parse_rejects_bad_documents(self):
        for document in ([], {"sets": {}}, {"gsets": {"g": "a"}}, {"lww": {"r": {"value": "a"}}},
                         {"lww": {"r": {"value": "a", "ts": "1", "node": "n"}}}, {"orsets": {"s": {"adds": [["x"]], "removed": []}}}):
            with self.assertRaises(crdt.StateError, msg=repr(document)):
                crdt.parse_state(document)


if __name__ == "__main__":
    unittest.main()
