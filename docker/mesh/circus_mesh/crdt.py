"""The replicated state of a mesh peer: three kinds of CRDT, each with a merge that is
associative, commutative and idempotent, so replicas that have seen the same updates agree.

A state is a plain JSON object (the same shape on the wire, in files and in memory):

    {
      "gsets":  {"members": ["peer1", "peer2"]},                      grow-only sets
      "lww":    {"colour": {"value": "blue", "ts": 1700000000000, "node": "peer2"}},
      "orsets": {"cart": {"adds": [["socks", "peer1:9f3a"]], "removed": ["peer1:9f3a"]}}
    }

- G-Set: a set you can only add to. Merge is set union.
- LWW register: one value stamped with (ts, node). Merge keeps the larger stamp; the node name
  breaks ties between equal timestamps, and the value breaks the (impossible) last tie.
- OR-Set (observed-remove set): every add gets a unique tag; a remove records the tags it has
  seen for that element in a grow-only set of "removed" tags. Merge is the union of both. An
  element is present while one of its tags is not removed, so a concurrent add wins over a
  remove that never saw it, and an element can be added again after it was removed.
"""

import json
import secrets

KINDS = ("gsets", "lww", "orsets")


class StateError(ValueError):
    """A JSON document that is not a mesh state; the message says what is wrong."""


def empty_state():
    return {"gsets": {}, "lww": {}, "orsets": {}}


def parse_state(document):
    """Checks a decoded JSON document and returns it as a normalised state (sorted, no duplicates)."""
    if not isinstance(document, dict):
        raise StateError("a state is a JSON object with the keys gsets, lww and orsets")
    unknown = sorted(set(document) - set(KINDS))
    if unknown:
        raise StateError(f"unknown key {unknown[0]!r}: a state has only gsets, lww and orsets")
    state = empty_state()
    for name, elements in _section(document, "gsets").items():
        state["gsets"][name] = sorted(set(_strings(elements, f"gsets.{name}")))
    for name, register in _section(document, "lww").items():
        state["lww"][name] = _register(register, f"lww.{name}")
    for name, orset in _section(document, "orsets").items():
        state["orsets"][name] = _orset(orset, f"orsets.{name}")
    return state


def merge(a, b):
    """A ⊕ B: the least state that contains everything both states contain."""
    merged = empty_state()
    for name in sorted(set(a["gsets"]) | set(b["gsets"])):
        merged["gsets"][name] = sorted(set(a["gsets"].get(name, [])) | set(b["gsets"].get(name, [])))
    for name in sorted(set(a["lww"]) | set(b["lww"])):
        candidates = [r for r in (a["lww"].get(name), b["lww"].get(name)) if r is not None]
        merged["lww"][name] = dict(max(candidates, key=_stamp))
    for name in sorted(set(a["orsets"]) | set(b["orsets"])):
        left = a["orsets"].get(name, {"adds": [], "removed": []})
        right = b["orsets"].get(name, {"adds": [], "removed": []})
        adds = sorted({tuple(pair) for pair in left["adds"]} | {tuple(pair) for pair in right["adds"]})
        merged["orsets"][name] = {
            "adds": [list(pair) for pair in adds],
            "removed": sorted(set(left["removed"]) | set(right["removed"])),
        }
    return merged


def delta(old, new):
    """What `new` holds beyond `old` (Weave Mesh's "mergeDelta": the difference from A to C)."""
    result = empty_state()
    for name, elements in new["gsets"].items():
        added = sorted(set(elements) - set(old["gsets"].get(name, [])))
        if added:
            result["gsets"][name] = added
    for name, register in new["lww"].items():
        if old["lww"].get(name) != register:
            result["lww"][name] = dict(register)
    for name, orset in new["orsets"].items():
        before = old["orsets"].get(name, {"adds": [], "removed": []})
        adds = [pair for pair in orset["adds"] if pair not in before["adds"]]
        removed = [tag for tag in orset["removed"] if tag not in before["removed"]]
        if adds or removed:
            result["orsets"][name] = {"adds": adds, "removed": removed}
    return result


def is_empty(state):
    return not any(state[kind] for kind in KINDS)


def value_of(state, name):
    """The value a reader sees: a sorted list for sets, the value for a register."""
    kinds = [kind for kind in KINDS if name in state[kind]]
    if not kinds:
        raise KeyError(name)
    kind = kinds[0]
    if kind == "gsets":
        return list(state["gsets"][name])
    if kind == "lww":
        return state["lww"][name]["value"]
    orset = state["orsets"][name]
    return sorted({element for element, tag in orset["adds"] if tag not in orset["removed"]})


def values_of(state):
    """What a reader sees of every object, by name."""
    return {name: value_of(state, name) for kind in KINDS for name in sorted(state[kind])}


def gset_add(state, name, element):
    _claim(state, "gsets", name)
    return merge(state, {"gsets": {name: [element]}, "lww": {}, "orsets": {}})


def lww_set(state, name, value, ts, node):
    _claim(state, "lww", name)
    return merge(state, {"gsets": {}, "lww": {name: {"value": value, "ts": ts, "node": node}}, "orsets": {}})


def next_lww_ts(state, name, now_ms):
    """A write is stamped later than anything this replica has seen for the register, even if
    another clock ran ahead, so a replica never overwrites a value with an "older" one."""
    current = state["lww"].get(name)
    return max(now_ms, current["ts"] + 1) if current else now_ms


def orset_add(state, name, element, node, tag=None):
    _claim(state, "orsets", name)
    tag = tag or f"{node}:{secrets.token_hex(3)}"
    return merge(state, {"gsets": {}, "lww": {}, "orsets": {name: {"adds": [[element, tag]], "removed": []}}})


def orset_remove(state, name, element):
    """Removes the element by tombstoning every tag of it this replica has observed."""
    orset = state["orsets"].get(name, {"adds": [], "removed": []})
    observed = sorted(tag for item, tag in orset["adds"] if item == element and tag not in orset["removed"])
    if not observed:
        raise KeyError(element)
    return merge(state, {"gsets": {}, "lww": {}, "orsets": {name: {"adds": [], "removed": observed}}})


def canonical_json(state, indent=2):
    """One spelling per state (sorted keys and lists), so equal states are equal files: one line
    per object when indented, or a single line with indent=None."""
    if indent is None:
        return json.dumps(state, sort_keys=True, ensure_ascii=False)
    pad = " " * indent
    sections = []
    for kind in sorted(state):
        objects = [
            f"{pad * 2}{json.dumps(name, ensure_ascii=False)}: {json.dumps(state[kind][name], sort_keys=True, ensure_ascii=False)}"
            for name in sorted(state[kind])
        ]
        body = "{\n" + ",\n".join(objects) + f"\n{pad}}}" if objects else "{}"
        sections.append(f"{pad}{json.dumps(kind)}: {body}")
    return "{\n" + ",\n".join(sections) + "\n}"


def _stamp(register):
    return (register["ts"], register["node"], json.dumps(register["value"], sort_keys=True))


def _claim(state, kind, name):
    for other in KINDS:
        if other != kind and name in state[other]:
            raise StateError(f"{name!r} is already a {_KIND_NAMES[other]}; pick another name")


_KIND_NAMES = {"gsets": "grow-only set", "lww": "LWW register", "orsets": "OR-Set"}


def _section(document, kind):
    section = document.get(kind, {})
    if not isinstance(section, dict):
        raise StateError(f"{kind} must be an object of name -> value")
    return section


def _strings(items, where):
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise StateError(f"{where} must be a list of strings")
    return items


def _register(register, where):
    if not isinstance(register, dict) or set(register) != {"value", "ts", "node"}:
        raise StateError(f"{where} must be an object with value, ts and node")
    if not isinstance(register["ts"], int) or isinstance(register["ts"], bool):
        raise StateError(f"{where}.ts must be a whole number (milliseconds)")
    if not isinstance(register["node"], str):
        raise StateError(f"{where}.node must be a string")
    return dict(register)


def _orset(orset, where):
    if not isinstance(orset, dict) or set(orset) != {"adds", "removed"}:
        raise StateError(f"{where} must be an object with adds and removed")
    adds = orset["adds"]
    if not isinstance(adds, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair) for pair in adds
    ):
        raise StateError(f'{where}.adds must be a list of ["element", "tag"] pairs')
    return {
        "adds": [list(pair) for pair in sorted({tuple(pair) for pair in adds})],
        "removed": sorted(set(_strings(orset["removed"], f"{where}.removed"))),
    }
