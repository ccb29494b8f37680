// The one owner of an environment's command helpers, one per host: opened on a host's first command, disposed
// of when the environment is destroyed or reaped, when the host restarts or dies, or when its container changes
// (a Swarm task replaced). A host where a helper cannot run goes by plain execs (no `sh`; a slow start: a while).
import type Dockerode from "dockerode";
import { engineStatusOf } from "../environments/engine-failures";
import { CommandHelper, type CommandHelperSource } from "./command-helper";

/** How long a host whose helper was too slow to start (a saturated machine) goes by plain execs. */
const SLOW_START_BACKOFF_MS = 60_000;

interface HostHelper {
  containerId: string;
  /** The open (or opening) helper; undefined when none is open. */
  opening?: Promise<CommandHelper | undefined>;
  /** Plain execs until this time (Infinity: no `sh` there). */
  withoutHelperUntil?: number;
}

export class EnvironmentCommandHelpers {
  readonly #hosts = new Map<string, HostHelper>();
  #ended = false;

  /** The helper source of `host` as run by `containerId` now (a different container ends the old helper). */
  source(host: string, docker: Dockerode, containerId: string): CommandHelperSource {
    return { reserve: () => this.#reserve(host, docker, containerId) };
  }

  /** Whether `host` has a helper open or opening (for tests and diagnostics). */
  has(host: string): boolean {
    return this.#hosts.get(host)?.opening !== undefined;
  }

  /** Disposes of the helper of `host`, or of every host (the environment ends); no helper opens after the latter. */
  end(host?: string): void {
    if (host === undefined) this.#ended = true;
    for (const [name, entry] of [...this.#hosts]) {
      if (host !== undefined && name !== host) continue;
      this.#hosts.delete(name);
      disposeOpening(entry.opening);
    }
  }

  async #reserve(host: string, docker: Dockerode, containerId: string): Promise<CommandHelper | undefined> {
    if (this.#ended) return undefined;
    let entry = this.#hosts.get(host);
    if (entry && entry.containerId !== containerId) {
      this.#hosts.delete(host);
      disposeOpening(entry.opening);
      entry = undefined;
    }
    if (!entry) {
      entry = { containerId };
      this.#hosts.set(host, entry);
    }
    if (entry.withoutHelperUntil !== undefined) {
      if (Date.now() < entry.withoutHelperUntil) return undefined;
      entry.withoutHelperUntil = undefined;
    }
    if (entry.opening === undefined) entry.opening = this.#open(host, entry, docker);
    const opening = entry.opening;
    const helper = await opening;
    if (helper?.ended) {
      if (entry.opening === opening) entry.opening = undefined;
      if (this.#hosts.get(host) !== entry) return undefined;
      return this.#reserve(host, docker, containerId);
    }
    return helper?.reserve() ? helper : undefined;
  }

  async #open(host: string, entry: HostHelper, docker: Dockerode): Promise<CommandHelper | undefined> {
    const current = () => this.#hosts.get(host) === entry;
    let helper: Awaited<ReturnType<typeof CommandHelper.open>>;
    try {
      helper = await CommandHelper.open(docker, entry.containerId);
    } catch (error) {
      entry.opening = undefined;
      // Not running: the caller reports why. Any other failure: this command goes by a plain exec.
      if (engineStatusOf(error) === 409) throw error;
      return undefined;
    }
    if (helper === "no-shell" || helper === "slow") {
      entry.opening = undefined;
      entry.withoutHelperUntil = helper === "no-shell" ? Number.POSITIVE_INFINITY : Date.now() + SLOW_START_BACKOFF_MS;
      return undefined;
    }
    // Ended (or its host's helpers ended) while it was opening: nobody would dispose of it later.
    if (!current() || this.#ended) {
      helper.dispose();
      return undefined;
    }
    const opening = entry.opening;
    helper.onEnd(() => {
      if (entry.opening === opening) entry.opening = undefined;
    });
    return helper;
  }
}

function disposeOpening(opening: Promise<CommandHelper | undefined> | undefined): void {
  void opening?.then(
    (helper) => helper?.dispose(),
    () => {},
  );
}
