// The web app's Prometheus metrics (prom-client): default process metrics plus what learners do.
// One registry per server, so tests can run several servers in one process.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface WebMetrics {
  readonly registry: Registry;
  /** Open terminal WebSockets. */
  readonly websocketConnections: Gauge;
  /** Verify checks and quiz submissions by outcome ("passed" | "failed" | "error"). */
  readonly checkResults: Counter<"result">;
  /** Lab starts by outcome ("ready" | "failed") and source ("pool" | "created"). */
  readonly environmentStarts: Counter<"outcome" | "source">;
  /** Seconds from POST /api/runs to the lab being ready. */
  readonly environmentStartSeconds: Histogram<"source">;
  /** Runs in status starting or ready. */
  readonly activeEnvironments: Gauge;
  /** Answers of /api requests by route pattern and status. */
  readonly apiRequests: Counter<"method" | "route" | "status">;
  /** Requests refused with 429, by reason ("rate_limited" | "capacity"). */
  readonly refusedStarts: Counter<"reason">;
}

export function createWebMetrics(): WebMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    websocketConnections: new Gauge({
      name: "circus_websocket_connections",
      help: "Open terminal WebSocket connections",
      registers,
    }),
    checkResults: new Counter({
      name: "circus_check_results_total",
      help: "Step checks and quiz submissions by result",
      labelNames: ["result"],
      registers,
    }),
    environmentStarts: new Counter({
      name: "circus_environment_starts_total",
      help: "Lab starts by outcome and source",
      labelNames: ["outcome", "source"],
      registers,
    }),
    environmentStartSeconds: new Histogram({
      name: "circus_environment_start_seconds",
      help: "Seconds from a start request to a ready lab",
      labelNames: ["source"],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
      registers,
    }),
    activeEnvironments: new Gauge({
      name: "circus_active_environments",
      help: "Runs whose environment is starting or ready",
      registers,
    }),
    apiRequests: new Counter({
      name: "circus_api_requests_total",
      help: "API requests by route and status",
      labelNames: ["method", "route", "status"],
      registers,
    }),
    refusedStarts: new Counter({
      name: "circus_refused_starts_total",
      help: "Run starts refused with 429, by reason",
      labelNames: ["reason"],
      registers,
    }),
  };
}
