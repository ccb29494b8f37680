// Server-wide socket caps across web replicas (CIRCUS_TERMINAL_SOCKETS_MAX): each open socket holds a
// session-level PostgreSQL advisory lock on this replica's own connection, so the count of such locks is
// the count of open sockets on every replica; closing the socket unlocks it, and a replica that dies loses
// its connection and with it every lock it held. No table: nothing to sweep after a crash.
import { randomInt } from "node:crypto";
import pg from "pg";
import type { Logger } from "../../logger";
import { KeyedQueue } from "./keyed-queue";

/** The two-int advisory lock form (objsubid 2) keeps these apart from the one-bigint locks used elsewhere. */
const COUNT_SQL = `SELECT count(*)::int AS held FROM pg_locks
  WHERE locktype = 'advisory' AND objsubid = 2 AND granted AND classid = ($1::int)::oid
  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

export class PostgresSocketSlots {
  readonly #queue = new KeyedQueue();
  /** Lock ids this connection holds, by class. */
  readonly #held = new Map<number, Set<number>>();
  #client: Promise<pg.Client> | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly log: Logger,
  ) {}

  /** Takes one of `max` slots of `kind` across every replica; undefined when all are taken. */
  take(kind: string, max: number): Promise<(() => void) | undefined> {
    return this.#queue.run("slots", async () => {
      const client = await this.#connect();
      const classId = await this.#classOf(client, kind);
      await client.query("BEGIN");
      try {
        // One take at a time on every replica: the count and the lock are one step.
        await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`socket-slots:${kind}`]);
        const { rows } = await client.query<{ held: number }>(COUNT_SQL, [classId]);
        if ((rows[0]?.held ?? 0) >= max) {
          await client.query("COMMIT");
          return undefined;
        }
        const held = this.#held.get(classId) ?? new Set<number>();
        this.#held.set(classId, held);
        let objectId: number;
        for (;;) {
          objectId = randomInt(-2_147_483_648, 2_147_483_647);
          if (held.has(objectId)) continue;
          const taken = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS ok", [
            classId,
            objectId,
          ]);
          if (taken.rows[0]?.ok) break;
        }
        await client.query("COMMIT");
        held.add(objectId);
        let released = false;
        return () => {
          if (released) return;
          released = true;
          void this.#release(client, classId, objectId);
        };
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    });
  }

  async dispose(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.then((connected) => connected.end()).catch(() => undefined);
  }

  #release(client: pg.Client, classId: number, objectId: number): Promise<void> {
    return this.#queue.run("slots", async () => {
      this.#held.get(classId)?.delete(objectId);
      // A connection that failed meanwhile already lost its locks.
      if (this.#client === undefined) return;
      await client.query("SELECT pg_advisory_unlock($1, $2)", [classId, objectId]).catch((error: unknown) => {
        this.log.warn({ err: error }, "could not release a socket slot");
      });
    });
  }

  async #classOf(client: pg.Client, kind: string): Promise<number> {
    const { rows } = await client.query<{ id: number }>("SELECT hashtext($1) AS id", [`circus-sockets:${kind}`]);
    return rows[0]!.id;
  }

  #connect(): Promise<pg.Client> {
    if (!this.#client) {
      const client = new pg.Client(this.config);
      client.on("error", (error) => {
        // Its locks went with it: the slots it held count no more anywhere.
        this.log.warn({ err: error }, "the socket slots connection failed; reconnecting on the next socket");
        this.#held.clear();
        this.#client = undefined;
      });
      this.#client = client.connect().then(
        () => client,
        (error: unknown) => {
          this.#client = undefined;
          throw error;
        },
      );
    }
    return this.#client;
  }
}
