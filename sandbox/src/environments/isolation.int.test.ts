// Isolation of a sandbox on the single engine, checked on every OCI runtime the engine offers (runc
// always, gVisor's runsc where registered): the shared isolation suite (test/isolation-suite.ts) reads
// the container's configuration as the engine reports it and tries, from inside, what a learner must
// not be able to do. The same suite runs against Swarm in src/swarm/swarm-backend.int.test.ts.
import Dockerode from "dockerode";
import { expect, it } from "vitest";
import { BASE_IMAGE, createTestScope } from "../../test/environment-fixture";
import { defineIsolationSuite } from "../../test/isolation-suite";
import type { ContainerRuntime } from "../config";
import { offeredOciRuntimes } from "../engine/oci-runtimes";

const offered = await offeredOciRuntimes(new Dockerode());
const runtimesUnderTest = (["runc", "runsc"] as const satisfies ContainerRuntime[]).filter((name) =>
  offered.includes(name),
);

it("runs on an engine that offers runc", () => {
  expect(offered).toContain("runc");
});

for (const ociRuntime of runtimesUnderTest) {
  defineIsolationSuite({
    name: `on the ${ociRuntime} runtime`,
    noNewPrivilegesFromDaemon: false,
    async setup() {
      const scope = createTestScope();
      const runtime = await scope.runtime({ runtime: ociRuntime });
      return {
        runtime,
        image: BASE_IMAGE,
        cpus: 1,
        inspect: (environmentId, host) => scope.docker.getContainer(runtime.containerOf(environmentId, host)).inspect(),
        // The engine's own host is reached by no sandbox network here; host-isolation.int.test.ts shows it on a
        // private engine with the host firewall (an address of the shared machine is no target for this suite).
        machineListeners: [],
        cleanup: () => scope.cleanup(),
      };
    },
    expectConfiguration(inspected) {
      const config = inspected.HostConfig;
      expect(config.Runtime).toBe(ociRuntime);
      expect(config.MemorySwap).toBe(config.Memory);
      expect(config.IpcMode).toBe("private");
      expect(config.LogConfig).toEqual({ Type: "json-file", Config: { "max-size": "1m", "max-file": "1" } });
      expect(Object.keys(config.Tmpfs ?? {}).sort()).toEqual(["/run", "/tmp"]);
    },
  });
}
