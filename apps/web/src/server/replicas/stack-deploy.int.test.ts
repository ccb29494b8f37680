// The committed docker/stack.yml deployed with `docker stack deploy` on the Docker-in-Docker Swarm
// (sandbox/test/swarm-cluster.ts: a manager, one worker, the cluster's registry), the way the README's
// operator section does it: the stack's images built and pushed to the registry, the secrets created, the
// variables set, then the CLI run against the manager's engine over mutual TLS. HAProxy answers /readyz from
// a web replica, a learner starts a run through it on a Swarm service, and `docker stack rm` removes it all.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type SwarmCluster, startSwarmCluster } from "../../../../../sandbox/test/swarm-cluster";
import { buildWebImage, WEB_IMAGE, WebImageError } from "../../../../../scripts/web-image";
import { waitForReadyRun } from "../test/ready-run";
import { LearnerClient } from "../test/web-test-server";

const run = promisify(execFile);
const REPOSITORY = fileURLToPath(new URL("../../../../../", import.meta.url));
const STACK_IMAGES = ["circus/stack-haproxy:latest", "circus/stack-postgres:latest"];
const IMAGES = [WEB_IMAGE, ...STACK_IMAGES, "circus/registry:latest", "circus/base:latest"];
const SCENARIO = "circus-basics";
const STACK = `circus-${randomBytes(3).toString("hex")}`;

let cluster: SwarmCluster | undefined;
let certificates = "";
let skipReason: string | undefined;
let origin = "";

/** The docker CLI against the manager's engine over mutual TLS, with the operator's shell variables. */
async function dockerCli(args: string[], variables: Record<string, string> = {}): Promise<string> {
  const manager = cluster?.nodes.find((node) => node.role === "manager");
  if (!manager) throw new Error("the cluster has no manager");
  const { stdout } = await run("docker", args, {
    cwd: REPOSITORY,
    maxBuffer: 16 * 1024 * 1024,
    env: {
      ...process.env,
      DOCKER_HOST: `tcp://${manager.address}:2376`,
      DOCKER_TLS_VERIFY: "1",
      DOCKER_CERT_PATH: certificates,
      ...variables,
    },
  });
  return stdout;
}

/** Builds the stack's service images (docker/stack/Dockerfile) on the shared engine, as the README says. */
async function buildStackImages(): Promise<void> {
  for (const image of STACK_IMAGES) {
    const target = /^circus\/stack-([a-z]+):latest$/.exec(image)?.[1] ?? "";
    await run("docker", ["build", "-q", "-f", "docker/stack/Dockerfile", "--target", target, "-t", image, "docker"], {
      cwd: REPOSITORY,
      env: { ...process.env, DOCKER_BUILDKIT: "0" },
      maxBuffer: 16 * 1024 * 1024,
    });
  }
}

beforeAll(async () => {
  const shared = new Dockerode();
  try {
    await buildWebImage(shared, { log: (line) => console.info(line) });
  } catch (error) {
    if (error instanceof WebImageError && error.unbuildableHere) {
      skipReason = error.message;
      return;
    }
    throw error;
  }
  await buildStackImages();
  cluster = await startSwarmCluster({ scope: "web-stack-deploy-int", workers: 1, images: IMAGES });
  certificates = await mkdtemp(join(tmpdir(), "circus-stack-tls-"));
  await writeFile(join(certificates, "ca.pem"), cluster.tls.ca);
  await writeFile(join(certificates, "cert.pem"), cluster.tls.cert);
  await writeFile(join(certificates, "key.pem"), cluster.tls.key, { mode: 0o600 });
}, 900_000);

afterAll(async () => {
  await cluster?.stop();
  if (certificates) await rm(certificates, { recursive: true, force: true });
}, 180_000);

describe("docker stack deploy -c docker/stack.yml", () => {
  it("runs the stack on the Swarm: HAProxy answers from a web replica, a learner starts a run, and it is removed", async (context) => {
    if (skipReason) {
      console.warn(`skipped: circus/web cannot be built here: ${skipReason}`);
      context.skip();
    }
    if (!cluster) throw new Error("the cluster was not started");
    const manager = cluster.nodes.find((node) => node.role === "manager");
    if (!manager) throw new Error("the cluster has no manager");
    origin = `http://${manager.address}`;

    // The operator's shell (README, "Several web replicas and Docker Swarm").
    const password = randomBytes(24).toString("hex");
    const variables = {
      CIRCUS_SECRET: randomBytes(32).toString("base64"),
      CIRCUS_DB_PASSWORD: password,
      CIRCUS_PUBLIC_ORIGIN: origin,
      CIRCUS_MANAGER_ADDRESS: manager.address,
      CIRCUS_REGISTRY: cluster.registry,
      // Only circus/base is in the registry: no warm pools for the catalog's other images.
      CIRCUS_WARM_POOL_SIZE: "0",
    };
    const passwordFile = join(certificates, "db-password");
    await writeFile(passwordFile, password);
    await dockerCli(["secret", "create", "circus_db_password", passwordFile]);
    for (const file of ["ca", "cert", "key"]) {
      await dockerCli(["secret", "create", `circus_engine_${file}`, join(certificates, `${file}.pem`)]);
    }
    await dockerCli(["stack", "deploy", "--detach=true", "-c", "docker/stack.yml", STACK], variables);

    try {
      const services = (await dockerCli(["stack", "services", STACK, "--format", "{{.Name}}"])).split("\n");
      expect(services.filter(Boolean).sort()).toEqual(
        ["haproxy", "postgres", "registry", "web"].map((name) => `${STACK}_${name}`),
      );

      // HAProxy, published on the manager, answers /readyz from a web replica (PostgreSQL migrated, Swarm checked).
      await vi.waitFor(
        async () => {
          const response = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(5_000) });
          const body = await response.text();
          expect(response.status, body).toBe(200);
        },
        { timeout: 240_000, interval: 1_000 },
      );
      const replicas = await dockerCli(["service", "ps", `${STACK}_web`, "--filter", "desired-state=running", "-q"]);
      expect(replicas.split("\n").filter(Boolean)).toHaveLength(2);

      // A learner starts a run through HAProxy: its host is a Swarm service the web replicas created.
      const learner = new LearnerClient(origin);
      await learner.visit();
      const started = await learner.request("POST", "/api/runs", { body: { scenarioId: SCENARIO } });
      expect(started.status, JSON.stringify(started.json)).toBe(202);
      const runId: string = started.json.run.id;
      const ready = await waitForReadyRun(learner, runId);
      expect(ready.status).toBe("ready");
      const sandboxServices = (await cluster.manager.listServices()) as Array<{ Spec: { Name: string } }>;
      expect(
        sandboxServices.map((service) => service.Spec.Name).filter((name) => name.endsWith("-node1")),
      ).toHaveLength(1);
    } finally {
      await dockerCli(["stack", "rm", STACK]);
    }
    // `docker stack rm` returns before Swarm has removed everything: its services and network go.
    await vi.waitFor(
      async () => {
        const left = await dockerCli(["stack", "ls", "--format", "{{.Name}}"]);
        expect(left.split("\n")).not.toContain(STACK);
        const networks = await dockerCli([
          "network",
          "ls",
          "--filter",
          `label=com.docker.stack.namespace=${STACK}`,
          "-q",
        ]);
        expect(networks.trim()).toBe("");
      },
      { timeout: 60_000, interval: 1_000 },
    );
  }, 600_000);
});
