// The contract between `npm run bench` (scripts/bench.ts) and a benchmark module (bench/<name>.ts):
// a module measures, names its figures `<module>.<metric>_<unit>`, and states the targets they must meet.

export interface BenchContext {
  /** Aborted on Ctrl-C: a module stops between samples and still removes what it created. */
  signal: AbortSignal;
  /** Samples per figure where a sample is cheap. */
  samples: number;
  /** Progress for the operator (stderr). */
  log(line: string): void;
}

export interface BenchTarget {
  /** The upper bound the figure must stay at or under. */
  max?: number;
  /** The lower bound the figure must stay at or over (e.g. a share). */
  min?: number;
  /** The target as people say it, e.g. "≤ 1.25 × engine floor". */
  rule: string;
}

export interface BenchResult {
  metrics: Record<string, number>;
  targets: Record<string, BenchTarget>;
}

export interface BenchModule {
  name: string;
  run(context: BenchContext): Promise<BenchResult>;
}

/** Whether a figure meets its target (NaN never does). */
export function meetsTarget(value: number, target: BenchTarget): boolean {
  if (Number.isNaN(value)) return false;
  return (target.max === undefined || value <= target.max) && (target.min === undefined || value >= target.min);
}

/** The nearest-rank percentile (0-100) of some samples; NaN when there are none. */
export function percentile(samples: number[], rank: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((rank / 100) * sorted.length) - 1));
  return sorted[index]!;
}
