// The command helper's POSIX sh loop (dash, busybox ash: no bash-only syntax) and the request it reads.
// A request is two lines, `<nonce> <stdin bytes>` and one sh-quoted command line, then the stdin bytes.
// The helper forks each command (a subshell; `timeout` puts it in a process group of its own), with stdin
// from the payload or /dev/null, and prints begin and end markers carrying the nonce on stdout and stderr.
// Each command writes into pipes of its own, read up to its end marker and then closed: a process it left
// running (`server &`) that writes later gets EPIPE instead of writing into a later command's output, and
// nothing waits for that process.

/** The helper's name, as `ps` shows it (first words of its command line). */
export const COMMAND_HELPER_NAME = "circus-command-helper";

/** The name of the pseudo-command whose frame the helper prints once it is ready. */
export const READY_NONCE = "ready";

// `head -c` of GNU coreutils reads exactly N bytes from a pipe; busybox's reads ahead through stdio, so
// there `dd bs=1` (one read per byte) keeps the next request in the pipe. A payload is read to its end even
// when the command does not read it (`cat >/dev/null`), so the framing never slips. `sed .../q` forwards the
// command's pipe up to its end marker and quits (closing it) without waiting for its writers to close it.
// The end marker is followed by an empty line that sed never prints: busybox's sed reads one line ahead
// before it acts on a line, and without that line it would wait on the marker until a process the command
// left running wrote again or closed the pipe.
// A host without sed (or head/dd) ends the helper before it is ready: its commands go by plain execs.
export const COMMAND_HELPER_SCRIPT = `# ${COMMAND_HELPER_NAME}: runs Circus's checks and setup commands in this host (one process; ends with the host)
nl='
'
command -v sed >/dev/null 2>&1 || exit 0
if head --version 2>/dev/null | grep -q GNU; then
  take() { head -c "$1"; }
else
  take() { dd bs=1 count="$1" 2>/dev/null; }
fi
printf '\\ncircus-%s:B\\n\\ncircus-%s:E 0\\n' ${READY_NONCE} ${READY_NONCE}
printf '\\ncircus-%s:B\\n\\ncircus-%s:E 0\\n' ${READY_NONCE} ${READY_NONCE} >&2
while IFS=' ' read -r nonce size; do
  IFS= read -r command || exit 0
  printf '\\ncircus-%s:B\\n' "$nonce"
  printf '\\ncircus-%s:B\\n' "$nonce" >&2
  end="/^circus-$nonce:E /q"
  {
    {
      if [ "$size" -gt 0 ]; then
        take "$size" | { (eval "$command") 3>&-; status=$?; cat >/dev/null; exit "$status"; }
      else
        (eval "$command") </dev/null 3>&-
      fi
      status=$?
      printf '\\ncircus-%s:E %s\\n\\n' "$nonce" "$status"
      printf '\\ncircus-%s:E %s\\n\\n' "$nonce" "$status" >&2
    } 2>&1 1>&3 3>&- | sed "$end" >&2 3>&-
  } 3>&1 | sed "$end"
done
`;

export interface HelperRequest {
  argv: string[];
  /** NAME=value entries added to the helper's (the container's) environment. */
  env: string[];
  workdir?: string | undefined;
  /** Seconds after which the in-container backstop SIGKILLs the command's process group. */
  backstopSeconds: number;
}

/** The command line the helper evals: one line (newlines in arguments become "$nl"), every word quoted. */
export function helperCommandLine(request: HelperRequest): string {
  const words = [
    "env",
    ...request.env.map(quote),
    "timeout",
    "-s",
    "KILL",
    String(request.backstopSeconds),
    ...request.argv.map(quote),
  ].join(" ");
  return request.workdir === undefined ? words : `cd ${quote(request.workdir)} && ${words}`;
}

/** `word` as one sh word on one line. */
export function quote(word: string): string {
  return word
    .split("\n")
    .map((line) => `'${line.replaceAll("'", `'\\''`)}'`)
    .join('"$nl"');
}
