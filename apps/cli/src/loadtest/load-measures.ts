// The samples of one ramp step: start to first prompt, keystroke echo, Check, and errors by kind.
// Learners record into whichever step is current; the runner switches steps.

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
