// The sandbox runtime: the in-memory registry of environments on one Docker engine, with a create
// queue and capacity, death detection, a reaper for expired/idle environments and start-up adoption.
import { randomBytes } from "node:crypto";
import type Dockerode from "dockerode";
import { type Logger, pino } from "pino";
import {
  type CheckpointStore,
  type CheckpointStoreOptions,
  createCheckpointStore,
} from "../checkpoints/checkpoint-store";
import { EnvironmentCommandHelpers } from "../commands/environment-command-helpers";
import { resolveSandboxConfig, type SandboxConfig, type SandboxConfigOptions } from "../config";
import { connectEngine } from "../engine/connect-engine";
import { checkEngineProtections, type EngineProtection } from "../engine/engine-protections";
import { CapacityExceededError, ContainerDiedError, EnvironmentNotFoundError, HostNotFoundError } from "../errors";
import { EnvironmentTerminals } from "../terminals/environment-terminals";
import type { TerminalOptions } from "../terminals/open-terminal";
import { TerminalPipes } from "../terminals/terminal-pipes";
import { type ContainerDeath, ContainerDeathWatch } from "./container-deaths";
import { createEnvironment } from "./create-environment";
import { type CreatePriority, CreateSlots } from "./create-slots";
import { type DiskQuotaBreach, DiskQuotaWatch, stopHostOverQuota, type WatchedHost } from "./disk-quota-watch";
import { DiskReserve } from "./disk-reserve";
import { callEngine, engineStatusOf } from "./engine-failures";
import {
  DEFAULT_DISK_MIB,
  type Environment,
  type EnvironmentSpecInput,
  parseEnvironmentSpec,
  snapshotEnvironment,
} from "./environment";
import type { EnvironmentHandle, HostState } from "./environment-handle";
import type { EnvironmentLeases } from "./environment-leases";
import { environmentHandle, recordBackend } from "./host-driven-handle";
import { LABEL } from "./labels";
import { forgetRemovedEnvironments, type ReconcileOutcome, reconcileEnvironments } from "./reconcile-environments";
import { removeEnvironmentResources } from "./remove-environment";
import { restartHost } from "./restart-host";

export type { HostState } from "./environment-handle";

export type HostStopListener = (environmentId: string, state: HostState) => void;

export interface SandboxRuntimeOptions extends SandboxConfigOptions {
  /** The engine to use; default `connectEngine()` (DOCKER_HOST, else the local socket, pinged once). */
  docker?: Dockerode;
  /** Structured logger; default a pino logger at `logLevel`. */
  logger?: Logger;
  /**
   * Labels put on every container and network this runtime creates. They also scope it: reconcile
   * adopts or removes only resources that carry all of them (e.g. `circus.test=<id>` in tests). Default {}.
   */
  labels?: Record<string, string>;
  /** Defaults of every terminal the handles open (e.g. graceMs); default the terminal's own, logging to `logger`. */
  terminals?: Partial<Omit<TerminalOptions, "recorder">>;
  /**
   * Other runtimes (web replicas) share this engine and scope: reconcile leaves what another one may be
   * creating or restarting, `adopt(id)` takes on an environment another one created, the runtime re-syncs
   * with the engine every `resyncIntervalMs` (default the reap interval: adopts new environments, forgets
   * removed ones), and activity and extensions go through `leases`, which the reaper reads first.
   * Default: this runtime is the engine scope's only one.
   */
  shared?: { leases: EnvironmentLeases; resyncIntervalMs?: number };
}

export interface CreateOptions {
  signal?: AbortSignal;
  /** `background` for work nobody waits for (warm-pool refills): it yields to learners' creates. Default `learner`. */
  priority?: CreatePriority;
}

export interface SandboxRuntime {
  /**
   * Creates and starts an environment; queued beyond maxConcurrentCreates, a learner's create before any
   * `background` one (warm-pool refills, which also hold at most half the slots). Default priority `learner`.
   */
  create(spec: EnvironmentSpecInput, options?: CreateOptions): Promise<Environment>;
  /** The handle that drives one environment (commands, files, ports, terminals); throws EnvironmentNotFoundError. */
  environment(id: string): EnvironmentHandle;
  get(id: string): Environment | undefined;
  /**
   * The environment, taken on from the engine's labels when this runtime does not hold it yet (another
   * runtime on the engine created it); undefined when the engine has no live, unexpired one.
   */
  adopt(id: string): Promise<Environment | undefined>;
  list(): Environment[];
  /** Pushes the expiry back by `seconds` (in memory: the label keeps the first expiry, see README). */
  extend(id: string, seconds: number): Environment;
  /** Records activity now (resets the idle timeout). */
  touch(id: string): void;
  /** Ends its terminals and removes the environment's containers and network; a no-op for an unknown id. */
  destroy(id: string): Promise<void>;
  /**
   * The container of a host (engine-level tests and diagnostics; callers drive hosts through `environment(id)`);
   * throws EnvironmentNotFoundError, HostNotFoundError or ContainerDiedError.
   */
  containerOf(id: string, hostName: string): string;
  /** Resolves when the engine answers (readiness probes); rejects otherwise. */
  ping(): Promise<void>;
  /** Throws DiskReserveLowError while the engine's disk has less free space than the reserve (create() checks it too). */
  assertDiskReserve(): Promise<void>;
  /** Which protections the engine and machine give (remapping, runtime, quota, reserve, host firewall); cached 60 s. */
  protections(): Promise<EngineProtection[]>;
  /** The state of each host (in spec order); throws EnvironmentNotFoundError. */
  hostStates(id: string): HostState[];
  /**
   * Tells `listener` when a host of an environment stops on its own (exit, OOM or disk-quota kill, its
   * node lost on Swarm), once per stop; returns the function that stops telling it.
   */
  onHostStopped(listener: HostStopListener): () => void;
  /**
   * Replaces a host's container by a new one from its image (same name, limits and network alias), e.g.
   * after it died; its terminals end first. The caller copies files and runs setup again. Concurrent
   * calls for a host share one. `options.image` starts it from another image instead (a checkpoint:
   * rewind and resume).
   */
  restartHost(id: string, hostName: string, options?: { image?: string }): Promise<Environment>;
  /**
   * The checkpoint store of this runtime's engine and scope: commits of its hosts, labelled with its scope
   * labels (the reaper touches only those).
   */
  createCheckpointStore(options: Omit<CheckpointStoreOptions, "docker" | "scopeLabels">): CheckpointStore;
  /** Adopts live environments of this scope found on the engine and removes leftovers. */
  reconcile(): Promise<ReconcileOutcome>;
  /** Stops the reaper and the event watch and ends every terminal; containers keep running for the next runtime to adopt. */
  dispose(): Promise<void>;
}

/** Creates a runtime, watches container deaths, reconciles with the engine, then starts reaping. */
export async function createSandboxRuntime(options: SandboxRuntimeOptions = {}): Promise<SandboxRuntime> {
  const config = resolveSandboxConfig(options);
  const docker = options.docker ?? (await connectEngine());
  const logger = options.logger ?? pino({ name: "circus-sandbox", level: config.logLevel });
  // gVisor keeps its own view of a bind's FIFOs: its sandboxes' terminals go through the engine.
  const terminalPipes =
    config.terminalPipes === false || config.runtime !== "runc"
      ? undefined
      : await TerminalPipes.open({ root: config.terminalPipes, docker, logger });
  const runtime = new EngineSandboxRuntime(
    docker,
    config,
    logger,
    options.labels ?? {},
    options.terminals ?? {},
    options.shared,
    terminalPipes,
  );
  return startRuntime(runtime);
}

/** Starts a runtime (either kind); one whose start fails is disposed of (its timers and watches) before the error goes on. */
export async function startRuntime<T extends SandboxRuntime & { start(): Promise<void> }>(runtime: T): Promise<T> {
  try {
    await runtime.start();
  } catch (error) {
    await runtime.dispose();
    throw error;
  }
  return runtime;
}

const PROTECTION_REPORT_TTL_MS = 60_000;

interface EnvironmentRecord {
  environment: Environment;
  deaths: Map<string, { exitCode: number; oomKilled: boolean; diskQuotaMiB?: number }>;
  /** Restarts in progress, by host name. */
  restarts: Map<string, Promise<Environment>>;
  /** The one owner of its terminal sessions: they end when it is destroyed (or reaped) or a host restarts. */
  terminals: EnvironmentTerminals;
  /** The one owner of its hosts' command helpers: disposed of with the terminals, and when a host dies. */
  commandHelpers: EnvironmentCommandHelpers;
}

function newRecord(environment: Environment): EnvironmentRecord {
  return {
    environment,
    deaths: new Map(),
    restarts: new Map(),
    terminals: new EnvironmentTerminals(),
    commandHelpers: new EnvironmentCommandHelpers(),
  };
}

class EngineSandboxRuntime implements SandboxRuntime {
  private readonly records = new Map<string, EnvironmentRecord>();
  private readonly stopListeners = new Set<HostStopListener>();
  private readonly creating = new Set<string>();
  private readonly slots: CreateSlots;
  /**
   * Destroys running at once (as many as creates). A burst of stops (a load test's end, a workshop's end) sent
   * ~50 force-removes of containers with open execs at once, and Docker 20.10 wedged: every kill waited for an
   * exit event that never came, and the engine answered no container call after that.
   */
  private readonly removals: CreateSlots;
  private readonly deathWatch: ContainerDeathWatch;
  private readonly diskQuotaWatch: DiskQuotaWatch;
  private readonly diskReserve: DiskReserve;
  private reapTimer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  /** Adoptions in flight, by environment id (concurrent misses share one). */
  private readonly adopting = new Map<string, Promise<Environment | undefined>>();
  private reaping = false;
  private protectionReport: { at: number; report: Promise<EngineProtection[]> } | undefined;

  constructor(
    private readonly docker: Dockerode,
    private readonly config: SandboxConfig,
    private readonly logger: Logger,
    private readonly scopeLabels: Record<string, string>,
    private readonly terminalDefaults: Partial<Omit<TerminalOptions, "recorder">>,
    private readonly shared?: SandboxRuntimeOptions["shared"],
    /** Terminals whose bytes the engine does not relay (a local engine); undefined: through the engine. */
    private readonly terminalPipes?: TerminalPipes,
  ) {
    this.slots = new CreateSlots(config.maxConcurrentCreates);
    this.removals = new CreateSlots(config.maxConcurrentCreates);
    this.deathWatch = new ContainerDeathWatch(docker, scopeLabels, logger, {
      onDeath: (death) => void this.recordDeath(death),
      // Deaths while the stream was down (the engine restarting stops every container) left no event.
      onReopen: () => void this.recheckHosts(),
    });
    this.diskQuotaWatch = new DiskQuotaWatch(
      docker,
      logger,
      config.diskCheckIntervalMs,
      () => this.liveHosts(),
      (breach) => this.stopOverQuota(breach),
    );
    this.diskReserve = new DiskReserve(docker, config.diskReserveMiB, logger);
  }

  async start(): Promise<void> {
    await callEngine(() => this.deathWatch.start());
    await this.reconcile();
    await this.terminalPipes
      ?.removeLeftovers(this.docker, LABEL.environment)
      .catch((error) => this.logger.warn({ err: error }, "could not remove leftover terminal pipe folders"));
    this.diskQuotaWatch.start();
    this.reapTimer = setInterval(() => void this.reap(), this.config.reapIntervalMs);
    this.reapTimer.unref();
    if (this.shared) {
      this.resyncTimer = setInterval(
        () =>
          void this.reconcile().catch((error) => this.logger.warn({ err: error }, "could not re-sync with the engine")),
        this.shared.resyncIntervalMs ?? this.config.reapIntervalMs,
      );
      this.resyncTimer.unref();
    }
  }

  async create(input: EnvironmentSpecInput, options: CreateOptions = {}): Promise<Environment> {
    const spec = parseEnvironmentSpec(input);
    if (this.records.size + this.creating.size >= this.config.maxEnvironments) {
      throw new CapacityExceededError(this.config.maxEnvironments);
    }
    await this.diskReserve.assertAvailable();
    const id = randomBytes(6).toString("hex");
    this.creating.add(id);
    try {
      const release = await this.slots.acquire(options.signal, options.priority);
      let environment: Environment;
      try {
        environment = await createEnvironment({
          docker: this.docker,
          id,
          spec,
          runtime: this.config.runtime,
          scopeLabels: this.scopeLabels,
          logger: this.logger,
          terminalPipes: this.terminalPipes,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } finally {
        release();
      }
      this.records.set(id, newRecord(environment));
      this.logger.info({ environment: id, owner: spec.owner, hosts: spec.hosts.length }, "environment created");
      return snapshotEnvironment(environment);
    } finally {
      this.creating.delete(id);
    }
  }

  environment(id: string): EnvironmentHandle {
    return environmentHandle(
      recordBackend({
        id,
        record: this.recordOf(id),
        current: () => this.records.get(id),
        runtime: this,
        logger: this.terminalDefaults.logger ?? this.logger.child({ module: "terminals" }),
        terminalDefaults: this.terminalDefaults,
        assertHostRuns: (host) => this.containerOf(id, host),
        // The container is looked up again at the call: a host restarted meanwhile has a new one.
        onHost: (host, call) => call(this.docker, this.containerOf(id, host)),
        terminalPipes: (host) => this.terminalPipes?.host(id, host),
      }),
    );
  }

  get(id: string): Environment | undefined {
    const record = this.records.get(id);
    return record ? snapshotEnvironment(record.environment) : undefined;
  }

  adopt(id: string): Promise<Environment | undefined> {
    const record = this.records.get(id);
    if (record) return Promise.resolve(snapshotEnvironment(record.environment));
    let adopting = this.adopting.get(id);
    if (!adopting) {
      adopting = (async () => {
        const outcome = await reconcileEnvironments({
          docker: this.docker,
          scopeLabels: this.scopeLabels,
          isOwned: (candidate) => this.records.has(candidate) || this.creating.has(candidate),
          logger: this.logger,
          // A miss never removes anything: the environment may be another runtime's create in progress.
          shared: this.shared ? { leases: this.shared.leases } : {},
          environmentId: id,
          terminalPipes: this.terminalPipes,
        });
        for (const environment of outcome.adopted) {
          if (!this.records.has(environment.id)) this.records.set(environment.id, newRecord(environment));
        }
        const adopted = this.records.get(id);
        return adopted ? snapshotEnvironment(adopted.environment) : undefined;
      })().finally(() => this.adopting.delete(id));
      this.adopting.set(id, adopting);
    }
    return adopting;
  }

  list(): Environment[] {
    return [...this.records.values()].map((record) => snapshotEnvironment(record.environment));
  }

  extend(id: string, seconds: number): Environment {
    const environment = this.recordOf(id).environment;
    environment.expiresAt = new Date(environment.expiresAt.getTime() + seconds * 1000);
    this.shared?.leases.record(id, { expiresAt: environment.expiresAt });
    return snapshotEnvironment(environment);
  }

  touch(id: string): void {
    const environment = this.recordOf(id).environment;
    environment.lastActivityAt = new Date();
    this.shared?.leases.record(id, { lastActivityAt: environment.lastActivityAt });
  }

  async destroy(id: string): Promise<void> {
    const record = this.records.get(id);
    this.records.delete(id);
    const release = await this.removals.acquire();
    try {
      record?.commandHelpers.end();
      await record?.terminals.end();
      await removeEnvironmentResources(
        this.docker,
        id,
        {
          containerIds: record?.environment.hosts.map((host) => host.containerId) ?? [],
          ...(record?.environment.networkId ? { networkId: record.environment.networkId } : {}),
        },
        this.terminalPipes,
      );
    } finally {
      release();
    }
    if (record) this.logger.info({ environment: id }, "environment destroyed");
  }

  containerOf(id: string, hostName: string): string {
    const record = this.recordOf(id);
    const host = record.environment.hosts.find((candidate) => candidate.name === hostName);
    if (!host) throw new HostNotFoundError(id, hostName);
    const death = record.deaths.get(host.containerId);
    if (death) throw new ContainerDiedError(hostName, death.exitCode, death.oomKilled, death.diskQuotaMiB);
    return host.containerId;
  }

  async ping(): Promise<void> {
    await callEngine(() => this.docker.ping());
  }

  assertDiskReserve(): Promise<void> {
    return this.diskReserve.assertAvailable();
  }

  protections(): Promise<EngineProtection[]> {
    if (!this.protectionReport || Date.now() - this.protectionReport.at > PROTECTION_REPORT_TTL_MS) {
      const report = checkEngineProtections(this.docker, {
        runtime: this.config.runtime,
        diskReserveMiB: this.config.diskReserveMiB,
      });
      report.catch(() => {
        this.protectionReport = undefined; // an engine that did not answer is asked again next time
      });
      this.protectionReport = { at: Date.now(), report };
    }
    return this.protectionReport.report;
  }

  hostStates(id: string): HostState[] {
    const record = this.recordOf(id);
    return record.environment.hosts.map((host) => {
      const death = record.deaths.get(host.containerId);
      return death
        ? {
            name: host.name,
            state: "stopped",
            exitCode: death.exitCode,
            oomKilled: death.oomKilled,
            ...(death.diskQuotaMiB === undefined ? {} : { diskQuotaMiB: death.diskQuotaMiB }),
          }
        : { name: host.name, state: "running" };
    });
  }

  onHostStopped(listener: HostStopListener): () => void {
    this.stopListeners.add(listener);
    return () => this.stopListeners.delete(listener);
  }

  private tellStopped(record: EnvironmentRecord, containerId: string): void {
    const host = record.environment.hosts.find((candidate) => candidate.containerId === containerId);
    const state = host && this.hostStates(record.environment.id).find((candidate) => candidate.name === host.name);
    if (!state) return;
    for (const listener of [...this.stopListeners]) {
      try {
        listener(record.environment.id, state);
      } catch (error) {
        this.logger.warn({ err: error, environment: record.environment.id }, "a host stop listener failed");
      }
    }
  }

  createCheckpointStore(options: Omit<CheckpointStoreOptions, "docker" | "scopeLabels">): CheckpointStore {
    return createCheckpointStore({ ...options, docker: this.docker, scopeLabels: this.scopeLabels });
  }

  restartHost(id: string, hostName: string, options: { image?: string } = {}): Promise<Environment> {
    const record = this.recordOf(id);
    if (!record.environment.hosts.some((host) => host.name === hostName)) throw new HostNotFoundError(id, hostName);
    const inFlight = record.restarts.get(hostName);
    if (inFlight) return inFlight;
    const restart = (async () => {
      // The old container's shells end with it; sessions still attached to it are closed here.
      record.commandHelpers.end(hostName);
      await record.terminals.end(hostName);
      const containerId = await restartHost({
        docker: this.docker,
        environment: record.environment,
        hostName,
        runtime: this.config.runtime,
        scopeLabels: this.scopeLabels,
        logger: this.logger,
        terminalPipes: this.terminalPipes,
        ...(options.image ? { image: options.image } : {}),
      });
      const host = record.environment.hosts.find((candidate) => candidate.name === hostName);
      if (host) {
        record.deaths.delete(host.containerId);
        host.containerId = containerId;
      }
      record.environment.lastActivityAt = new Date();
      return snapshotEnvironment(record.environment);
    })().finally(() => record.restarts.delete(hostName));
    record.restarts.set(hostName, restart);
    return restart;
  }

  async reconcile(): Promise<ReconcileOutcome> {
    // Held before the engine was listed: only these can be known to be gone from its answer (an environment
    // adopted on demand meanwhile, by adopt(), is not in a listing that began before it existed here).
    const heldBefore = new Set(this.records.keys());
    const outcome = await reconcileEnvironments({
      docker: this.docker,
      scopeLabels: this.scopeLabels,
      isOwned: (id) => this.records.has(id) || this.creating.has(id),
      logger: this.logger,
      terminalPipes: this.terminalPipes,
      ...(this.shared ? { shared: { leases: this.shared.leases } } : {}),
    });
    // adopt() may have taken one on while the engine was listed: its record (and the handles and terminals
    // made from it) stays; a second record would end every handle made from the first.
    for (const environment of outcome.adopted) {
      if (!this.records.has(environment.id)) this.records.set(environment.id, newRecord(environment));
    }
    if (this.shared) {
      // Another runtime removed it (stopped, reaped): forget it here too, ending its sessions.
      await forgetRemovedEnvironments(this.records, {
        heldBefore,
        present: outcome.present,
        isCreating: (id) => this.creating.has(id),
        logger: this.logger,
      });
    }
    return outcome;
  }

  async dispose(): Promise<void> {
    clearInterval(this.reapTimer);
    clearInterval(this.resyncTimer);
    this.deathWatch.dispose();
    this.diskQuotaWatch.dispose();
    for (const record of this.records.values()) record.commandHelpers.end();
    await Promise.all([...this.records.values()].map((record) => record.terminals.end()));
  }

  /** Hosts of this runtime's environments that have not stopped, with their disk quotas. */
  private liveHosts(): WatchedHost[] {
    return [...this.records.values()].flatMap(({ environment, deaths }) =>
      environment.hosts
        .filter((host) => !deaths.has(host.containerId))
        .map((host) => ({
          environmentId: environment.id,
          hostName: host.name,
          containerId: host.containerId,
          quotaMiB: environment.spec.hosts.find((spec) => spec.name === host.name)?.diskMiB ?? DEFAULT_DISK_MIB,
        })),
    );
  }

  /** Kills a host past its quota; its death carries the reason, so the learner is told why. */
  private async stopOverQuota(breach: DiskQuotaBreach): Promise<void> {
    const record = this.records.get(breach.environmentId);
    if (!record) return;
    record.deaths.set(breach.containerId, { exitCode: 137, oomKilled: false, diskQuotaMiB: breach.quotaMiB });
    this.endHelperOf(record, breach.containerId);
    this.tellStopped(record, breach.containerId);
    await stopHostOverQuota(breach, this.docker, this.logger);
  }

  private recordOf(id: string): EnvironmentRecord {
    const record = this.records.get(id);
    if (!record) throw new EnvironmentNotFoundError(id);
    return record;
  }

  private async reap(): Promise<void> {
    if (this.reaping) return;
    this.reaping = true;
    try {
      try {
        await this.readLeases();
      } catch (error) {
        // Without the other runtimes' word, reaping could end an environment a learner uses: wait a round.
        this.logger.warn({ err: error }, "could not read the shared leases; not reaping this round");
        return;
      }
      const now = Date.now();
      for (const { environment } of [...this.records.values()]) {
        const idleMs = now - environment.lastActivityAt.getTime();
        const reason =
          now >= environment.expiresAt.getTime()
            ? "expired"
            : idleMs >= environment.spec.idleTimeoutSeconds * 1000
              ? "idle"
              : undefined;
        if (!reason) continue;
        this.logger.info({ environment: environment.id, reason }, "reaping environment");
        await this.destroy(environment.id).catch((error) => {
          this.logger.error({ environment: environment.id, err: error }, "could not reap environment");
        });
      }
    } finally {
      this.reaping = false;
    }
  }

  /** Takes the later activity and expiry that other runtimes recorded for the environments about to be reaped. */
  private async readLeases(): Promise<void> {
    if (!this.shared) return;
    const now = Date.now();
    const due = [...this.records.values()]
      .map(({ environment }) => environment)
      .filter(
        (environment) =>
          now >= environment.expiresAt.getTime() ||
          now - environment.lastActivityAt.getTime() >= environment.spec.idleTimeoutSeconds * 1000,
      );
    if (due.length === 0) return;
    const leases = await this.shared.leases.read(due.map((environment) => environment.id));
    for (const environment of due) {
      const lease = leases.get(environment.id);
      if (!lease) continue;
      if (lease.lastActivityAt > environment.lastActivityAt) environment.lastActivityAt = lease.lastActivityAt;
      if (lease.expiresAt && lease.expiresAt > environment.expiresAt) environment.expiresAt = lease.expiresAt;
    }
  }

  /** Inspects every host's container and records as dead those not running (or gone). */
  private async recheckHosts(): Promise<void> {
    for (const record of [...this.records.values()]) {
      for (const host of record.environment.hosts) {
        if (record.deaths.has(host.containerId) || record.restarts.has(host.name)) continue;
        try {
          const inspected = await this.docker.getContainer(host.containerId).inspect();
          if (inspected.State.Running) continue;
          this.markDead(record, host.containerId, inspected.State.ExitCode, inspected.State.OOMKilled);
        } catch (error) {
          if (engineStatusOf(error) === 404) this.markDead(record, host.containerId, -1, false);
          else this.logger.warn({ err: error, environment: record.environment.id }, "could not inspect a host");
        }
      }
    }
  }

  /** A dead host's helper ended with its container; disposing of it drops it at once. */
  private endHelperOf(record: EnvironmentRecord, containerId: string): void {
    const host = record.environment.hosts.find((candidate) => candidate.containerId === containerId);
    if (host) record.commandHelpers.end(host.name);
  }

  private markDead(record: EnvironmentRecord, containerId: string, exitCode: number, oomKilled: boolean): void {
    if (record.deaths.has(containerId)) return;
    record.deaths.set(containerId, { exitCode, oomKilled });
    this.endHelperOf(record, containerId);
    this.tellStopped(record, containerId);
    this.logger.warn(
      { environment: record.environment.id, containerId, exitCode, oomKilled },
      "a sandbox container stopped",
    );
  }

  private async recordDeath(death: ContainerDeath): Promise<void> {
    const record = this.records.get(death.environmentId);
    if (!record?.environment.hosts.some((host) => host.containerId === death.containerId)) return;
    let oomKilled = false;
    try {
      const inspected = await this.docker.getContainer(death.containerId).inspect();
      oomKilled = inspected.State.OOMKilled;
    } catch {
      // Removed meanwhile: the exit code from the event is all there is.
    }
    this.markDead(record, death.containerId, death.exitCode, oomKilled);
  }
}
