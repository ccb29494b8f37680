// `npx tsx scripts/ensure-postgres.ts [--stop]`: makes a local PostgreSQL 15 available for the tests,
// installing Debian's package as root when missing, and prints its URL (alone on stdout, so
// `CIRCUS_TEST_POSTGRES_URL=$(npx tsx scripts/ensure-postgres.ts)` works). Idempotent and quick when
// it already runs. The cluster lives in the temp folder (keyed by this checkout: the postgres user must
// be able to reach it, which a checkout under /root would not allow), listens on 127.0.0.1:54329 only, and holds
// the role `circus` (password `circus`) and the database `circus_test`. `--stop` stops it; `npm test`
// stops the cluster it started (ensurePostgresForThisProcess).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chownSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./steps";

const majorVersion = 15;
const binDir = `/usr/lib/postgresql/${majorVersion}/bin`;
// CIRCUS_TEST_POSTGRES_PORT lets a second checkout on the same machine run its own cluster beside this one.
const port = Number(process.env.CIRCUS_TEST_POSTGRES_PORT ?? 54329);
const role = "circus";
const password = "circus";
const database = "circus_test";
const checkoutKey = createHash("sha256").update(repoRoot).digest("hex").slice(0, 12);
const clusterDir = join(tmpdir(), `circus-postgres-${checkoutKey}`);
const dataDir = join(clusterDir, "data");
const logFile = join(clusterDir, "postgres.log");

export const testPostgresUrl = `postgresql://${role}:${password}@127.0.0.1:${port}/${database}`;

class EnsurePostgresError extends Error {
  override name = "EnsurePostgresError";
  constructor(message: string, remedy: string) {
    super(`${message} (${remedy})`);
  }
}

const isRoot = process.getuid?.() === 0;

function log(message: string): void {
  console.error(`» ${message}`);
}

interface Outcome {
  status: number;
  output: string;
}

/** Runs a command (as the `postgres` user when we are root: PostgreSQL refuses to run as root). */
function run(
  command: string,
  args: string[],
  options: { asPostgres?: boolean; env?: NodeJS.ProcessEnv } = {},
): Outcome {
  const [file, argv] =
    options.asPostgres && isRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  const result = spawnSync(file, argv, {
    cwd: clusterDir,
    encoding: "utf8",
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.error) return { status: 127, output: result.error.message };
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}`.trim() };
}

function must(what: string, outcome: Outcome, remedy: string): string {
  if (outcome.status !== 0) throw new EnsurePostgresError(`${what} failed:\n${outcome.output}`, remedy);
  return outcome.output;
}

function installPostgres(): void {
  if (existsSync(join(binDir, "postgres")) && existsSync(join(binDir, "initdb"))) return;
  if (!isRoot) {
    throw new EnsurePostgresError(
      `PostgreSQL ${majorVersion} is not installed (${binDir}/postgres is missing)`,
      "install it as root with `apt-get install -y postgresql`, or run this script as root",
    );
  }
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const install = () => run("apt-get", ["install", "-y", "--no-install-recommends", "postgresql"], { env });
  log("installing PostgreSQL (apt-get install -y postgresql)");
  let outcome = install();
  if (outcome.status !== 0) {
    log("apt-get install failed; updating the package lists and retrying");
    must("apt-get update", run("apt-get", ["update"], { env }), "check the machine's apt sources");
    outcome = install();
  }
  must("apt-get install postgresql", outcome, "read apt's output above and fix the machine's apt access");
}

function initCluster(): void {
  if (existsSync(join(dataDir, "PG_VERSION"))) return;
  log(`creating a PostgreSQL cluster in ${clusterDir}`);
  if (isRoot) {
    const ids = must("id postgres", run("id", ["-u", "postgres"]), "install PostgreSQL, which creates the user");
    const gid = must("id postgres", run("id", ["-g", "postgres"]), "install PostgreSQL, which creates the user");
    chownSync(clusterDir, Number(ids), Number(gid));
    must(
      "checking that the postgres user can reach the repository",
      run("test", ["-w", clusterDir], { asPostgres: true }),
      "move the repository to a folder every user may traverse (e.g. not under /root), or run as a non-root user",
    );
  }
  // Trust on the socket (only the cluster's owner can reach it, see unix_socket_permissions);
  // a password over TCP, which listens on 127.0.0.1 alone.
  must(
    "initdb",
    run(
      join(binDir, "initdb"),
      ["-D", dataDir, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"],
      { asPostgres: true },
    ),
    `remove ${dataDir} and run this script again`,
  );
  const settings = [
    "# Written by scripts/ensure-postgres.ts: a throwaway cluster for tests.",
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    `unix_socket_directories = '${clusterDir}'`,
    "unix_socket_permissions = 0700",
    // Test data is disposable: trade durability for speed.
    "fsync = off",
    "synchronous_commit = off",
    "full_page_writes = off",
    "",
  ].join("\n");
  const conf = join(dataDir, "postgresql.auto.conf");
  writeFileSync(conf, settings, { flag: "a" });
}

function isRunning(): boolean {
  return run(join(binDir, "pg_ctl"), ["status", "-D", dataDir], { asPostgres: true }).status === 0;
}

/**
 * Starts the cluster unless it runs; true when this call started it. The port is given on the command line, so a
 * cluster made earlier with another CIRCUS_TEST_POSTGRES_PORT listens where psql and the URL look.
 */
function startCluster(): boolean {
  if (isRunning()) return false;
  log(`starting PostgreSQL on 127.0.0.1:${port} (log: ${logFile})`);
  must(
    "pg_ctl start",
    run(join(binDir, "pg_ctl"), ["start", "-D", dataDir, "-l", logFile, "-w", "-t", "60", "-o", `-p ${port}`], {
      asPostgres: true,
    }),
    `read ${logFile}; if port ${port} is taken, stop what holds it`,
  );
  return true;
}

function psql(sql: string, db = "postgres"): string {
  const args = [
    "-h",
    clusterDir,
    "-p",
    String(port),
    "-U",
    "postgres",
    "-d",
    db,
    "-XAtq",
    "-v",
    "ON_ERROR_STOP=1",
    "-c",
    sql,
  ];
  return must("psql", run(join(binDir, "psql"), args, { asPostgres: true }), `read ${logFile}`);
}

function ensureRoleAndDatabase(): void {
  if (psql(`SELECT 1 FROM pg_roles WHERE rolname = '${role}'`) !== "1") {
    log(`creating the role ${role}`);
    psql(`CREATE ROLE ${role} LOGIN CREATEDB PASSWORD '${password}'`);
  }
  if (psql(`SELECT 1 FROM pg_database WHERE datname = '${database}'`) !== "1") {
    log(`creating the database ${database}`);
    psql(`CREATE DATABASE ${database} OWNER ${role}`);
  }
}

/** Makes the test PostgreSQL run and returns its URL. */
export function ensurePostgres(): string {
  ensureCluster();
  return testPostgresUrl;
}

/**
 * Makes the test PostgreSQL run for this process and returns its URL. When this call started the cluster, it
 * is stopped as the process exits, whether the run passed, failed, threw or was stopped by Ctrl-C (process
 * exit runs synchronous code only, which stopPostgres is), so the next run or checkout finds the port free.
 * A cluster that already ran (someone else's) is left running.
 */
export function ensurePostgresForThisProcess(): string {
  if (ensureCluster()) {
    process.once("exit", () => {
      try {
        stopPostgres();
      } catch (error) {
        console.error(`✗ could not stop the test PostgreSQL: ${error instanceof Error ? error.message : error}`);
      }
    });
  }
  return testPostgresUrl;
}

/** True when this call started the cluster. */
function ensureCluster(): boolean {
  mkdirSync(clusterDir, { recursive: true });
  installPostgres();
  initCluster();
  const started = startCluster();
  try {
    ensureRoleAndDatabase();
  } catch (error) {
    if (started) stopPostgres();
    throw error;
  }
  return started;
}

export function stopPostgres(): void {
  if (!existsSync(join(dataDir, "PG_VERSION")) || !isRunning()) return;
  log("stopping PostgreSQL");
  must(
    "pg_ctl stop",
    run(join(binDir, "pg_ctl"), ["stop", "-D", dataDir, "-m", "fast", "-w"], { asPostgres: true }),
    `read ${logFile}`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    if (process.argv.includes("--stop")) stopPostgres();
    else console.log(ensurePostgres());
  } catch (error) {
    console.error(error instanceof EnsurePostgresError ? `✗ ${error.message}` : error);
    process.exit(1);
  }
}
