// ReplicaCoordination on PostgreSQL (several web replicas on one database): advisory locks serialize
// admissions across replicas, rate events, run addresses, spent tickets and environment leases are rows
// (migration 0007), events go through LISTEN/NOTIFY and warm pools have one owner (postgres-ownership.ts).
import { randomBytes } from "node:crypto";
import type { EnvironmentLease, EnvironmentLeases } from "@circus/sandbox";
import pg from "pg";
import type { Logger } from "../../logger";
import { KeyedQueue } from "./keyed-queue";
import { postgresConnectionConfig } from "./postgres-connection";
import { PostgresNotifications } from "./postgres-notifications";
import { PostgresOwnership } from "./postgres-ownership";
import { PostgresSocketSlots } from "./postgres-socket-slots";
import type { RateCheck, ReplicaCoordination } from "./replica-coordination";

export interface PostgresCoordinationOptions {
  /** How often a replica that owns no warm pool asks again. Default 10 s. */
  ownershipRetryMs?: number;
  /** How often lease writes are flushed. Default 1 s. */
  leaseFlushMs?: number;
}

/** Rows of rate events, run addresses and leases older than this are deleted by the sweep. */
const SWEEP_INTERVAL_MS = 10 * 60_000;
const LEASE_RETENTION = "2 days";
/** Timestamps are stored as UTC `timestamp(3)` (as Prisma writes them). */
const NOW = "(now() AT TIME ZONE 'UTC')";

export async function startPostgresCoordination(
  databaseUrl: string,
  logger: Logger,
  options: PostgresCoordinationOptions = {},
): Promise<ReplicaCoordination> {
  const log = logger.child({ module: "replicas" });
  const config = postgresConnectionConfig(databaseUrl);
  const pool = new pg.Pool({ ...config, max: 4 });
  // Transactions that hold advisory locks get a pool of their own: waiting for a lock never starves the
  // plain queries that a locked task makes (run addresses inside the admission).
  const lockPool = new pg.Pool({ ...config, max: 8 });
  for (const one of [pool, lockPool]) {
    one.on("error", (error) => log.warn({ err: error }, "an idle replica coordination connection failed"));
  }
  const replicaId = randomBytes(8).toString("hex");
  const notifications = new PostgresNotifications(config, pool, replicaId, log);
  const ownership = new PostgresOwnership(config, log, options.ownershipRetryMs);
  const socketSlots = new PostgresSocketSlots(config, log);
  const queue = new KeyedQueue();
  const leases = new PostgresLeases(pool, log, options.leaseFlushMs ?? 1_000);
  let maxWindowMs = 60_000;
  try {
    await notifications.start();
  } catch (error) {
    await Promise.allSettled([pool.end(), lockPool.end()]);
    throw error;
  }

  /** Runs `work` in a transaction holding the advisory locks of `keys` (taken in order: no deadlock). */
  const locked = async <T>(keys: string[], work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await lockPool.connect();
    try {
      await client.query("BEGIN");
      for (const key of [...new Set(keys)].sort()) {
        await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [key]);
      }
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  const sweep = setInterval(() => {
    void Promise.all([
      pool.query(`DELETE FROM "ReplicaRateEvent" WHERE at < ${NOW} - $1::int * interval '1 millisecond'`, [
        maxWindowMs,
      ]),
      pool.query(`DELETE FROM "SpentObserverTicket" WHERE "expiresAt" < ${NOW}`),
      pool.query(`DELETE FROM "EnvironmentLease" WHERE "updatedAt" < ${NOW} - interval '${LEASE_RETENTION}'`),
    ]).catch((error: unknown) => log.warn({ err: error }, "could not sweep the replica tables"));
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  return {
    kind: "postgres",
    // The in-process queue first, so that one replica's waiters hold no connection while they wait.
    serialize: (key, task) => queue.run(key, () => locked([`serialize:${key}`], () => task())),
    takeRates: (checks) =>
      locked(
        checks.map((check) => `rate:${check.bucket}:${check.key}`),
        async (client) => {
          let refused: number | undefined;
          let retryAfterMs = 0;
          for (const [index, check] of checks.entries()) {
            maxWindowMs = Math.max(maxWindowMs, check.windowMs);
            const wait = await waitOf(client, check);
            if (wait > retryAfterMs) {
              retryAfterMs = wait;
              refused = index;
            }
          }
          if (refused !== undefined) return { allowed: false as const, retryAfterMs, refused };
          for (const check of checks) {
            await client.query(`INSERT INTO "ReplicaRateEvent" (bucket, key, at) VALUES ($1, $2, ${NOW})`, [
              check.bucket,
              check.key,
            ]);
          }
          return { allowed: true as const };
        },
      ),
    async refundRate(bucket, key) {
      await pool.query(
        `DELETE FROM "ReplicaRateEvent" WHERE id = (SELECT id FROM "ReplicaRateEvent" WHERE bucket = $1 AND key = $2 ORDER BY at DESC, id DESC LIMIT 1)`,
        [bucket, key],
      );
    },
    takeSocketSlot: (kind, max) => socketSlots.take(kind, max),
    async spendTicket(nonce, expiresAt) {
      const result = await pool.query(
        `INSERT INTO "SpentObserverTicket" (nonce, "expiresAt") VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING`,
        [nonce, new Date(expiresAt).toISOString().replace("Z", "")],
      );
      return result.rowCount === 1;
    },
    leases,
    broadcast: (message) => notifications.publish(message),
    onMessage: (listener) => notifications.subscribe(listener),
    own: (key, start) => ownership.own(key, start),
    async dispose() {
      clearInterval(sweep);
      await ownership.dispose();
      await notifications.dispose();
      await leases.dispose();
      await socketSlots.dispose();
      await Promise.allSettled([pool.end(), lockPool.end()]);
    },
  };
}

/** How long until `check.key` may have one more event (0: now), counting its events in the window. */
async function waitOf(client: pg.PoolClient, check: RateCheck): Promise<number> {
  // The oldest of the latest `limit` events: once it leaves the window, one more fits.
  const result = await client.query<{ wait_ms: string | null }>(
    `SELECT EXTRACT(EPOCH FROM (at + $3::int * interval '1 millisecond' - ${NOW})) * 1000 AS wait_ms
       FROM "ReplicaRateEvent"
      WHERE bucket = $1 AND key = $2 AND at > ${NOW} - $3::int * interval '1 millisecond'
      ORDER BY at DESC OFFSET $4 - 1 LIMIT 1`,
    [check.bucket, check.key, check.windowMs, check.limit],
  );
  const wait = result.rows[0]?.wait_ms;
  return wait === undefined || wait === null ? 0 : Math.max(1, Math.ceil(Number(wait)));
}

/** Leases written in batches (a keystroke touches its environment; one upsert per environment per flush). */
class PostgresLeases implements EnvironmentLeases {
  readonly #pending = new Map<string, { lastActivityAt?: Date; expiresAt?: Date }>();
  readonly #timer: NodeJS.Timeout;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
    flushMs: number,
  ) {
    this.#timer = setInterval(() => void this.flush(), flushMs);
    this.#timer.unref();
  }

  record(environmentId: string, lease: { lastActivityAt?: Date; expiresAt?: Date }): void {
    const pending = this.#pending.get(environmentId) ?? {};
    this.#pending.set(environmentId, { ...pending, ...lease });
  }

  async read(environmentIds: string[]): Promise<Map<string, EnvironmentLease>> {
    await this.flush();
    const result = await this.pool.query<{ environmentId: string; lastActivityAt: Date; expiresAt: Date | null }>(
      `SELECT "environmentId", "lastActivityAt" AT TIME ZONE 'UTC' AS "lastActivityAt",
              "expiresAt" AT TIME ZONE 'UTC' AS "expiresAt"
         FROM "EnvironmentLease" WHERE "environmentId" = ANY($1::text[])`,
      [environmentIds],
    );
    return new Map(
      result.rows.map((row) => [
        row.environmentId,
        { lastActivityAt: row.lastActivityAt, ...(row.expiresAt ? { expiresAt: row.expiresAt } : {}) },
      ]),
    );
  }

  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      const batch = [...this.#pending];
      this.#pending.clear();
      if (batch.length === 0) return;
      // One statement per flush, however many environments had activity (an extension counts as activity).
      try {
        await this.pool.query(
          `INSERT INTO "EnvironmentLease" ("environmentId", "lastActivityAt", "expiresAt", "updatedAt")
           SELECT id, COALESCE(activity, ${NOW}), expiry, ${NOW}
             FROM unnest($1::text[], $2::timestamp[], $3::timestamp[]) AS lease(id, activity, expiry)
           ON CONFLICT ("environmentId") DO UPDATE SET
             "lastActivityAt" = GREATEST("EnvironmentLease"."lastActivityAt", EXCLUDED."lastActivityAt"),
             "expiresAt" = GREATEST("EnvironmentLease"."expiresAt", EXCLUDED."expiresAt"),
             "updatedAt" = ${NOW}`,
          [
            batch.map(([id]) => id),
            batch.map(([, lease]) => utc(lease.lastActivityAt)),
            batch.map(([, lease]) => utc(lease.expiresAt)),
          ],
        );
      } catch (error) {
        this.logger.warn({ err: error, environments: batch.length }, "could not record environment leases");
      }
    });
    return this.#flushing;
  }

  async dispose(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}

/** A Date as a UTC `timestamp` literal (the column has no time zone). */
function utc(date: Date | undefined): string | null {
  return date ? date.toISOString().replace("Z", "") : null;
}
