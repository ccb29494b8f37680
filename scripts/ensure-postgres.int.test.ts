// The test PostgreSQL of `npm test` (scripts/ensure-postgres.ts) on the real PostgreSQL 15: a run that started
// the cluster stops it as it exits, passed, failed or crashed, so the next run or checkout finds its port
// free; a cluster that already ran is left running. Each case runs in a child process with a cluster of its
// own (its own temp folder and a port of its own), never the one the other tests use.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { type AddressInfo, connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./steps";

let folder: string;
/** A free port on 127.0.0.1 for this test's cluster alone. */
let port: number;

/** Runs `body` (module code with `ensurePostgresForThisProcess` in scope) in a child process on the test's cluster. */
function inChild(body: string): { status: number | null; output: string } {
  const code = `import { ensurePostgresForThisProcess, ensurePostgres } from "./scripts/ensure-postgres.ts";\n${body}`;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    cwd: repoRoot,
    env: { ...process.env, TMPDIR: folder, CIRCUS_TEST_POSTGRES_PORT: String(port) },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: child.status, output: `${child.stdout}${child.stderr}` };
}

function listening(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  port = await freePort();
  folder = mkdtempSync(join(tmpdir(), "circus-pg-run-"));
  // The postgres user (the cluster's owner when we are root) must traverse to its folder.
  chmodSync(folder, 0o755);
});

afterAll(() => {
  inChild(`(await import("./scripts/ensure-postgres.ts")).stopPostgres();`);
  rmSync(folder, { recursive: true, force: true });
});

describe("the test PostgreSQL of a run", () => {
  it("is stopped when the run that started it passes", async () => {
    const run = inChild(`console.log("url " + ensurePostgresForThisProcess());`);
    expect(run.output).toContain(`url postgresql://circus:circus@127.0.0.1:${port}/circus_test`);
    expect(run.output).toContain("stopping PostgreSQL");
    expect(run.status).toBe(0);
    expect(await listening()).toBe(false);
  });

  it("is stopped when the run fails or throws", async () => {
    const failed = inChild(`ensurePostgresForThisProcess(); process.exit(1);`);
    expect(failed.status).toBe(1);
    expect(await listening()).toBe(false);
    const crashed = inChild(`ensurePostgresForThisProcess(); throw new Error("a step crashed");`);
    expect(crashed.output).toContain("a step crashed");
    expect(crashed.status).not.toBe(0);
    expect(await listening()).toBe(false);
  });

  it("is left running when it ran before the run", async () => {
    inChild(`ensurePostgres();`);
    expect(await listening()).toBe(true);
    const run = inChild(`ensurePostgresForThisProcess();`);
    expect(run.status).toBe(0);
    expect(run.output).not.toContain("stopping PostgreSQL");
    expect(await listening()).toBe(true);
  });
});
