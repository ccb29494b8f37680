// The relay exec'd inside the container for one forwarded connection: it connects to
// 127.0.0.1:<port> and copies bytes between its stdio and the socket, half-closes included.

/**
 * Protocol on stderr (one line each): `connected <pid>` once connected, `refused <reason>` (exit 3)
 * when nothing listens, `failed <reason>` (exit 4) when the connection breaks later. End of stdin
 * shuts down the socket's write side; end of the socket ends the relay, which ends the exec stream.
 */
export const PORT_RELAY_SCRIPT = `
import os, socket, sys, threading

def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]

def report(line):
    write_all(2, (line + "\\n").encode())

port = int(sys.argv[1])
try:
    conn = socket.create_connection(("127.0.0.1", port))
except OSError as error:
    report("refused %s" % (error.strerror or error))
    sys.exit(3)
report("connected %d" % os.getpid())

def copy_stdin_to_socket():
    try:
        while True:
            data = os.read(0, 65536)
            if not data:
                break
            conn.sendall(data)
        conn.shutdown(socket.SHUT_WR)
    except OSError:
        pass  # the socket broke: the loop below reports it

threading.Thread(target=copy_stdin_to_socket, daemon=True).start()
try:
    while True:
        data = conn.recv(65536)
        if not data:
            break
        write_all(1, data)
except OSError as error:
    report("failed %s" % (error.strerror or error))
    os._exit(4)
os._exit(0)
`;

/** The relay's command line for one port. */
export function portRelayCommand(port: number): string[] {
  return ["python3", "-c", PORT_RELAY_SCRIPT, String(port)];
}
