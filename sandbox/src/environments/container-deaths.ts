// Watches the engine's event stream for sandbox containers that stop on their own (exit, OOM),
// so the runtime can answer ContainerDiedError instead of a confusing exec failure.
import type { Readable } from "node:stream";
import type Dockerode from "dockerode";
import type { Logger } from "pino";
import { LABEL, labelFilters } from "./labels";

export interface ContainerDeath {
  containerId: string;
  environmentId: string;
  exitCode: number;
}

export interface ContainerDeathListeners {
  onDeath: (death: ContainerDeath) => void;
  /** Called each time the stream is open again after it closed (deaths meanwhile left no event). */
  onReopen: () => void;
}

const RECONNECT_DELAY_MS = 1000;

export class ContainerDeathWatch {
  private stream: Readable | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly docker: Dockerode,
    private readonly scopeLabels: Record<string, string>,
    private readonly logger: Logger,
    private readonly listeners: ContainerDeathListeners,
  ) {}

  /** Opens the event stream; resolves once the engine accepted it. */
  async start(): Promise<void> {
    const stream = (await this.docker.getEvents({
      filters: {
        type: ["container"],
        event: ["die"],
        label: [LABEL.environment, ...labelFilters(this.scopeLabels)],
      },
    })) as unknown as Readable;
    if (this.disposed) {
      stream.destroy();
      return;
    }
    this.stream = stream;
    let pending = "";
    stream.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.trim() !== "") this.handleEvent(line);
    });
    const reopen = (reason: string) => {
      if (this.disposed || this.stream !== stream) return;
      this.stream = undefined;
      this.logger.warn({ reason }, "engine event stream closed; reopening");
      this.scheduleReopen();
    };
    stream.on("error", (error) => reopen(error.message));
    stream.on("close", () => reopen("closed"));
  }

  /** Retries every second while the engine does not answer (e.g. while dockerd restarts). */
  private scheduleReopen(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.start().then(
        () => {
          if (!this.disposed) this.listeners.onReopen();
        },
        (error: unknown) => {
          if (this.disposed) return;
          this.logger.debug({ err: error }, "could not reopen the engine event stream");
          this.scheduleReopen();
        },
      );
    }, RECONNECT_DELAY_MS);
    this.reconnectTimer.unref();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.reconnectTimer);
    this.stream?.destroy();
    this.stream = undefined;
  }

  private handleEvent(line: string): void {
    let event: { id?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
    try {
      event = JSON.parse(line);
    } catch {
      return;
    }
    const attributes = event.Actor?.Attributes ?? {};
    const containerId = event.Actor?.ID ?? event.id;
    const environmentId = attributes[LABEL.environment];
    if (!containerId || !environmentId) return;
    this.listeners.onDeath({ containerId, environmentId, exitCode: Number(attributes.exitCode ?? -1) });
  }
}
