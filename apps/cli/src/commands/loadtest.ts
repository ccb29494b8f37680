// `circus loadtest URL`: drives a running Circus with simulated learners (ramp steps of N learners),
// prints a live line per step and a table of latencies, errors and resources, and states how many
// learners the deployment held within the service levels. Ctrl-C stops cleanly and stops every run.
import { z } from "zod";
import { ExitCode } from "../cli-errors";
import type { Command } from "../command";
import { parseCommandLine } from "../command-line";
import { readCliConfig } from "../config";
import { MAX_THREADS } from "../loadtest/learner-groups";
import { formatReport } from "../loadtest/load-report";
import { parseLoadTarget } from "../loadtest/load-target";
import { runLoadTest } from "../loadtest/run-load-test";
import { terminalStyle } from "../terminal-style";

const MAX_LEARNERS = 1_000;
const MAX_STEPS = 10;
/** Without a TTY (CI logs, the benchmark) a progress line every this often instead of one live line. */
const PLAIN_PROGRESS_EVERY_MS = 15_000;

const learnerCount = z
  .string()
  .regex(/^\d+$/, "learners are a whole number")
  .transform(Number)
  .pipe(z.number().min(1, "at least 1 learner").max(MAX_LEARNERS, `at most ${MAX_LEARNERS} learners`));

/** `90`, `90s`, `5m`, `1h` → milliseconds, from 10 s to 1 h. */
const durationSchema = z
  .string()
  .regex(/^\d+(?:\.\d+)?[smh]?$/, "a duration such as 45s, 5m or 1h")
  .transform((text) => {
    const unit = text.at(-1);
    const factor = unit === "h" ? 3_600_000 : unit === "m" ? 60_000 : 1_000;
    return Math.round(Number.parseFloat(text) * factor);
  })
  .pipe(z.number().min(10_000, "a step lasts at least 10s").max(3_600_000, "a step lasts at most 1h"));

const LoadtestArgsSchema = z
  .object({
    json: z.boolean(),
    learners: learnerCount.optional(),
    ramp: z
      .string()
      .transform((text) => text.split(",").map((item) => item.trim()))
      .pipe(z.array(learnerCount).min(1).max(MAX_STEPS, `at most ${MAX_STEPS} ramp steps`))
      .refine((steps) => steps.every((value, index) => index === 0 || value > steps[index - 1]!), {
        message: "ramp steps must increase, e.g. 25,50,100,200",
      })
      .optional(),
    scenario: z.string().min(1).max(200).default("circus-basics"),
    threads: z
      .string()
      .regex(/^\d+$/, "threads are a whole number")
      .transform(Number)
      .pipe(z.number().max(MAX_THREADS, `at most ${MAX_THREADS} threads`))
      .optional(),
    duration: durationSchema.optional().transform((value) => value ?? 300_000),
    "sandbox-scope": z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "a sandbox scope such as web")
      .default("web"),
    "allow-remote": z.boolean(),
    positionals: z.array(z.string()).length(1, "give exactly one URL, e.g. http://127.0.0.1:3000"),
  })
  .refine((args) => args.learners === undefined || args.ramp === undefined, {
    message: "give --learners or --ramp, not both",
  });

export const loadtestCommand: Command = {
  name: "loadtest",
  summary: "drive a running Circus with simulated learners and report how many it holds within the service levels",
  usage: [
    "circus loadtest <url> [--learners N | --ramp 25,50,100,200] [--scenario ID] [--duration 5m] [--json]",
    "",
    "  <url>                a Circus deployment, e.g. http://127.0.0.1:3000 (loopback unless --allow-remote)",
    "  --learners N         one step of N learners (default 10)",
    "  --ramp A,B,...       increasing steps; new learners arrive over the first third of each step and stay",
    "  --scenario ID        the scenario every learner starts (default circus-basics)",
    "  --duration D         how long each step lasts: 45s, 5m, 1h (default 5m)",
    "  --threads N          worker threads the learners are spread over, 0 for none (default: none up to 50",
    "                       learners, then one per 50, at most one per core)",
    "  --sandbox-scope S    the deployment's CIRCUS_SANDBOX_SCOPE, to measure its sandboxes (default web)",
    "  --allow-remote       drive a deployment that is not on this machine (only one you run)",
    "  --json               print the report as one JSON object",
    "",
    "Each learner comes from its own address in 198.18.0.0/15 (X-Forwarded-For): start the server with",
    "CIRCUS_TRUSTED_PROXIES=127.0.0.1/32 (or the load generator's address) so per-address limits count each",
    "learner on its own. CIRCUS_METRICS_TOKEN lets it read a remote server's /metrics.",
    "Exits 1 when the largest step was not held within the service levels.",
  ].join("\n"),

  async run(args, io) {
    const parsed = parseCommandLine(args, {
      options: {
        learners: { type: "string" },
        ramp: { type: "string" },
        scenario: { type: "string" },
        threads: { type: "string" },
        duration: { type: "string" },
        "sandbox-scope": { type: "string" },
        "allow-remote": { type: "boolean", default: false },
      },
      schema: LoadtestArgsSchema,
    });
    const target = parseLoadTarget(parsed.positionals[0]!, parsed["allow-remote"]);
    const steps = parsed.ramp ?? [parsed.learners ?? 10];
    const { metricsToken } = readCliConfig();
    const interrupt = new AbortController();
    const onSigint = () => {
      if (!interrupt.signal.aborted) io.stderr("\nstopping: the learners leave and their runs are stopped…\n");
      interrupt.abort();
    };
    process.on("SIGINT", onSigint);
    let lastLineAt = 0;
    try {
      const report = await runLoadTest({
        origin: target.origin,
        steps,
        scenarioId: parsed.scenario,
        stepMs: parsed.duration,
        sandboxScope: parsed["sandbox-scope"],
        measureEngine: target.loopback,
        ...(parsed.threads === undefined ? {} : { threads: parsed.threads }),
        ...(metricsToken ? { metricsToken } : {}),
        signal: interrupt.signal,
        progress: (line, done) => {
          if (io.color) io.stderr(`\r\u001b[2K${line}${done ? "\n" : ""}`);
          else if (done || Date.now() - lastLineAt >= PLAIN_PROGRESS_EVERY_MS) {
            io.stderr(`${line}\n`);
            lastLineAt = Date.now();
          }
        },
        warn: (line) => io.stderr(`warning: ${line}\n`),
      });
      io.stdout(json(parsed.json, report) ?? formatReport(report, terminalStyle(io.color)));
      const last = report.steps.at(-1);
      // Runs may be left behind when a stop failed: never a success then.
      const cleanedUp = report.runsLeft === 0 && report.stopErrors.count === 0;
      return last?.held && cleanedUp && !report.interrupted ? ExitCode.ok : ExitCode.failure;
    } finally {
      process.off("SIGINT", onSigint);
    }
  },
};

function json(enabled: boolean, value: unknown): string | undefined {
  return enabled ? `${JSON.stringify(value, null, 2)}\n` : undefined;
}
