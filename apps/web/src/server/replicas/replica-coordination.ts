// What the web replicas share beyond the database's records: locks, rate limits (starts and per-client), spent
// observer tickets, environment leases, broadcast events and warm-pool ownership. One interface, two implementations chosen at composition (see ARCHITECTURE.md): in process
// for SQLite (one replica), PostgreSQL (tables, advisory locks, LISTEN/NOTIFY) otherwise.
import type { EnvironmentLeases } from "@circus/sandbox";
import type { RateVerdict } from "../http/rate-limiter";
import type { RelayedNotice } from "../workshops/workshop-event-bus";

/** One event counted against a limit: at most `limit` per `key` of `bucket` within `windowMs`. */
export interface RateCheck {
  bucket: string;
  key: string;
  limit: number;
  windowMs: number;
}

/** What one replica tells the others (and they relay to their own listeners). */
export type ReplicaMessage = RelayedNotice | { type: "run-changed"; runId: string };

export interface ReplicaCoordination {
  readonly kind: "in-process" | "postgres";
  /** Runs `task` after every earlier task of the same key, on every replica (admission, workshop joins). */
  serialize<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Counts one event against every check, or none when one refuses (the verdict of the longest wait). */
  takeRates(checks: RateCheck[]): Promise<RateVerdict & { refused?: number }>;
  /** Gives back the latest event of `key` in `bucket` (an attempt counted up front that turned out fine). */
  refundRate(bucket: string, key: string): Promise<void>;
  /**
   * Takes one of `max` server-wide slots of `kind` (open sockets, e.g. terminals) counted on every replica;
   * undefined when all are taken. The returned function frees it; a replica that dies frees its own.
   */
  takeSocketSlot(kind: string, max: number): Promise<(() => void) | undefined>;
  /** True the first time an observer ticket's nonce is spent, on any replica. */
  spendTicket(nonce: string, expiresAt: number): Promise<boolean>;
  /** Activity and extensions of environments, for the sandbox runtime's reaper; undefined with one replica. */
  readonly leases: EnvironmentLeases | undefined;
  /** Sends to the other replicas (never back to this one). */
  broadcast(message: ReplicaMessage): void;
  /** Hears the other replicas' messages; returns the dispose function. */
  onMessage(listener: (message: ReplicaMessage) => void): () => void;
  /**
   * Runs `start` for `key` on one replica at a time (a warm pool's owner): when this replica holds the
   * key's lock, and again on another one after its owner died. `start` returns the function that stops it.
   * Resolves once this replica asked the first time (and started it, when it got the key).
   */
  own(key: string, start: () => Promise<() => Promise<void>>): Promise<void>;
  dispose(): Promise<void>;
}
