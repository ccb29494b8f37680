// Runs Debian's HAProxy (installed by scripts/ensure-haproxy.ts) on 127.0.0.1 with the committed
// docker/haproxy/haproxy.cfg, its Swarm server template replaced by the given loopback replicas, so the
// tests and the bench route through the same rules as the stack.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const HAPROXY_CONFIG = fileURLToPath(new URL("../../../../../docker/haproxy/haproxy.cfg", import.meta.url));
const HAPROXY_BINARY = "/usr/sbin/haproxy";
const SERVER_TEMPLATE = /^\s*server-template web .*$/m;

export interface HaproxyProcess {
  /** http://127.0.0.1:<port> */
  origin: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** The committed configuration for loopback: `port` to bind, one `server` line per replica port. */
export async function loopbackHaproxyConfig(port: number, replicaPorts: readonly number[]): Promise<string> {
  const committed = await readFile(HAPROXY_CONFIG, "utf8");
  if (!SERVER_TEMPLATE.test(committed)) throw new Error(`${HAPROXY_CONFIG} has no server-template line to replace`);
  const servers = replicaPorts.map((replica, index) => `    server web${index + 1} 127.0.0.1:${replica}`).join("\n");
  return committed
    .replace(/^\s*bind :8080$/m, `    bind 127.0.0.1:${port}`)
    .replaceAll(new RegExp(SERVER_TEMPLATE.source, "gm"), servers)
    .replace(/^resolvers docker\n(?:[ \t]+\S.*\n)+/m, "")
    .replace(/^\s*log stdout .*$/m, "    log stderr format raw local0 warning");
}

export async function startHaproxy(port: number, replicaPorts: readonly number[]): Promise<HaproxyProcess> {
  if (!existsSync(HAPROXY_BINARY)) {
    throw new Error(
      `HAProxy is not installed (${HAPROXY_BINARY}): run \`npx tsx scripts/ensure-haproxy.ts\` (npm test does)`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), "circus-haproxy-"));
  const config = join(dir, "haproxy.cfg");
  await writeFile(config, await loopbackHaproxyConfig(port, replicaPorts));
  // -db: foreground, no daemon; -W off: one process this test can stop by its pid.
  const child = spawn(HAPROXY_BINARY, ["-db", "-f", config], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-4_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode})\n${output}`);
    try {
      await fetch(`${origin}/healthz`);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`haproxy did not listen on ${port}\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    origin,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
