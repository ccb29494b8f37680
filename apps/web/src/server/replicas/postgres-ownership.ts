// One owner per key among the replicas (a warm pool per scenario): a session advisory lock
// (`pg_try_advisory_lock`) on one connection of its own. Replicas that do not hold a key try again every
// `retryMs`, so the work moves to another replica when its owner dies (PostgreSQL releases the lock with
// the connection). When the lock connection drops, this replica stops what it owned and starts over.
import pg from "pg";
import type { Logger } from "../../logger";

interface Owned {
  start: () => Promise<() => Promise<void>>;
  stop?: () => Promise<void>;
  starting?: Promise<void>;
  /** A lock request in flight (the lock is re-entrant within the session: never ask twice at once). */
  asking?: boolean;
}

export class PostgresOwnership {
  readonly #keys = new Map<string, Owned>();
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly logger: Logger,
    private readonly retryMs = 10_000,
  ) {}

  own(key: string, start: () => Promise<() => Promise<void>>): Promise<void> {
    this.#keys.set(key, { start });
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.#tryAll(), this.retryMs);
      this.#timer.unref();
    }
    return this.#tryAll();
  }

  async dispose(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await Promise.allSettled([...this.#keys.values()].map((owned) => this.#stop(owned)));
    await this.#client?.end().catch(() => undefined);
  }

  async #tryAll(): Promise<void> {
    if (this.#closed) return;
    let client: pg.Client;
    try {
      client = await this.#connection();
    } catch (error) {
      this.logger.warn({ err: error }, "could not reach PostgreSQL for pool ownership; trying again");
      return;
    }
    for (const [key, owned] of this.#keys) {
      if (owned.stop || owned.starting || owned.asking) continue;
      owned.asking = true;
      try {
        const result = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS locked", [
          key,
        ]);
        if (!result.rows[0]?.locked || this.#closed) continue;
      } catch (error) {
        this.logger.warn({ err: error, key }, "could not ask for ownership");
        continue;
      } finally {
        owned.asking = false;
      }
      this.logger.info({ key }, "this replica owns it now");
      owned.starting = owned
        .start()
        .then((stop) => {
          owned.stop = stop;
        })
        .catch((error: unknown) => {
          this.logger.error({ err: error, key }, "could not start what this replica owns; letting it go");
          client.query("SELECT pg_advisory_unlock(hashtext($1))", [key]).catch(() => undefined);
        })
        .finally(() => {
          owned.starting = undefined;
        });
      await owned.starting;
    }
  }

  #connection(): Promise<pg.Client> {
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= (async () => {
      const client = new pg.Client(this.config);
      client.on("error", (error) => this.logger.warn({ err: error }, "the ownership connection failed"));
      client.on("end", () => {
        if (this.#client !== client) return;
        this.#client = undefined;
        // The locks went with the connection: another replica may own these keys now.
        for (const owned of this.#keys.values()) void this.#stop(owned);
      });
      await client.connect();
      this.#client = client;
      return client;
    })().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #stop(owned: Owned): Promise<void> {
    await owned.starting;
    const stop = owned.stop;
    owned.stop = undefined;
    await stop?.().catch((error: unknown) =>
      this.logger.warn({ err: error }, "could not stop what this replica owned"),
    );
  }
}
