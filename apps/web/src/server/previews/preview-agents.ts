// The port-forwarding http.Agents of the previews, one per (environment, host, port) so keep-alive
// connections into a sandbox are reused; an environment's agents are destroyed when it goes away.
import type http from "node:http";
import type { SandboxRuntime } from "@circus/sandbox";
import type { Logger } from "pino";

/** Idle keep-alive connections (each holds a relay process in the sandbox) close after this long. */
const IDLE_CONNECTION_MS = 30_000;
/** Connections one preview may hold at once. */
const MAX_CONNECTIONS_PER_PORT = 16;

interface CachedAgent {
  environmentId: string;
  agent: http.Agent;
}

export class PreviewAgents {
  readonly #runtime: Pick<SandboxRuntime, "environment" | "get">;
  readonly #logger: Logger;
  readonly #agents = new Map<string, CachedAgent>();

  constructor(runtime: Pick<SandboxRuntime, "environment" | "get">, logger: Logger) {
    this.#runtime = runtime;
    this.#logger = logger;
  }

  /**
   * The agent for a port of a host (creating it on first use); first drops agents of environments that are
   * gone. `beforeRelay` runs before each new connection (a relay process in the sandbox) and may throw to refuse it.
   */
  agentFor(
    environmentId: string,
    host: { name: string },
    port: number,
    beforeRelay?: () => void | Promise<void>,
  ): http.Agent {
    this.sweep();
    const key = `${environmentId}/${host.name}/${port}`;
    const cached = this.#agents.get(key);
    if (cached) return cached.agent;
    // The handle resolves the host at each connection: a restarted host is reached in its new container.
    const agent = this.#runtime.environment(environmentId).ports.agent(host.name, port, {
      keepAlive: true,
      maxSockets: MAX_CONNECTIONS_PER_PORT,
      timeout: IDLE_CONNECTION_MS,
      logger: this.#logger,
      ...(beforeRelay ? { beforeConnect: beforeRelay } : {}),
    });
    this.#agents.set(key, { environmentId, agent });
    return agent;
  }

  /** Destroys the agents (and their connections) of an environment. */
  disposeEnvironment(environmentId: string): void {
    for (const [key, cached] of this.#agents) {
      if (cached.environmentId !== environmentId) continue;
      cached.agent.destroy();
      this.#agents.delete(key);
    }
  }

  /** Destroys the agents of environments the runtime no longer has. */
  sweep(): void {
    const gone = new Set([...this.#agents.values()].map((cached) => cached.environmentId));
    for (const environmentId of gone) {
      if (!this.#runtime.get(environmentId)) this.disposeEnvironment(environmentId);
    }
  }

  get size(): number {
    return this.#agents.size;
  }

  dispose(): void {
    for (const cached of this.#agents.values()) cached.agent.destroy();
    this.#agents.clear();
  }
}
