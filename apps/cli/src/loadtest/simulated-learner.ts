// One simulated learner: visits, starts a run, follows it as the player does (its event stream),
// opens the terminal and then behaves like a person until told to stop: types commands at human pace
// (measuring each keystroke's echo), checks its step every 20-40 s, sometimes saves a file or reloads.
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { ApiError, LearnerHttp } from "./learner-http";
import { LearnerTerminal, OutputTimeoutError, TerminalClosedError } from "./learner-terminal";
import type { StepMeasures } from "./load-measures";
import { readEventStream } from "./run-events";
import { stopErrorMessage } from "./stop-errors";

const START_TIMEOUT_MS = 120_000;
const ECHO_TIMEOUT_MS = 10_000;
const COMMAND_MAX_MS = 20_000;

/** What people type in a first lab: mostly short output, sometimes a lot (seq, find). */
const COMMANDS: readonly { text: string; weight: number }[] = [
  { text: "ls -la", weight: 4 },
  { text: "uname -a", weight: 2 },
  { text: "cat /etc/os-release", weight: 2 },
  { text: "ps aux", weight: 2 },
  { text: "hostname", weight: 1 },
  { text: "hostname > ~/hostname.txt", weight: 1 },
  { text: 'mkdir -p ~/circus && echo "Hello, Circus" > ~/circus/hello.txt', weight: 1 },
  { text: "cat ~/circus/hello.txt", weight: 2 },
  { text: "seq 1 4000", weight: 1 },
  { text: "find /usr/lib -maxdepth 2 | head -300", weight: 1 },
];

const runSchema = z.object({
  id: z.string(),
  status: z.string(),
  error: z.string().optional(),
  currentStep: z.number().int(),
  steps: z.array(z.object({ index: z.number().int() })),
  terminals: z.array(z.object({ id: z.string(), host: z.string() })),
});
const runAnswerSchema = z.object({ run: runSchema });
const checkAnswerSchema = z.object({ passed: z.boolean() });

export interface LearnerOptions {
  origin: string;
  scenarioId: string;
  /** The address this learner's requests come from (X-Forwarded-For). */
  forwardedFor: string;
  /** Where samples and errors go: the measures of the ramp step that is current when they happen. */
  measures: () => StepMeasures;
  /** Aborted when the learner should leave (end of the test, or Ctrl-C). */
  signal: AbortSignal;
  /** Told why a learner failed when that needs more than its error kind (an echo that never came). */
  warn?: (line: string) => void;
  /** Random numbers (seeded per learner in tests); default Math.random. */
  random?: () => number;
}

export type LearnerState = "visiting" | "starting" | "active" | "failed" | "left";

export class SimulatedLearner {
  state: LearnerState = "visiting";
  /** The run this learner started (stopped by `leave`). */
  runId: string | undefined;
  readonly #options: LearnerOptions;
  readonly #http: LearnerHttp;
  readonly #random: () => number;
  #terminal: LearnerTerminal | undefined;
  /** The last command run (named when a keystroke's echo never comes). */
  #lastCommand = "";

  constructor(options: LearnerOptions) {
    this.#options = options;
    this.#http = new LearnerHttp(options.origin, options.forwardedFor);
    this.#random = options.random ?? Math.random;
  }

  /** Starts and works until the signal aborts; failures are recorded by kind, never thrown. */
  async attend(): Promise<void> {
    // Leaving closes the terminal at once, so no keystroke waits out its echo timeout.
    this.#options.signal.addEventListener("abort", () => this.#terminal?.close(), { once: true });
    try {
      const { run, terminal } = await this.#start();
      this.state = "active";
      await Promise.all([this.#typeCommands(run, terminal), this.#checkPeriodically(run)]);
    } catch (error) {
      if (!this.#options.signal.aborted) {
        this.state = "failed";
        this.#options.measures().error(errorKind(error));
      }
    }
  }

  /** Closes the terminal and stops the run (what "Stop" in the player does); resolves with why the stop failed. */
  async leave(): Promise<{ kind: string; message: string } | undefined> {
    this.#terminal?.close();
    if (this.state !== "failed") this.state = "left";
    if (!this.runId) return undefined;
    try {
      await this.#http.json("POST", `/api/runs/${encodeURIComponent(this.runId)}/stop`, {});
      this.runId = undefined;
      return undefined;
    } catch (error) {
      return { kind: errorKind(error), message: stopErrorMessage(error) };
    }
  }

  async #start(): Promise<{ run: z.infer<typeof runSchema>; terminal: LearnerTerminal }> {
    await this.#http.visit("/");
    this.state = "starting";
    const startedAt = performance.now();
    const started = runAnswerSchema.parse(
      await this.#http.json("POST", "/api/runs", { scenarioId: this.#options.scenarioId }),
    );
    this.runId = started.run.id;
    const run = started.run.status === "starting" ? await this.#followUntilSettled(started.run) : started.run;
    if (run.status !== "ready")
      throw new LoadError("start_failed", `run ${run.id} ended as ${run.status}: ${run.error ?? ""}`);
    const terminal = await this.#openTerminal(run);
    this.#options.measures().startToPrompt.add(terminal.firstOutputAt - startedAt);
    return { run, terminal: terminal.terminal };
  }

  /**
   * Follows the run's event stream as the player does, until the run is no longer starting; the stream
   * then stays open (read and dropped) until the learner leaves, like the player's page.
   */
  async #followUntilSettled(starting: z.infer<typeof runSchema>): Promise<z.infer<typeof runSchema>> {
    const { signal } = this.#options;
    const body = await this.#http.events(`/api/runs/${encodeURIComponent(starting.id)}/events`, signal);
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | undefined, run?: z.infer<typeof runSchema>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (run) resolve(run);
        else reject(error);
      };
      const timer = setTimeout(
        () => finish(new LoadError("start_timeout", `run ${starting.id} not ready`)),
        START_TIMEOUT_MS,
      );
      readEventStream(
        body,
        (event) => {
          if (event.event !== "run") return;
          const view = runAnswerSchema.safeParse(JSON.parse(event.data));
          if (!view.success) finish(new LoadError("unexpected_answer", view.error.message));
          else if (view.data.run.status !== "starting") finish(undefined, view.data.run);
        },
        signal,
      ).then(
        () => finish(new LoadError("start_failed", `the event stream of run ${starting.id} ended while it started`)),
        (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }

  async #openTerminal(run: z.infer<typeof runSchema>, since?: number) {
    const declared = run.terminals[0];
    if (!declared) throw new LoadError("no_terminal", `the scenario ${this.#options.scenarioId} declares no terminal`);
    const opened = await LearnerTerminal.open(
      {
        origin: this.#options.origin,
        cookieHeader: this.#http.cookieHeader,
        forwardedFor: this.#options.forwardedFor,
        runId: run.id,
        terminalId: declared.id,
        host: declared.host,
      },
      { timeoutMs: START_TIMEOUT_MS, ...(since === undefined ? {} : { since }) },
    );
    this.#terminal = opened.terminal;
    return opened;
  }

  async #typeCommands(run: z.infer<typeof runSchema>, first: LearnerTerminal): Promise<void> {
    const { signal } = this.#options;
    let terminal = first;
    await terminal.settle(300, 5_000, signal);
    while (!signal.aborted) {
      const command = this.#pickCommand();
      for (const [index, character] of [...command].entries()) {
        if (signal.aborted) return;
        const sent = performance.now();
        const echoed = terminal.nextOutput(ECHO_TIMEOUT_MS);
        terminal.type(character);
        try {
          this.#options.measures().echo.add((await echoed) - sent);
        } catch (error) {
          if (signal.aborted) return;
          if (error instanceof OutputTimeoutError)
            this.#options.warn?.(
              `run ${run.id}: no echo of ${JSON.stringify(character)} (in ${JSON.stringify(command)}) within ${ECHO_TIMEOUT_MS} ms; ` +
                `last output ${Math.round(performance.now() - terminal.lastOutputAt)} ms before, after ${JSON.stringify(this.#lastCommand)}` +
                `${terminal === first ? "" : ", after a reload"}`,
            );
          throw error;
        }
        // Bursts of a few characters at ~5 per second, then a short pause, as people type.
        const burstEnds = index % (3 + Math.floor(this.#random() * 6)) === 0;
        await pause(burstEnds ? 400 + this.#random() * 1_100 : 120 + this.#random() * 160, signal);
      }
      terminal.type("\r");
      this.#lastCommand = command;
      await terminal.settle(400, COMMAND_MAX_MS, signal);
      // Reading the output, thinking; now and then a file save from the editor or a page reload.
      await pause(2_000 + this.#random() * 5_000, signal);
      const roll = this.#random();
      if (roll < 0.05) await this.#saveFile(run);
      else if (roll < 0.08) terminal = await this.#reload(run, terminal);
    }
  }

  async #checkPeriodically(run: z.infer<typeof runSchema>): Promise<void> {
    const { signal } = this.#options;
    // The first Check once something was tried (10-20 s in), then every 20-40 s. A passed Check is followed by
    // Next, as in the player, up to the last step that has a check (the final step is circus-basics' quiz, and
    // Next there would finish the run); there the learner keeps checking its work.
    let step = run.currentStep;
    for (let checks = 0; !signal.aborted; checks++) {
      await pause(checks === 0 ? 10_000 + this.#random() * 10_000 : 20_000 + this.#random() * 20_000, signal);
      if (signal.aborted) return;
      const sent = performance.now();
      try {
        const answer = checkAnswerSchema.parse(
          await this.#http.json("POST", `/api/runs/${encodeURIComponent(run.id)}/steps/${step}/check`, {}),
        );
        this.#options.measures().check.add(performance.now() - sent);
        if (answer.passed) this.#options.measures().checksPassed++;
        if (answer.passed && step + 2 < run.steps.length) {
          const next = runAnswerSchema.parse(
            await this.#http.json("POST", `/api/runs/${encodeURIComponent(run.id)}/next`, {}),
          );
          step = next.run.currentStep;
        }
      } catch (error) {
        if (signal.aborted) return;
        this.#options.measures().error(`check: ${errorKind(error)}`);
      }
    }
  }

  async #saveFile(run: z.infer<typeof runSchema>): Promise<void> {
    const host = run.terminals[0]?.host ?? "node1";
    const query = new URLSearchParams({ host, path: "~/notes.txt" });
    try {
      await this.#http.json("PUT", `/api/runs/${encodeURIComponent(run.id)}/files?${query}`, {
        content: `notes of a simulated learner, ${new Date().toISOString()}\n`,
      });
      this.#options.measures().saves++;
    } catch (error) {
      this.#options.measures().error(`save: ${errorKind(error)}`);
    }
  }

  /** A page reload: the socket goes, the page asks for the run again, the terminal resumes with `since`. */
  async #reload(run: z.infer<typeof runSchema>, terminal: LearnerTerminal): Promise<LearnerTerminal> {
    const since = terminal.offset;
    terminal.close();
    await this.#http.visit(`/runs/${encodeURIComponent(run.id)}`).catch(() => undefined);
    await this.#http.json("GET", `/api/runs/${encodeURIComponent(run.id)}`);
    const reopened = await this.#openTerminal(run, since);
    this.#options.measures().reloads++;
    await reopened.terminal.settle(300, 5_000, this.#options.signal);
    return reopened.terminal;
  }

  #pickCommand(): string {
    const total = COMMANDS.reduce((sum, command) => sum + command.weight, 0);
    let roll = this.#random() * total;
    for (const command of COMMANDS) {
      roll -= command.weight;
      if (roll < 0) return command.text;
    }
    return COMMANDS[0]!.text;
  }
}

/** A failure of the load test's own making, with the kind it is counted under. */
export class LoadError extends Error {
  override name = "LoadError";
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

/** The kind an error is counted under in the report (e.g. `capacity`, `echo_timeout`, `http_502`). */
export function errorKind(error: unknown): string {
  if (error instanceof ApiError) return error.code;
  if (error instanceof LoadError) return error.kind;
  if (error instanceof OutputTimeoutError) return "echo_timeout";
  if (error instanceof TerminalClosedError) return "terminal_closed";
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return "http_timeout";
  if (error instanceof TypeError) return "connection_failed";
  if (error instanceof z.ZodError) return "unexpected_answer";
  return "other";
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // Aborted: the caller checks the signal.
  }
}
