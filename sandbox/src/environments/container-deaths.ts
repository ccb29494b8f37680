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

const RECONNECT_DELAY_MS = 1000;

export class ContainerDeathWatch {
  private stream: Readable | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly docker: Dockerode,
    private readonly scopeLabels: Record<string, string>,
    private readonly logger: Logger,
    private readonly onDeath: (death: ContainerDeath) => void,
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
      this.reconnectTimer = setTimeout(() => {
        this.start().catch((error) => {
          this.logger.warn({ err: error }, "could not reopen the engine event stream");
          reopen("reopen failed");
        });
      }, RECONNECT_DELAY_MS);
      this.reconnectTimer.unref();
    };
    stream.on("error", (error) => reopen(error.message));
    stream.on("close", () => reopen("closed"));
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
    this.onDeath({ containerId, environmentId, exitCode: Number(attributes.exitCode ?? -1) });
  }
}
