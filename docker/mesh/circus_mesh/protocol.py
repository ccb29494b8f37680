"""The wire format between meshctl, the daemons and their peers: one JSON object per line over
TCP, one request and one response per connection. Port 6783 carries gossip, 6784 client calls."""

import json
import socket

GOSSIP_PORT = 6783
CLIENT_PORT = 6784
MAX_MESSAGE_BYTES = 4 * 1024 * 1024


class ProtocolError(Exception):
    """The other side sent something that is not one JSON object on one line."""


def request(host, port, message, timeout=2.0):
    """Sends one message and returns the decoded reply; raises OSError when the peer is unreachable."""
    with socket.create_connection((host, port), timeout=timeout) as connection:
        connection.settimeout(timeout)
        stream = connection.makefile("rwb")
        write_message(stream, message)
        reply = read_message(stream)
    if reply is None:
        raise ProtocolError(f"{host}:{port} closed the connection without an answer")
    return reply


def read_message(stream):
    line = stream.readline(MAX_MESSAGE_BYTES + 1)
    if not line:
        return None
    if len(line) > MAX_MESSAGE_BYTES:
        raise ProtocolError("message too large")
    try:
        message = json.loads(line)
    except ValueError as error:
        raise ProtocolError(f"not JSON: {error}") from None
    if not isinstance(message, dict):
        raise ProtocolError("a message is a JSON object")
    return message


def write_message(stream, message):
    stream.write(json.dumps(message, sort_keys=True).encode() + b"\n")
    stream.flush()
