// A Docker-enabled host is refused by the Swarm backend before it asks the manager anything (the manager
// here is a socket that does not exist: any engine call would fail with EngineUnreachableError instead).
import Dockerode from "dockerode";
import { describe, expect, it } from "vitest";
import { createSwarmBackend } from "./swarm-backend";
import { DockerHostOnSwarmError } from "./swarm-errors";

describe("Docker-enabled hosts on Swarm", () => {
  it("are refused with the field a service spec lacks and where to run them, before any engine call", async () => {
    const backend = createSwarmBackend({
      manager: new Dockerode({ socketPath: "/nonexistent/circus-swarm-manager.sock" }),
      tls: { ca: "ca", cert: "cert", key: "key" },
      registry: "127.0.0.1:5000",
    });
    const refused = await backend
      .create({
        hosts: [
          { name: "main", image: "circus/base:latest" },
          { name: "dock", image: "circus/docker:latest", docker: true },
        ],
        ttlSeconds: 600,
        idleTimeoutSeconds: 600,
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DockerHostOnSwarmError);
    const error = refused as DockerHostOnSwarmError;
    expect(error).toMatchObject({ code: "docker_host_unsupported", host: "dock" });
    // The one piece with no Swarm form, the field that would carry it, and what the rest would take.
    for (const named of ["writable /proc/sys/net", "ReadonlyPaths", "API 1.41", "seccomp profile", "/dev/net/tun"]) {
      expect(error.message).toContain(named);
    }
    expect(error.remedy).toContain("CIRCUS_ORCHESTRATOR=engine");
  });
});
