// Which sandbox runtime the server runs on (CIRCUS_ORCHESTRATOR): one Docker engine (the default), or a
// Docker Swarm whose nodes are checked first (manager, mutual TLS to every node, no-new-privileges).
// The rest of the server only sees the SandboxRuntime, whichever it is.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  checkSwarmNodes,
  connectEngine,
  connectNodeEngine,
  createSandboxRuntime,
  createSwarmSandboxRuntime,
  type EngineTls,
  type SandboxRuntime,
  type SandboxRuntimeOptions,
} from "@circus/sandbox";
import type { SwarmConfig, WebConfig } from "../config";
import type { Logger } from "../logger";

export interface StartSandboxRuntimeOptions {
  config: WebConfig;
  logger: Logger;
  labels: Record<string, string>;
  maxEnvironments: number;
  reapIntervalMs?: number;
  /** Several web replicas on one engine or one Swarm: the leases they share (adoption, re-sync, reaping). */
  shared?: SandboxRuntimeOptions["shared"];
}

export async function startSandboxRuntime(options: StartSandboxRuntimeOptions): Promise<SandboxRuntime> {
  const { config, logger, labels, maxEnvironments } = options;
  const common = {
    logger: logger.child({ module: "sandbox" }),
    labels,
    maxEnvironments,
    maxConcurrentCreates: config.maxConcurrentCreates,
    ...(options.reapIntervalMs ? { reapIntervalMs: options.reapIntervalMs } : {}),
    terminals: { logger: logger.child({ module: "terminals" }) },
  };
  if (config.orchestrator === "engine" || !config.swarm) {
    return createSandboxRuntime({ ...common, ...(options.shared ? { shared: options.shared } : {}) });
  }

  const swarm = config.swarm;
  const tls = await readSwarmTls(swarm);
  const manager = swarm.manager?.startsWith("tcp://")
    ? connectNodeEngine("the Swarm manager", swarm.manager, tls)
    : await connectEngine(swarm.manager ? { dockerHost: swarm.manager } : {});
  // A manager that is not one, a node without its engine label, TLS or hardening: the server does not start.
  const nodes = await checkSwarmNodes({
    manager,
    tls,
    probeImage: `${swarm.registry}/${swarm.probeImage}`,
    labels,
  });
  logger.info(
    { nodes: nodes.map((node) => ({ node: node.node, availability: node.availability })) },
    "Swarm nodes checked",
  );
  return createSwarmSandboxRuntime({
    ...common,
    manager,
    tls,
    registry: swarm.registry,
    ...(swarm.registryUrl ? { registryUrl: swarm.registryUrl } : {}),
    nodeWatchIntervalMs: swarm.nodeWatchIntervalMs,
    // The free-disk reserve measures each node with it (`df`), as the start-up check runs it.
    probeImage: `${swarm.registry}/${swarm.probeImage}`,
    ...(options.shared ? { shared: options.shared } : {}),
  });
}

async function readSwarmTls(swarm: SwarmConfig): Promise<EngineTls> {
  const [ca, cert, key] = await Promise.all(
    ["ca.pem", "cert.pem", "key.pem"].map((file) => readFile(join(swarm.tlsDir, file))),
  );
  return { ca: ca!, cert: cert!, key: key! };
}
