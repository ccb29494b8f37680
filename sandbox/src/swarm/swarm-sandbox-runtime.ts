// The SandboxRuntime on Docker Swarm (CIRCUS_ORCHESTRATOR=swarm): the same in-memory registry, create
// queue, capacity, TTL/idle reaper and adoption as the single-engine runtime, over the Swarm backend
// (hosts as services placed by Swarm). Hosts lost with their node are found by polling the manager and
// reported like any stopped host; restarting one places a new service on a live node. Each host's
// writable layer is held to its disk quota through the engine of the node that runs it. Several runtimes
// (web replicas) may share one Swarm scope: with `shared`, each adopts what another created, forgets what
// another removed, and reaps nothing that the shared leases say is in use elsewhere.
import { randomUUID } from "node:crypto";
import type Dockerode from "dockerode";
import { type Logger, pino } from "pino";
import type { CheckpointStore, CheckpointStoreOptions } from "../checkpoints/checkpoint-store";
import { EnvironmentCommandHelpers } from "../commands/environment-command-helpers";
import { resolveSandboxConfig, type SandboxConfigOptions } from "../config";
import type { EngineProtection } from "../engine/engine-protections";
import { CreateSlots } from "../environments/create-slots";
import {
  type DiskQuotaBreach,
  DiskQuotaWatch,
  stopHostOverQuota,
  type WatchedHost,
} from "../environments/disk-quota-watch";
import { callEngine } from "../environments/engine-failures";
import {
  DEFAULT_DISK_MIB,
  type Environment,
  type EnvironmentSpecInput,
  snapshotEnvironment,
} from "../environments/environment";
import type { EnvironmentHandle, HostState } from "../environments/environment-handle";
import type { EnvironmentLeases } from "../environments/environment-leases";
import { environmentHandle, recordBackend } from "../environments/host-driven-handle";
import { forgetRemovedEnvironments, type ReconcileOutcome } from "../environments/reconcile-environments";
import {
  type CreateOptions,
  type HostStopListener,
  type SandboxRuntime,
  startRuntime,
} from "../environments/sandbox-runtime";
import { CapacityExceededError, ContainerDiedError, EnvironmentNotFoundError, HostNotFoundError } from "../errors";
import { EnvironmentTerminals } from "../terminals/environment-terminals";
import type { TerminalOptions } from "../terminals/open-terminal";
import { NodeDiskReserve } from "./node-disk-reserve";
import type { EngineTls } from "./node-engines";
import { recreateSwarmHosts } from "./recreate-swarm-hosts";
import { createSwarmBackend, type LostHost, type SwarmBackend } from "./swarm-backend";
import { createSwarmCheckpointStore } from "./swarm-checkpoints";
import type { SwarmEnvironment } from "./swarm-environment";
import { HostNodeLostError, HostTaskNotRunningError } from "./swarm-errors";

export interface SwarmSandboxRuntimeOptions
  extends Pick<
    SandboxConfigOptions,
    | "maxEnvironments"
    | "maxConcurrentCreates"
    | "reapIntervalMs"
    | "diskCheckIntervalMs"
    | "diskReserveMiB"
    | "logLevel"
  > {
  /** The engine of a Swarm manager (checked at start-up with checkSwarmNodes by the caller). */
  manager: Dockerode;
  /** The CA and client certificate that open every node's engine. */
  tls: EngineTls;
  /** The registry every node pulls sandbox images from (HOST:PORT); checkpoints are pushed there too. */
  registry: string;
  /** Where this server reaches the registry's HTTP API (checkpoints are listed and deleted there). Default `http://REGISTRY`. */
  registryUrl?: string;
  /** Labels on every service and network; they also scope listing, adoption and reaping. Default {}. */
  labels?: Record<string, string>;
  /** How often the manager is asked for hosts lost with their node. Default 5000 ms. */
  nodeWatchIntervalMs?: number;
  /**
   * How often each node's free disk is measured against `diskReserveMiB` (node-disk-reserve.ts); a node with more
   * than four reserves of headroom, every fourth time. Default 30000 ms.
   */
  diskReserveIntervalMs?: number;
  /** The image that measures a node's free disk (it needs `df`). Default REGISTRY/circus/base:latest. */
  probeImage?: string;
  /** How long all hosts of an environment may take to run, image pull included. Default 120 s. */
  startTimeoutMs?: number;
  /** Defaults of every terminal the handles open. */
  terminals?: Partial<Omit<TerminalOptions, "recorder">>;
  /** Default: a pino logger at `logLevel`. */
  logger?: Logger;
  /**
   * Several runtimes (web replicas) on one Swarm scope: every `resyncIntervalMs` (default: the reap interval)
   * each adopts the environments another one created and forgets those another one removed; activity and
   * extensions go through `leases`, which the reaper reads first (as on one engine).
   */
  shared?: { leases: EnvironmentLeases; resyncIntervalMs?: number };
}

interface SwarmRecord {
  environment: Environment;
  swarm: SwarmEnvironment;
  /** Hosts not running any more (node lost, task ended), by host name. */
  stopped: Map<string, HostState>;
  restarts: Map<string, Promise<Environment>>;
  terminals: EnvironmentTerminals;
  /** The one owner of its hosts' command helpers (each runs on the node's engine that runs the host). */
  commandHelpers: EnvironmentCommandHelpers;
  /** The engine of the node that runs each located host (where its disk use is measured). */
  engines: Map<string, Dockerode>;
}

const DEFAULT_NODE_WATCH_MS = 5_000;
const DEFAULT_DISK_RESERVE_INTERVAL_MS = 30_000;
const DEFAULT_START_TIMEOUT_MS = 120_000;

/** Creates the runtime, adopts this scope's environments from the manager, then starts reaping and watching nodes. */
export async function createSwarmSandboxRuntime(options: SwarmSandboxRuntimeOptions): Promise<SandboxRuntime> {
  return startRuntime(new SwarmSandboxRuntime(options));
}

class SwarmSandboxRuntime implements SandboxRuntime {
  readonly #records = new Map<string, SwarmRecord>();
  readonly #creating = new Set<string>();
  readonly #stopListeners = new Set<HostStopListener>();
  readonly #backend: SwarmBackend;
  readonly #slots: CreateSlots;
  readonly #logger: Logger;
  readonly #maxEnvironments: number;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #diskQuotaWatch: DiskQuotaWatch;
  readonly #diskReserve: NodeDiskReserve;
  #reaping = false;
  #watching = false;

  constructor(private readonly options: SwarmSandboxRuntimeOptions) {
    const config = resolveSandboxConfig(options);
    this.#logger = options.logger ?? pino({ name: "circus-sandbox", level: config.logLevel });
    this.#maxEnvironments = config.maxEnvironments;
    this.#slots = new CreateSlots(config.maxConcurrentCreates);
    this.#backend = createSwarmBackend({
      manager: options.manager,
      tls: options.tls,
      registry: options.registry,
      scopeLabels: options.labels ?? {},
      logger: this.#logger,
      ...(options.startTimeoutMs ? { startTimeoutMs: options.startTimeoutMs } : {}),
    });
    this.reapIntervalMs = config.reapIntervalMs;
    this.#diskReserve = new NodeDiskReserve({
      manager: options.manager,
      tls: options.tls,
      reserveMiB: config.diskReserveMiB,
      probeImage: options.probeImage ?? `${options.registry}/circus/base:latest`,
      labels: options.labels ?? {},
      logger: this.#logger,
      intervalMs: options.diskReserveIntervalMs ?? DEFAULT_DISK_RESERVE_INTERVAL_MS,
    });
    // Every host is measured through its node's engine (WatchedHost.engine); the manager is never asked.
    this.#diskQuotaWatch = new DiskQuotaWatch(
      options.manager,
      this.#logger,
      config.diskCheckIntervalMs,
      () => this.#watchedHosts(),
      (breach) => this.#stopOverQuota(breach),
    );
  }

  private readonly reapIntervalMs: number;

  async start(): Promise<void> {
    await this.reconcile();
    const every = (ms: number, task: () => Promise<void>) => {
      const timer = setInterval(() => void task(), ms);
      timer.unref();
      this.#timers.push(timer);
    };
    every(this.reapIntervalMs, () => this.#reap());
    every(this.options.nodeWatchIntervalMs ?? DEFAULT_NODE_WATCH_MS, () => this.#watchNodes());
    await this.#measureDisks();
    // Each tick measures the nodes that are due: those far above the reserve every fourth tick (remeasureAfterMs).
    every(this.options.diskReserveIntervalMs ?? DEFAULT_DISK_RESERVE_INTERVAL_MS, () =>
      this.#measureDisks({ dueOnly: true }),
    );
    const { shared } = this.options;
    if (shared) {
      every(shared.resyncIntervalMs ?? this.reapIntervalMs, () =>
        this.reconcile().then(
          () => undefined,
          (error) => this.#logger.warn({ err: error }, "could not re-sync with the Swarm"),
        ),
      );
    }
    this.#diskQuotaWatch.start();
  }

  async create(input: EnvironmentSpecInput, { signal, priority }: CreateOptions = {}): Promise<Environment> {
    if (this.#records.size + this.#creating.size >= this.#maxEnvironments) {
      throw new CapacityExceededError(this.#maxEnvironments);
    }
    this.#diskReserve.assertAvailable();
    const key = randomUUID();
    this.#creating.add(key);
    try {
      const release = await this.#slots.acquire(signal, priority);
      let swarm: SwarmEnvironment;
      try {
        swarm = await this.#backend.create(input, signal ? { signal } : {});
      } finally {
        release();
      }
      const record = await this.#adopt(swarm);
      this.#logger.info({ environment: swarm.id, owner: swarm.spec.owner, hosts: swarm.hosts.length }, "created");
      return snapshotEnvironment(record.environment);
    } finally {
      this.#creating.delete(key);
    }
  }

  environment(id: string): EnvironmentHandle {
    const record = this.#recordOf(id);
    return environmentHandle(
      recordBackend({
        id,
        record,
        current: () => this.#records.get(id),
        runtime: this,
        terminalDefaults: this.options.terminals ?? {},
        logger: this.options.terminals?.logger ?? this.#logger.child({ module: "terminals" }),
        assertHostRuns: (host) => this.#assertRunning(record, host),
        // The node's engine and container from the cached placement (looked up again when a call fails).
        onHost: (host, call) => record.swarm.onHost(host, (placement) => call(placement.docker, placement.containerId)),
      }),
    );
  }

  get(id: string): Environment | undefined {
    const record = this.#records.get(id);
    return record ? snapshotEnvironment(record.environment) : undefined;
  }

  list(): Environment[] {
    return [...this.#records.values()].map((record) => snapshotEnvironment(record.environment));
  }

  /** In memory, like the single engine: the services' labels keep the first expiry. */
  extend(id: string, seconds: number): Environment {
    const environment = this.#recordOf(id).environment;
    environment.expiresAt = new Date(environment.expiresAt.getTime() + seconds * 1000);
    this.options.shared?.leases.record(id, { expiresAt: environment.expiresAt });
    return snapshotEnvironment(environment);
  }

  touch(id: string): void {
    const environment = this.#recordOf(id).environment;
    environment.lastActivityAt = new Date();
    this.options.shared?.leases.record(id, { lastActivityAt: environment.lastActivityAt });
  }

  async destroy(id: string): Promise<void> {
    const record = this.#records.get(id);
    this.#records.delete(id);
    if (record) {
      record.commandHelpers.end();
      await record.terminals.end();
      await record.swarm.destroy();
      this.#logger.info({ environment: id }, "environment destroyed");
      return;
    }
    // Not adopted here (another process, a failed adoption): remove it by its labels all the same.
    await this.#backend
      .environment(id)
      .then((swarm) => swarm.destroy())
      .catch((error) => {
        if (!(error instanceof EnvironmentNotFoundError)) throw error;
      });
  }

  /** The host's container as last located (on whichever node runs it); diagnostics and the warm pool's check. */
  containerOf(id: string, hostName: string): string {
    const record = this.#recordOf(id);
    this.#assertRunning(record, hostName);
    const host = record.environment.hosts.find((candidate) => candidate.name === hostName);
    if (!host?.containerId) throw new HostTaskNotRunningError(id, hostName, "not located yet");
    return host.containerId;
  }

  async ping(): Promise<void> {
    await callEngine(() => this.options.manager.ping());
  }

  /** Throws SwarmDiskReserveLowError when every node was below the reserve at its latest measurement. */
  async assertDiskReserve(): Promise<void> {
    this.#diskReserve.assertAvailable();
  }

  async #measureDisks(options: { dueOnly?: boolean } = {}): Promise<void> {
    await this.#diskReserve.measure(options).catch((error: unknown) => {
      this.#logger.warn({ err: error }, "could not measure the Swarm nodes' free disk");
    });
  }

  async protections(): Promise<EngineProtection[]> {
    return [
      {
        name: "disk-quota",
        ok: true,
        detail: "writable layers are measured through each node's engine (SizeRw) and a host past its quota is stopped",
      },
      this.#diskReserveProtection(),
    ];
  }

  #diskReserveProtection(): EngineProtection {
    const nodes = this.#diskReserve.nodes();
    if (nodes.length === 0) {
      return {
        name: "disk-reserve",
        ok: false,
        detail: "no Swarm node's free disk was measured (the reserve is 0, or the measuring container failed)",
        fix: "set CIRCUS_SANDBOX_DISK_RESERVE_MIB above 0 and check that every node can run REGISTRY/circus/base:latest",
      };
    }
    const low = nodes.filter((node) => node.low).map((node) => node.node);
    return {
      name: "disk-reserve",
      ok: true,
      detail:
        low.length === 0
          ? `every node keeps its reserve (least free: ${Math.min(...nodes.map((node) => node.freeMiB))} MiB)`
          : `below the reserve, taking no new environment: ${low.join(", ")}`,
    };
  }

  hostStates(id: string): HostState[] {
    const record = this.#recordOf(id);
    return record.environment.hosts.map(
      (host) => record.stopped.get(host.name) ?? { name: host.name, state: "running" as const },
    );
  }

  onHostStopped(listener: HostStopListener): () => void {
    this.#stopListeners.add(listener);
    return () => this.#stopListeners.delete(listener);
  }

  restartHost(id: string, hostName: string, options: { image?: string } = {}): Promise<Environment> {
    const record = this.#recordOf(id);
    if (!record.environment.hosts.some((host) => host.name === hostName)) throw new HostNotFoundError(id, hostName);
    const inFlight = record.restarts.get(hostName);
    if (inFlight) return inFlight;
    const restart = (async () => {
      record.commandHelpers.end(hostName);
      await record.terminals.end(hostName);
      record.swarm.forgetPlacement(hostName);
      if (options.image) {
        // A checkpoint (rewind, resume): the service runs from its image, pulled from the registry on any node.
        await recreateSwarmHosts({
          manager: this.options.manager,
          registry: this.options.registry,
          environmentId: id,
          images: { [hostName]: options.image },
        });
      } else {
        await this.#backend.restartHost(record.swarm, hostName);
      }
      const placement = await record.swarm.locate(hostName, { fresh: true });
      const host = record.environment.hosts.find((candidate) => candidate.name === hostName);
      if (host) host.containerId = placement.containerId;
      record.engines.set(hostName, placement.docker);
      record.stopped.delete(hostName);
      record.environment.lastActivityAt = new Date();
      this.#logger.info({ environment: id, host: hostName, node: placement.node }, "host restarted on a node");
      return snapshotEnvironment(record.environment);
    })().finally(() => record.restarts.delete(hostName));
    record.restarts.set(hostName, restart);
    return restart;
  }

  /** Checkpoints committed on the node that runs each host and pushed to the Swarm's registry (resumable on any node). */
  createCheckpointStore(options: Omit<CheckpointStoreOptions, "docker" | "scopeLabels">): CheckpointStore {
    return createSwarmCheckpointStore({
      ...options,
      manager: this.options.manager,
      tls: this.options.tls,
      registry: this.options.registry,
      ...(this.options.registryUrl ? { registryUrl: this.options.registryUrl } : {}),
      scopeLabels: this.options.labels ?? {},
    });
  }

  /** Takes on an environment of this scope that another runtime (a web replica) created, from its services' labels. */
  async adopt(id: string): Promise<Environment | undefined> {
    const held = this.#records.get(id);
    if (held) return snapshotEnvironment(held.environment);
    let swarm: SwarmEnvironment;
    try {
      swarm = await this.#backend.environment(id);
    } catch (error) {
      if (error instanceof EnvironmentNotFoundError) return undefined;
      throw error;
    }
    if (swarm.expiresAt.getTime() <= Date.now()) return undefined;
    const record = this.#records.get(id) ?? (await this.#adopt(swarm));
    return snapshotEnvironment(record.environment);
  }

  async reconcile(): Promise<ReconcileOutcome> {
    const adopted: Environment[] = [];
    const present = new Set<string>();
    const shared = this.options.shared !== undefined;
    // Held before the Swarm was listed: only these can be known to be gone from its answer (one adopted on demand
    // by adopt(), or created here, while it was listed is not in it).
    const heldBefore = new Set(this.#records.keys());
    for (const id of await this.#backend.list()) {
      present.add(id);
      if (this.#records.has(id)) continue;
      try {
        const swarm = await this.#backend.environment(id);
        // Another runtime's create in progress (not every host runs yet): adopted on a later round.
        const record = await this.#adopt(swarm, { skipIfStarting: shared });
        if (record) adopted.push(snapshotEnvironment(record.environment));
      } catch (error) {
        this.#logger.warn({ environment: id, err: error }, "could not adopt a Swarm environment");
      }
    }
    if (shared) {
      // Another runtime removed it (reaped, stopped): forget it here too, ending its sessions.
      await forgetRemovedEnvironments(this.#records, { heldBefore, present, logger: this.#logger });
    }
    const removed = await this.#backend.reapOrphans().catch((error) => {
      this.#logger.warn({ err: error }, "could not remove orphans on the Swarm nodes");
      return 0;
    });
    this.#logger.info({ adopted: adopted.length, orphansRemoved: removed }, "swarm environments reconciled");
    return { adopted, removed: [], present };
  }

  async dispose(): Promise<void> {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    this.#diskQuotaWatch.dispose();
    for (const record of this.#records.values()) record.commandHelpers.end();
    await Promise.all([...this.#records.values()].map((record) => record.terminals.end()));
  }

  /**
   * Registers an environment and locates its hosts (so the first call goes straight to their nodes). With
   * `skipIfStarting`, one younger than the start timeout whose hosts do not all run yet is left for later.
   */
  async #adopt(swarm: SwarmEnvironment): Promise<SwarmRecord>;
  async #adopt(swarm: SwarmEnvironment, options: { skipIfStarting: boolean }): Promise<SwarmRecord | undefined>;
  async #adopt(swarm: SwarmEnvironment, { skipIfStarting = false } = {}): Promise<SwarmRecord | undefined> {
    const now = new Date();
    const record: SwarmRecord = {
      environment: {
        id: swarm.id,
        spec: swarm.spec,
        hosts: swarm.hosts.map((name) => ({ name, containerId: "" })),
        createdAt: swarm.createdAt,
        expiresAt: swarm.expiresAt,
        lastActivityAt: now,
        ...(swarm.spec.owner === undefined ? {} : { owner: swarm.spec.owner }),
      },
      swarm,
      stopped: new Map(),
      restarts: new Map(),
      terminals: new EnvironmentTerminals(),
      commandHelpers: new EnvironmentCommandHelpers(),
      engines: new Map(),
    };
    const unlocated: LostHost[] = [];
    await Promise.all(
      record.environment.hosts.map(async (host) => {
        try {
          const placement = await swarm.locate(host.name);
          host.containerId = placement.containerId;
          record.engines.set(host.name, placement.docker);
        } catch (error) {
          unlocated.push({ environmentId: swarm.id, host: host.name, reason: String(error) });
        }
      }),
    );
    const startTimeoutMs = this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    if (skipIfStarting && unlocated.length > 0 && Date.now() - swarm.createdAt.getTime() < startTimeoutMs) {
      return undefined;
    }
    if (this.#records.has(swarm.id)) return this.#records.get(swarm.id);
    for (const lost of unlocated) this.#markStopped(record, lost);
    this.#records.set(swarm.id, record);
    return record;
  }

  #assertRunning(record: SwarmRecord, hostName: string): void {
    if (!record.environment.hosts.some((host) => host.name === hostName)) {
      throw new HostNotFoundError(record.environment.id, hostName);
    }
    const stopped = record.stopped.get(hostName);
    if (stopped) {
      throw stopped.nodeLost === undefined
        ? new ContainerDiedError(hostName, stopped.exitCode ?? -1, stopped.oomKilled ?? false, stopped.diskQuotaMiB)
        : new HostNodeLostError(hostName, stopped.nodeLost);
    }
  }

  #markStopped(record: SwarmRecord, lost: LostHost, diskQuotaMiB?: number): void {
    if (record.stopped.has(lost.host) || record.restarts.has(lost.host)) return;
    const state: HostState = {
      name: lost.host,
      state: "stopped",
      exitCode: diskQuotaMiB === undefined ? -1 : 137,
      oomKilled: false,
      ...(diskQuotaMiB === undefined ? {} : { diskQuotaMiB }),
      ...(lost.node !== undefined && /node/.test(lost.reason) ? { nodeLost: lost.node } : {}),
    };
    record.stopped.set(lost.host, state);
    record.swarm.forgetPlacement(lost.host);
    // Their shells went with the node (or the task): end the sessions so clients hear it now.
    record.commandHelpers.end(lost.host);
    void record.terminals.end(lost.host);
    this.#logger.warn(
      { environment: record.environment.id, host: lost.host, node: lost.node, reason: lost.reason },
      "a Swarm host is not running any more",
    );
    for (const listener of [...this.#stopListeners]) {
      try {
        listener(record.environment.id, state);
      } catch (error) {
        this.#logger.warn({ err: error, environment: record.environment.id }, "a host stop listener failed");
      }
    }
  }

  /** Running, located hosts with their quota and their node's engine. */
  #watchedHosts(): WatchedHost[] {
    const hosts: WatchedHost[] = [];
    for (const record of this.#records.values()) {
      const { environment } = record;
      for (const host of environment.hosts) {
        const engine = record.engines.get(host.name);
        if (!engine || !host.containerId || record.stopped.has(host.name) || record.restarts.has(host.name)) continue;
        hosts.push({
          environmentId: environment.id,
          hostName: host.name,
          containerId: host.containerId,
          quotaMiB: environment.spec.hosts.find((spec) => spec.name === host.name)?.diskMiB ?? DEFAULT_DISK_MIB,
          engine,
        });
      }
    }
    return hosts;
  }

  /** Marks a host past its quota stopped (its state says why, for the learner), then kills its container on its node. */
  async #stopOverQuota(breach: DiskQuotaBreach): Promise<void> {
    const record = this.#records.get(breach.environmentId);
    const host = record?.environment.hosts.find((candidate) => candidate.name === breach.hostName);
    if (!record || host?.containerId !== breach.containerId) return;
    this.#markStopped(
      record,
      { environmentId: breach.environmentId, host: breach.hostName, reason: "over its disk quota" },
      breach.quotaMiB,
    );
    if (breach.engine) await stopHostOverQuota(breach, breach.engine, this.#logger);
  }

  async #watchNodes(): Promise<void> {
    if (this.#watching || this.#records.size === 0) return;
    this.#watching = true;
    try {
      for (const lost of await this.#backend.findLostHosts()) {
        const record = this.#records.get(lost.environmentId);
        if (record) this.#markStopped(record, lost);
      }
    } catch (error) {
      this.#logger.warn({ err: error }, "could not ask the Swarm manager for lost hosts");
    } finally {
      this.#watching = false;
    }
  }

  async #reap(): Promise<void> {
    if (this.#reaping) return;
    this.#reaping = true;
    try {
      try {
        await this.#readLeases();
      } catch (error) {
        // Without the other runtimes' word, reaping could end an environment a learner uses: wait a round.
        this.#logger.warn({ err: error }, "could not read the shared leases; not reaping this round");
        return;
      }
      const now = Date.now();
      for (const { environment } of [...this.#records.values()]) {
        const idle = now - environment.lastActivityAt.getTime() >= environment.spec.idleTimeoutSeconds * 1000;
        const reason = now >= environment.expiresAt.getTime() ? "expired" : idle ? "idle" : undefined;
        if (!reason) continue;
        this.#logger.info({ environment: environment.id, reason }, "reaping environment");
        await this.destroy(environment.id).catch((error) => {
          this.#logger.error({ environment: environment.id, err: error }, "could not reap environment");
        });
      }
      // What a lost node left behind is removed once it reports back.
      await this.#backend.reapOrphans();
    } catch (error) {
      this.#logger.warn({ err: error }, "could not reap on the Swarm");
    } finally {
      this.#reaping = false;
    }
  }

  /** Takes the later activity and expiry that other runtimes recorded for the environments about to be reaped. */
  async #readLeases(): Promise<void> {
    const { shared } = this.options;
    if (!shared) return;
    const now = Date.now();
    const due = [...this.#records.values()]
      .map(({ environment }) => environment)
      .filter(
        (environment) =>
          now >= environment.expiresAt.getTime() ||
          now - environment.lastActivityAt.getTime() >= environment.spec.idleTimeoutSeconds * 1000,
      );
    if (due.length === 0) return;
    const leases = await shared.leases.read(due.map((environment) => environment.id));
    for (const environment of due) {
      const lease = leases.get(environment.id);
      if (!lease) continue;
      if (lease.lastActivityAt > environment.lastActivityAt) environment.lastActivityAt = lease.lastActivityAt;
      if (lease.expiresAt && lease.expiresAt > environment.expiresAt) environment.expiresAt = lease.expiresAt;
    }
  }

  #recordOf(id: string): SwarmRecord {
    const record = this.#records.get(id);
    if (!record) throw new EnvironmentNotFoundError(id);
    return record;
  }
}
