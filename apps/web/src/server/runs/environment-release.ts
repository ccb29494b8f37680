// Who is told when a run's environment goes away (stopped, finished, expired): the terminal gateway
// and the preview proxy close their connections to it. Listeners never throw into the caller.
import type { Logger } from "../../logger";

export type EnvironmentReleaseListener = (environmentId: string) => void | Promise<void>;

export class EnvironmentReleaseHooks {
  readonly #listeners = new Set<EnvironmentReleaseListener>();

  constructor(private readonly logger: Logger) {}

  /** Adds a listener; returns its dispose function. */
  add(listener: EnvironmentReleaseListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls every listener and waits for them; failures are logged. */
  async notify(environmentId: string): Promise<void> {
    await Promise.all(
      [...this.#listeners].map(async (listener) => {
        try {
          await listener(environmentId);
        } catch (error) {
          this.logger.warn({ err: error, environment: environmentId }, "an environment release listener failed");
        }
      }),
    );
  }
}
