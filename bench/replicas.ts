// Web replicas benchmark: keystroke echo through HAProxy (the committed docker/haproxy/haproxy.cfg) and
// a web replica, with two replicas as real processes on the test PostgreSQL, to a sandbox on the engine
// (the part of the issue's `swarm.echo_p99_ms` that the web tier adds). The same echo straight to a
// replica is printed beside it. Everything it starts is stopped and removed at the end.

import { execFileSync } from "node:child_process";
import { REPLICA_HOST, REPLICA_SCENARIO_ID, startReplicaCluster } from "../apps/web/src/server/test/replica-cluster";
import { connectEngine } from "../sandbox/src/engine/connect-engine";
import { ensureHaproxy } from "../scripts/ensure-haproxy";
import { type BenchModule, percentile } from "./bench-module";
import { BenchLearner } from "./circus-learner";
import { connectCircusTerminal } from "./circus-terminal-probe";
import { useTestPostgres } from "./config";
import { measureEcho } from "./terminal-measures";
import type { TerminalProbe } from "./terminal-probe";

const ECHO_TARGET_MS = 10;

const replicas: BenchModule = {
  name: "replicas",
  async run({ signal, log }) {
    ensureHaproxy();
    useTestPostgres(() =>
      execFileSync("npx", ["tsx", "scripts/ensure-postgres.ts"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      }).trim(),
    );
    log("starting two web replicas and HAProxy");
    const cluster = await startReplicaCluster({
      env: { CIRCUS_STARTS_PER_LEARNER_PER_MINUTE: "100", CIRCUS_STARTS_PER_IP_PER_MINUTE: "1000" },
    });
    const probes: TerminalProbe[] = [];
    try {
      const learner = new BenchLearner(cluster.origin);
      await learner.visit();
      const runId = (await learner.startReadyRun(REPLICA_SCENARIO_ID)).id;
      const measure = async (origin: string, what: string) => {
        const probe = await connectCircusTerminal(
          { origin, cookieHeader: learner.cookieHeader, runId, terminalId: REPLICA_HOST, host: REPLICA_HOST },
          what,
        );
        probes.push(probe);
        // A new shell prints its prompt; a session the other measure used replays its screen: Enter redraws one.
        await probe.output.quiet(300);
        if (!probe.output.promptShown()) probe.send("\r");
        await probe.output.until(() => probe.output.promptShown(), "a prompt", 15_000);
        log(`keystroke echo ${what}`);
        return measureEcho(probe, signal);
      };
      const throughHaproxy = await measure(cluster.origin, "through HAProxy");
      const direct = await measure(cluster.replicas[0]?.origin ?? "", "straight to a replica");
      const round = (value: number) => Math.round(value * 100) / 100;
      return {
        metrics: {
          "replicas.echo_p50_ms": round(percentile(throughHaproxy, 50)),
          "replicas.echo_p99_ms": round(percentile(throughHaproxy, 99)),
          "replicas.echo_direct_p50_ms": round(percentile(direct, 50)),
          "replicas.echo_direct_p99_ms": round(percentile(direct, 99)),
        },
        targets: { "replicas.echo_p99_ms": { max: ECHO_TARGET_MS, rule: `≤ ${ECHO_TARGET_MS} ms` } },
      };
    } finally {
      await Promise.allSettled(probes.map((probe) => probe.close()));
      await cluster.dispose();
      const docker = await connectEngine();
      const filters = { label: [`circus.scope=${cluster.testId}`] };
      const containers = await docker.listContainers({ all: true, filters });
      await Promise.all(containers.map((container) => docker.getContainer(container.Id).remove({ force: true })));
    }
  },
};

export default replicas;
