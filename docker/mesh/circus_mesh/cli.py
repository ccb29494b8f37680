"""meshctl: reads and writes a mesh replica (the local one, or another host's with --peer), and
merges state files by hand so you can check the CRDT laws yourself."""

import argparse
import json
import sys

from . import crdt
from .protocol import CLIENT_PORT, ProtocolError, request

USAGE = """\
  meshctl state                       the whole replicated state (canonical JSON)
  meshctl get NAME                    the value of one object
  meshctl gset add NAME ELEMENT       add to a grow-only set
  meshctl orset add NAME ELEMENT      add to an OR-Set (a set with removals)
  meshctl orset remove NAME ELEMENT   remove from an OR-Set
  meshctl lww set NAME VALUE [--ts MS] write a last-writer-wins register
  meshctl peers                       which peers this daemon can gossip with
  meshctl merge FILE FILE...          merge state files offline and print the result ('-' is stdin)
  meshctl values [FILE]               what a reader sees of each object (of a state file, or the replica)

  --peer HOST talks to the replica on HOST instead of this host's."""


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="meshctl", usage="%(prog)s [--peer HOST] COMMAND ...", epilog=USAGE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--peer", default="127.0.0.1", help="host whose replica to use (default: this host)")
    parser.add_argument("--port", type=int, default=CLIENT_PORT, help=f"client port (default {CLIENT_PORT})")
    parser.add_argument("--ts", type=int, help="lww set: the timestamp in milliseconds (default: now)")
    parser.add_argument("words", nargs="+", metavar="COMMAND")
    args = parser.parse_args(argv)
    try:
        output = run(args)
    except UsageError as error:
        print(f"meshctl: {error}\n{USAGE}", file=sys.stderr)
        return 2
    except (crdt.StateError, ProtocolError, RemoteError) as error:
        print(f"meshctl: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        where = "this host" if args.peer == "127.0.0.1" else args.peer
        print(f"meshctl: cannot reach meshd on {where} port {args.port}: {error}", file=sys.stderr)
        return 1
    print(output)
    return 0


class UsageError(Exception):
    pass


class RemoteError(Exception):
    pass


def run(args):
    words = args.words
    command, rest = words[0], words[1:]
    if command == "merge":
        if len(rest) < 1:
            raise UsageError("merge takes one or more state files")
        return crdt.canonical_json(merge_files(rest))
    if command == "values" and len(rest) <= 1:
        state = merge_files(rest) if rest else crdt.parse_state(call(args, {"op": "state"}))
        return "\n".join(f"{name}: {_show(value)}" for name, value in crdt.values_of(state).items())
    if command == "state" and not rest:
        return crdt.canonical_json(call(args, {"op": "state"}))
    if command == "peers" and not rest:
        return "\n".join(_peer_line(peer, status) for peer, status in sorted(call(args, {"op": "peers"}).items()))
    if command == "get" and len(rest) == 1:
        return _show(call(args, {"op": "get", "name": rest[0]}))
    if command == "gset" and len(rest) == 3 and rest[0] == "add":
        return _show(call(args, {"op": "gset-add", "name": rest[1], "element": rest[2]}))
    if command == "orset" and len(rest) == 3 and rest[0] in ("add", "remove"):
        return _show(call(args, {"op": f"orset-{rest[0]}", "name": rest[1], "element": rest[2]}))
    if command == "lww" and len(rest) == 3 and rest[0] == "set":
        message = {"op": "lww-set", "name": rest[1], "value": rest[2]}
        if args.ts is not None:
            message["ts"] = args.ts
        return _show(call(args, message))
    raise UsageError(f"unknown command or wrong arguments: {' '.join(words)}")


def merge_files(paths):
    states = [read_state_file(path) for path in paths]
    merged = states[0]
    for state in states[1:]:
        merged = crdt.merge(merged, state)
    return merged


def read_state_file(path):
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as file:
                text = file.read()
        return crdt.parse_state(json.loads(text))
    except OSError as error:
        raise crdt.StateError(f"{path}: {error.strerror}") from None
    except ValueError as error:
        raise crdt.StateError(f"{path}: {error}") from None


def call(args, message):
    reply = request(args.peer, args.port, message)
    if "error" in reply:
        raise RemoteError(reply["error"])
    return reply["ok"]


def _show(value):
    return json.dumps(value, ensure_ascii=False)


def _peer_line(peer, status):
    if status["reachable"] is None:
        return f"{peer:<12} connecting   (first exchange not finished yet)"
    if status["reachable"]:
        return f"{peer:<12} reachable    (last exchange {status['last_exchange_seconds_ago']}s ago)"
    return f"{peer:<12} UNREACHABLE  ({status['error']})"


if __name__ == "__main__":
    sys.exit(main())
