// The in-process event bus of workshops: run services publish what happened to runs (through the
// database's recordEvent, see start-server-context.ts), workshops publish to their instructors'
// dashboards and to their learners (messages, "you are being watched", the end). Listeners never throw
// into publishers; every subscription returns its dispose function. With several web replicas, dashboard
// and learner notices also go to the other replicas (`relayTo`, `receive`); run events stay local, since
// each replica turns its own into dashboard notices.

/** A run's recorded event (`check.passed`, `step.advanced`, `run.ready`, ...). */
export interface RunEventNotice {
  type: string;
  runId: string | null;
  learnerId: string | null;
}

/** What an instructor's dashboard stream hears about its workshop. */
export type DashboardNotice =
  | { type: "participant"; learnerId: string }
  | { type: "ended"; at: string }
  | { type: "reserve"; reserve: ReserveStats };

export interface ReserveStats {
  /** Environments the reservation aims to keep ready now (0 outside the reservation window). */
  target: number;
  ready: number;
  creating: number;
}

/** What a learner's workshop stream receives. */
export type LearnerNotice =
  | { type: "message"; text: string; at: string }
  | { type: "watching"; on: boolean }
  | { type: "ended"; at: string };

type Listener<T> = (value: T) => void;

/** A dashboard or learner notice as it travels between replicas. */
export type RelayedNotice =
  | { type: "dashboard"; workshopId: string; notice: DashboardNotice }
  | { type: "learners"; workshopId: string; learnerId?: string; notice: LearnerNotice };

export class WorkshopEventBus {
  readonly #runListeners = new Set<Listener<RunEventNotice>>();
  readonly #dashboards = new Map<string, Set<Listener<DashboardNotice>>>();
  /** Keyed by `${workshopId} ${learnerId}`. */
  readonly #learners = new Map<string, Set<Listener<LearnerNotice>>>();
  /** Open read-only views of a learner's terminal, by `${workshopId} ${learnerId}`. */
  readonly #watchers = new Map<string, number>();
  #relay: ((notice: RelayedNotice) => void) | undefined;

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  onRunEvent(listener: Listener<RunEventNotice>): () => void {
    this.#runListeners.add(listener);
    return () => this.#runListeners.delete(listener);
  }

  publishRunEvent(notice: RunEventNotice): void {
    this.#call(this.#runListeners, notice);
  }

  onDashboard(workshopId: string, listener: Listener<DashboardNotice>): () => void {
    return add(this.#dashboards, workshopId, listener);
  }

  publishDashboard(workshopId: string, notice: DashboardNotice): void {
    this.#call(this.#dashboards.get(workshopId), notice);
    this.#relay?.({ type: "dashboard", workshopId, notice });
  }

  /** Sends every dashboard and learner notice published here to `relay` too (the other replicas). */
  relayTo(relay: (notice: RelayedNotice) => void): void {
    this.#relay = relay;
  }

  /** A notice another replica published: delivered to the listeners here, never relayed again. */
  receive(relayed: RelayedNotice): void {
    if (relayed.type === "dashboard") this.#call(this.#dashboards.get(relayed.workshopId), relayed.notice);
    else this.#deliverLearners(relayed.workshopId, relayed.notice, relayed.learnerId);
  }

  onLearner(workshopId: string, learnerId: string, listener: Listener<LearnerNotice>): () => void {
    return add(this.#learners, learnerKey(workshopId, learnerId), listener);
  }

  /** To one learner of the workshop, or to all of them (`learnerId` undefined); returns how many streams got it. */
  publishLearners(workshopId: string, notice: LearnerNotice, learnerId?: string): number {
    this.#relay?.({ type: "learners", workshopId, notice, ...(learnerId === undefined ? {} : { learnerId }) });
    return this.#deliverLearners(workshopId, notice, learnerId);
  }

  #deliverLearners(workshopId: string, notice: LearnerNotice, learnerId?: string): number {
    let delivered = 0;
    for (const [key, listeners] of this.#learners) {
      if (learnerId === undefined ? key.startsWith(`${workshopId} `) : key === learnerKey(workshopId, learnerId)) {
        delivered += listeners.size;
        this.#call(listeners, notice);
      }
    }
    return delivered;
  }

  /** Marks the learner as watched until the returned function is called (the first watcher tells them). */
  watch(workshopId: string, learnerId: string): () => void {
    const key = learnerKey(workshopId, learnerId);
    const count = (this.#watchers.get(key) ?? 0) + 1;
    this.#watchers.set(key, count);
    if (count === 1) this.publishLearners(workshopId, { type: "watching", on: true }, learnerId);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#watchers.get(key) ?? 1) - 1;
      if (left > 0) {
        this.#watchers.set(key, left);
        return;
      }
      this.#watchers.delete(key);
      this.publishLearners(workshopId, { type: "watching", on: false }, learnerId);
    };
  }

  isWatched(workshopId: string, learnerId: string): boolean {
    return (this.#watchers.get(learnerKey(workshopId, learnerId)) ?? 0) > 0;
  }

  #call<T>(listeners: Set<Listener<T>> | undefined, value: T): void {
    for (const listener of [...(listeners ?? [])]) {
      try {
        listener(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}

function learnerKey(workshopId: string, learnerId: string): string {
  return `${workshopId} ${learnerId}`;
}

function add<T>(map: Map<string, Set<Listener<T>>>, key: string, listener: Listener<T>): () => void {
  let listeners = map.get(key);
  if (!listeners) {
    listeners = new Set();
    map.set(key, listeners);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && map.get(key) === listeners) map.delete(key);
  };
}
