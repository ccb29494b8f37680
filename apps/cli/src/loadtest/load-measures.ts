// The samples of one ramp step: start to first prompt, keystroke echo, Check, and errors by kind.
// Learners record into whichever step is current; the runner switches steps. Learners in worker threads
// record into their own measures and send them over as plain data (`measuresData`), merged here with `merge`.

/** The nearest-rank percentile (0-100) of `samples`; NaN when there are none. */
export function percentile(samples: readonly number[], rank: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((rank / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Most samples kept per kind and step (a uniform reservoir beyond that), so memory stays bounded. */
const MAX_SAMPLES = 200_000;

export class SampleSet {
  readonly values: number[] = [];
  count = 0;

  add(value: number): void {
    this.count++;
    if (this.values.length < MAX_SAMPLES) this.values.push(value);
    else {
      const slot = Math.floor(Math.random() * this.count);
      if (slot < MAX_SAMPLES) this.values[slot] = value;
    }
  }

  p(rank: number): number {
    return percentile(this.values, rank);
  }

  /** The samples added since `count` was `since` (undefined once the reservoir replaced any: order is lost then). */
  after(since: number): number[] | undefined {
    return this.count === this.values.length ? this.values.slice(since) : undefined;
  }
}

export class StepMeasures {
  readonly startToPrompt = new SampleSet();
  readonly echo = new SampleSet();
  readonly check = new SampleSet();
  readonly errors = new Map<string, number>();
  /** Checks the scenario passed (a learner's first Checks fail until the file is written: not an error). */
  checksPassed = 0;
  reloads = 0;
  saves = 0;

  constructor(readonly learners: number) {}

  error(kind: string): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
  }

  get errorCount(): number {
    let total = 0;
    for (const count of this.errors.values()) total += count;
    return total;
  }
}

/** What a worker thread's learners recorded since its last report: plain data, posted to the main thread. */
export interface MeasuresData {
  startToPrompt: number[];
  echo: number[];
  check: number[];
  errors: [string, number][];
  checksPassed: number;
  reloads: number;
  saves: number;
}

export function measuresData(measures: StepMeasures): MeasuresData {
  return {
    startToPrompt: measures.startToPrompt.values,
    echo: measures.echo.values,
    check: measures.check.values,
    errors: [...measures.errors],
    checksPassed: measures.checksPassed,
    reloads: measures.reloads,
    saves: measures.saves,
  };
}

/** Adds what another thread's learners recorded into `measures` (the current step's). */
export function mergeMeasures(measures: StepMeasures, data: MeasuresData): void {
  for (const value of data.startToPrompt) measures.startToPrompt.add(value);
  for (const value of data.echo) measures.echo.add(value);
  for (const value of data.check) measures.check.add(value);
  for (const [kind, count] of data.errors) measures.errors.set(kind, (measures.errors.get(kind) ?? 0) + count);
  measures.checksPassed += data.checksPassed;
  measures.reloads += data.reloads;
  measures.saves += data.saves;
}
