// The replicas' broadcast channel: NOTIFY through the pool, LISTEN on one connection of its own that is
// opened again (with a capped back-off) whenever it drops. Messages carry the sender's id so that a
// replica does not hear itself.
import pg from "pg";
import { z } from "zod";
import type { Logger } from "../../logger";
import type { ReplicaMessage } from "./replica-coordination";

export const CHANNEL = "circus_events";
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_900;
const MAX_BACKOFF_MS = 5_000;

const envelopeSchema = z.object({
  from: z.string(),
  message: z.discriminatedUnion("type", [
    z.object({ type: z.literal("run-changed"), runId: z.string() }),
    z.object({ type: z.literal("dashboard"), workshopId: z.string(), notice: z.unknown() }),
    z.object({
      type: z.literal("learners"),
      workshopId: z.string(),
      learnerId: z.string().optional(),
      notice: z.unknown(),
    }),
  ]),
});

export class PostgresNotifications {
  readonly #listeners = new Set<(message: ReplicaMessage) => void>();
  #client: pg.Client | undefined;
  #closed = false;
  #backoffMs = 250;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly pool: pg.Pool,
    private readonly replicaId: string,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the first LISTEN is in place (messages sent before it are not heard). */
  async start(): Promise<void> {
    await this.#connect();
  }

  publish(message: ReplicaMessage): void {
    const payload = JSON.stringify({ from: this.replicaId, message });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      this.logger.warn(
        { type: message.type, bytes: Buffer.byteLength(payload) },
        "a replica message is too long to send",
      );
      return;
    }
    this.pool.query("SELECT pg_notify($1, $2)", [CHANNEL, payload]).catch((error: unknown) => {
      this.logger.warn({ err: error, type: message.type }, "could not tell the other replicas");
    });
  }

  subscribe(listener: (message: ReplicaMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async dispose(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#listeners.clear();
    await this.#client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(this.config);
    client.on("notification", (notification) => this.#deliver(notification.payload));
    client.on("error", (error) => this.logger.warn({ err: error }, "the replica event connection failed"));
    client.on("end", () => {
      // Only an established connection retries from here; a failed connect retries from its caller.
      if (this.#client !== client) return;
      this.#client = undefined;
      if (!this.#closed) this.#retry();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.#client = client;
    this.#backoffMs = 250;
  }

  #retry(): void {
    this.#retryTimer = setTimeout(() => {
      this.#connect().catch((error: unknown) => {
        this.logger.warn({ err: error, retryInMs: this.#backoffMs }, "could not listen for replica events");
        this.#backoffMs = Math.min(MAX_BACKOFF_MS, this.#backoffMs * 2);
        if (!this.#closed) this.#retry();
      });
    }, this.#backoffMs);
    this.#retryTimer.unref();
  }

  #deliver(payload: string | undefined): void {
    let envelope: z.infer<typeof envelopeSchema>;
    try {
      envelope = envelopeSchema.parse(JSON.parse(payload ?? ""));
    } catch (error) {
      this.logger.warn({ err: error }, "an unreadable replica message was dropped");
      return;
    }
    if (envelope.from === this.replicaId) return;
    for (const listener of [...this.#listeners]) {
      try {
        listener(envelope.message as ReplicaMessage);
      } catch (error) {
        this.logger.warn({ err: error, type: envelope.message.type }, "a replica message listener failed");
      }
    }
  }
}
