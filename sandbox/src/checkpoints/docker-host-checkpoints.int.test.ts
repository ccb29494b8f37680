// Rewind and resume of a Docker-enabled host on the real engine: the host recreated from its checkpoint
// gets its Docker-inside setup again (TUN device, Podman readied as the learner), so the learner's
// `docker run` works as before; the files come back, inner images and containers (tmpfs) do not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerHost, seedStandIns } from "../../test/docker-fixture";
import { createTestScope, quietLogger, type TestScope } from "../../test/environment-fixture";
import type { SandboxRuntime } from "../environments/sandbox-runtime";
import { type CheckpointStore, createCheckpointStore } from "./checkpoint-store";
import { checkpointImages, restoreHosts } from "./restore-checkpoint";

let scope: TestScope;
let runtime: SandboxRuntime;
let store: CheckpointStore;

beforeAll(async () => {
  scope = createTestScope();
  await seedStandIns(scope.docker, ["busybox"]);
  runtime = await scope.runtime();
  store = createCheckpointStore({ docker: scope.docker, logger: quietLogger, scopeLabels: scope.labels });
});
afterAll(async () => {
  await store?.remove("run-docker");
  await scope.cleanup();
});

async function sh(id: string, script: string) {
  const result = await runtime.environment(id).commands.run("dock", { script, timeoutMs: 90_000 });
  return { ...result, output: `${result.stdout}${result.stderr}` };
}

/**
 * Right after a rewind or resume: the TUN device is the learner's, Podman's user namespace is ready before
 * the first `docker` (its pause process), that first `docker run` prints none of Podman's one-time warnings,
 * a published port answers, the saved file is back and inner images (a tmpfs) are not.
 */
const AFTER_RESTORE = [
  "stat -c %a /dev/net/tun",
  "test -s /run/user/1000/libpod/tmp/pause.pid && echo podman-ready",
  "docker run --rm busybox echo inner 2>/tmp/first-run.err",
  "grep -ci subuid /tmp/first-run.err || true",
  "docker run -d --name web -p 8080:80 busybox sh -c 'mkdir /www && echo page > /www/index.html && httpd -f -p 80 -h /www' >/dev/null",
  "for i in $(seq 50); do curl -sf localhost:8080/ && break; sleep 0.2; done",
  "cat ~/notes.txt",
  "docker images --format '{{.Repository}}' | grep -c myimage || true",
].join(" && ");
const EXPECTED = "666\npodman-ready\ninner\n0\npage\nkept\n0\n";

describe("checkpoints of a Docker-enabled host (real engine)", () => {
  it("gives a working docker again after a rewind and after a resume from the checkpoint", async () => {
    const environment = await runtime.create(scope.spec(undefined, { hosts: [dockerHost("dock")] }));
    const before = await sh(
      environment.id,
      "echo kept > ~/notes.txt && docker run --rm busybox echo first && docker tag busybox myimage",
    );
    expect(before.exitCode, before.output).toBe(0);
    const checkpoint = await store.take(runtime.get(environment.id)!, { owner: "run-docker", step: 0, kind: "step" });

    await restoreHosts(runtime, environment.id, checkpointImages(checkpoint));
    const rewound = await sh(environment.id, AFTER_RESTORE);
    expect(rewound.exitCode, rewound.output).toBe(0);
    expect(rewound.stdout).toBe(EXPECTED);
    await runtime.destroy(environment.id);

    const resumed = await runtime.create(
      scope.spec(undefined, { hosts: [{ ...dockerHost("dock"), image: checkpoint.hosts[0]!.image }] }),
    );
    const afterResume = await sh(resumed.id, AFTER_RESTORE);
    expect(afterResume.exitCode, afterResume.output).toBe(0);
    expect(afterResume.stdout).toBe(EXPECTED);
    await runtime.destroy(resumed.id);
  });
});
