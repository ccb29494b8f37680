// A PostgreSQL 15 cluster of a fault test's own (never the shared test cluster): created in a temporary
// folder on a free 127.0.0.1 port, stopped and started again by the test, removed at the end. Trust
// authentication on loopback: it holds throwaway data only. As root, the cluster runs as `postgres`.
import { execFile } from "node:child_process";
import { chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const BIN_DIR = "/usr/lib/postgresql/15/bin";
const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

export interface OwnPostgres {
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** `pg_ctl stop -m fast`: connections are cut, new ones refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the cluster and removes its folder. */
  remove(): Promise<void>;
}

export async function createOwnPostgres(): Promise<OwnPostgres> {
  const dir = await mkdtemp(join(tmpdir(), "circus-fault-pg-"));
  const dataDir = join(dir, "data");
  const port = await freePort();
  if (isRoot) {
    const uid = Number((await run("id", ["-u", "postgres"])).stdout.trim());
    const gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
    await chown(dir, uid, gid);
  }
  const pg = (tool: string, args: string[]) =>
    isRoot ? run("runuser", ["-u", "postgres", "--", join(BIN_DIR, tool), ...args]) : run(join(BIN_DIR, tool), args);
  await pg("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const settings = [
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    `unix_socket_directories = '${dir}'`,
    "fsync = off",
    "",
  ];
  await writeFile(join(dataDir, "postgresql.auto.conf"), settings.join("\n"), { flag: "a" });
  const start = async () => {
    await pg("pg_ctl", ["start", "-D", dataDir, "-l", join(dir, "postgres.log"), "-w", "-t", "60"]);
  };
  const stop = async () => {
    await pg("pg_ctl", ["stop", "-D", dataDir, "-m", "fast", "-w"]);
  };
  await start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    remove: async () => {
      await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A TCP port nobody listens on right now (the kernel's pick). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}
