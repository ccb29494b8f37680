// Two (or more) web replicas as real processes on loopback, on one PostgreSQL database and one engine,
// behind a real HAProxy with the committed configuration: what the web-replica suite and the
// `replicas` bench run. Each replica can be killed and started again on its port.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type HaproxyProcess, startHaproxy } from "./haproxy-process";
import { freePort } from "./own-postgres";
import { type ServerProcess, startServerProcess, stopServerProcess } from "./server-process";
import { postgresTestDatabase, type TestDatabase } from "./test-databases";

/** One small host without a network of its own (a shared engine's address pools are finite). */
export const REPLICA_SCENARIO_ID = "replica-test";
export const REPLICA_HOST = "node1";

async function writeReplicaScenario(scenariosDir: string): Promise<void> {
  const folder = join(scenariosDir, REPLICA_SCENARIO_ID);
  await mkdir(folder, { recursive: true });
  await writeFile(
    join(folder, "scenario.md"),
    [
      "---",
      "title: Replica test",
      "hosts:",
      `  - name: ${REPLICA_HOST}`,
      "    image: circus/base",
      "    memory: 64m",
      "---",
      "Intro.",
    ].join("\n"),
  );
  await writeFile(join(folder, "01-step.md"), ["# Step", "", "Type something."].join("\n"));
}

export interface ReplicaCluster {
  testId: string;
  /** HAProxy's origin, the one learners use. */
  origin: string;
  replicas: (ServerProcess | undefined)[];
  ports: number[];
  haproxy: HaproxyProcess;
  /** Starts replica `index` (again) on its port. */
  startReplica(index: number): Promise<ServerProcess>;
  dispose(): Promise<void>;
}

export interface ReplicaClusterOptions {
  /** Extra configuration of every replica (limits of the test). */
  env?: Record<string, string>;
  /** Variables of the replicas' processes that the sandbox reads itself (e.g. CIRCUS_SANDBOX_REAP_INTERVAL_MS). */
  processEnv?: Record<string, string>;
  replicas?: number;
  /** Ports to use (HAProxy first, then the replicas); default free ones. */
  ports?: number[];
}

export async function startReplicaCluster(options: ReplicaClusterOptions = {}): Promise<ReplicaCluster> {
  const count = options.replicas ?? 2;
  const testId = `replicas-${randomBytes(4).toString("hex")}`;
  const scenariosDir = await mkdtemp(join(tmpdir(), "circus-replica-scenarios-"));
  let database: TestDatabase | undefined;
  const replicas: (ServerProcess | undefined)[] = [];
  let haproxy: HaproxyProcess | undefined;
  const dispose = async () => {
    await haproxy?.stop();
    await Promise.all(replicas.map((replica) => replica && stopServerProcess(replica, "SIGKILL")));
    await database?.cleanup();
    await rm(scenariosDir, { recursive: true, force: true });
  };
  try {
    await writeReplicaScenario(scenariosDir);
    database = await postgresTestDatabase("web_replicas");
    const ports = options.ports ?? (await Promise.all(Array.from({ length: count + 1 }, () => freePort())));
    const [proxyPort = 0, ...replicaPorts] = ports;
    const origins = ports.map((port) => `http://127.0.0.1:${port}`);
    const env = {
      HOST: "127.0.0.1",
      CIRCUS_SCENARIOS_DIR: scenariosDir,
      DATABASE_URL: database.url,
      CIRCUS_WEB_REPLICAS: "several",
      CIRCUS_SECRET: randomBytes(32).toString("base64url"),
      CIRCUS_WARM_POOL_SIZE: "0",
      CIRCUS_SANDBOX_SCOPE: testId,
      // Learners come through HAProxy; tests also talk to one replica directly.
      CIRCUS_ALLOWED_ORIGINS: origins.join(","),
      CIRCUS_TRUSTED_PROXIES: "127.0.0.1/32",
      CIRCUS_SHUTDOWN_DRAIN_SECONDS: "0",
      LOG_LEVEL: "warn",
      NODE_ENV: "test",
      ...options.env,
    };
    const startReplica = async (index: number) => {
      const replica = await startServerProcess({
        env: { ...env, PORT: String(replicaPorts[index]) },
        testId,
        ...(options.processEnv ? { processEnv: options.processEnv } : {}),
      });
      replicas[index] = replica;
      return replica;
    };
    // One after the other: the first one migrates the database.
    for (let index = 0; index < count; index += 1) await startReplica(index);
    haproxy = await startHaproxy(proxyPort, replicaPorts);
    return { testId, origin: haproxy.origin, replicas, ports: replicaPorts, haproxy, startReplica, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
