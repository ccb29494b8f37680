// Docker inside a sandbox on the real engine: the learner's everyday `docker` verbs work on a
// Docker-enabled host (images from the Circus registry), the player's port preview reaches a
// published port, and a host that did not ask for Docker keeps today's isolation.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerHost, seedStandIns } from "../../test/docker-fixture";
import { BASE_IMAGE, createTestScope, type TestScope } from "../../test/environment-fixture";
import { runCommand } from "../commands/run-command";
import type { SandboxRuntime } from "../environments/sandbox-runtime";
import { REGISTRY_CONTAINER } from "./registry";

describe("a Docker-enabled host", () => {
  let scope: TestScope;
  let runtime: SandboxRuntime;
  let environmentId: string;
  let dockerBox: string;
  let plainBox: string;

  beforeAll(async () => {
    scope = createTestScope();
    await seedStandIns(scope.docker, ["busybox", "nginx", "httpd", "redis", "python", "node", "debian"]);
    runtime = await scope.runtime();
    const env = await runtime.create(
      scope.spec(undefined, { hosts: [dockerHost("dock"), { name: "plain", image: BASE_IMAGE }] }),
    );
    environmentId = env.id;
    dockerBox = runtime.containerOf(env.id, "dock");
    plainBox = runtime.containerOf(env.id, "plain");
  });
  afterAll(async () => {
    await scope.cleanup();
  });

  const sh = async (script: string, timeoutMs = 90_000) => {
    const result = await runCommand(scope.docker, dockerBox, { script, timeoutMs });
    return { ...result, output: `${result.stdout}${result.stderr}` };
  };
  const ok = async (script: string) => {
    const result = await sh(script);
    expect(result.exitCode, result.output).toBe(0);
    return result.stdout;
  };

  it("is configured with the wider profile, the TUN device and no capability; the other host is not", async () => {
    const dock = (await scope.docker.getContainer(dockerBox).inspect()).HostConfig;
    expect(dock.CapAdd ?? []).toEqual([]);
    expect(dock.CapDrop).toEqual(["ALL"]);
    expect(dock.Privileged).toBe(false);
    expect(dock.SecurityOpt).toContain("no-new-privileges");
    const profile = JSON.parse(dock.SecurityOpt!.find((option: string) => option.startsWith("seccomp="))!.slice(8));
    const rule = (name: string) => profile.syscalls.filter((entry: { names: string[] }) => entry.names.includes(name));
    expect(rule("mount")).toHaveLength(1);
    expect(rule("unshare")[0].args[0]).toMatchObject({ value: 0x02000000, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" });
    expect(rule("keyctl")[0]).toMatchObject({ action: "SCMP_ACT_ERRNO", errnoRet: 38 });
    expect(rule("bpf")).toEqual([]);
    expect(dock.Devices).toEqual([
      { PathOnHost: "/dev/net/tun", PathInContainer: "/dev/net/tun", CgroupPermissions: "rwm" },
    ]);
    expect(dock.ReadonlyPaths).toContain("/proc/sys/kernel");
    // Only its own terminal pipes folder, read-only (src/terminals).
    expect((dock.Binds ?? []).every((bind: string) => bind.endsWith(":/run/circus-terminals:ro"))).toBe(true);

    const plain = (await scope.docker.getContainer(plainBox).inspect()).HostConfig;
    expect(plain.SecurityOpt).toEqual(["no-new-privileges"]);
    expect(plain.Devices ?? []).toEqual([]);
    expect(Object.keys(plain.Tmpfs ?? {}).sort()).toEqual(["/run", "/tmp"]);
    expect((await runCommand(scope.docker, plainBox, { script: "unshare -Ur true" })).exitCode).not.toBe(0);
  });

  it("runs the learner's docker as the unprivileged learner, with a sudo that explains", async () => {
    expect((await ok("id -u; id -un")).trim()).toBe("1000\nlearner");
    expect(await ok("sudo docker version --format '{{.Client.Version}}'")).toMatch(/^4\./);
    const sudo = await sh("sudo apt-get install -y cowsay");
    expect(sudo.exitCode).toBe(1);
    expect(sudo.stderr).toContain("root is not available on a Docker-enabled host");
  });

  it("runs, builds and inspects containers from the Circus registry", async () => {
    expect(await ok("docker run --rm busybox echo hello from busybox")).toContain("hello from busybox");
    await ok(
      'mkdir -p app && cd app && printf \'FROM busybox\\nRUN echo built > /built.txt\\nCMD ["cat", "/built.txt"]\\n\' > Dockerfile && docker build -q -t myapp .',
    );
    expect(await ok("docker run --rm myapp")).toBe("built\n");
    expect(await ok("docker images --format '{{.Repository}}'")).toMatch(/myapp/);

    await ok("docker run -d --name counter -e GREETING=hi busybox sh -c 'echo $GREETING; sleep 300'");
    expect(await ok("docker ps --format '{{.Names}}'")).toContain("counter");
    expect(await ok("docker exec counter sh -c 'echo $GREETING from exec'")).toBe("hi from exec\n");
    expect(await ok("sleep 1; docker logs counter")).toContain("hi");
    expect(await ok("docker inspect -f '{{.State.Running}}' counter")).toBe("true\n");
    await ok("docker stop -t 1 counter && docker rm counter");
    expect(await ok("docker ps -a --format '{{.Names}}'")).not.toContain("counter");
  });

  it("runs the python, node and debian stand-ins", async () => {
    expect(await ok("docker run --rm python python3 -c 'import json, sqlite3, ssl; print(json.dumps([1]))'")).toBe(
      "[1]\n",
    );
    expect(await ok("docker run --rm node node -e 'console.log(JSON.stringify({n: 1}))'")).toBe('{"n":1}\n');
    expect(await ok("docker run --rm debian cat /etc/debian_version")).toMatch(/^12\./);
    await ok("docker rmi node debian");
  });

  it("keeps named volumes across containers", async () => {
    await ok("docker volume create notes && docker run --rm -v notes:/data busybox sh -c 'echo kept > /data/n'");
    expect(await ok("docker run --rm -v notes:/data busybox cat /data/n")).toBe("kept\n");
    expect(await ok("docker volume ls --format '{{.Name}}'")).toContain("notes");
  });

  it("publishes a port that curl in the sandbox and the player's port preview both reach", async () => {
    await ok("docker run -d --name web -p 8080:80 nginx");
    expect(await ok("for i in $(seq 50); do curl -sf localhost:8080 && break; sleep 0.2; done")).toContain(
      "Welcome to nginx!",
    );
    // The agent the player's port preview uses.
    const agent = runtime.environment(environmentId).ports.agent("dock", 8080);
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: "preview", port: 8080, path: "/", agent }, (response) => {
          let text = "";
          response.on("data", (chunk: Buffer) => (text += chunk.toString()));
          response.on("end", () => resolve(text));
        })
        .on("error", reject);
    });
    agent.destroy();
    expect(body).toContain("Welcome to nginx!");
  });

  it("connects containers of a user-defined network by name", async () => {
    await ok("docker network create appnet && docker run -d --name site --network appnet httpd");
    expect(await ok("docker network ls --format '{{.Name}}'")).toContain("appnet");
    const page = await ok(
      "for i in $(seq 50); do docker run --rm --network appnet busybox wget -qO- http://site/ && break; sleep 0.2; done",
    );
    expect(page).toContain("It works!");
    // an address per container on the network
    expect(await ok("docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' site")).toMatch(
      /^\d+\.\d+\.\d+\.\d+\n$/,
    );
  });

  it("brings a two-service compose file up and down", async () => {
    await ok(`mkdir -p stack && cat > stack/docker-compose.yml <<'YAML'
services:
  cache:
    image: redis
  web:
    image: httpd
    ports:
      - "8081:80"
    depends_on:
      - cache
YAML`);
    await ok("cd stack && docker compose up -d");
    expect(await ok("for i in $(seq 50); do curl -sf localhost:8081 && break; sleep 0.2; done")).toContain("It works!");
    expect(
      await ok(
        "cd stack && for i in $(seq 50); do docker compose exec -T web sh -c 'echo PING | nc cache 6379' | grep -q PONG && echo reached && break; sleep 0.2; done",
      ),
    ).toContain("reached");
    await ok("cd stack && docker compose down");
    expect(await ok("docker ps --format '{{.Names}}'")).not.toMatch(/stack/);
  });

  it("joins the registry to the environment's network and takes it off when the environment goes", async () => {
    const registry = await scope.docker.getContainer(REGISTRY_CONTAINER).inspect();
    expect(registry.HostConfig.ReadonlyRootfs).toBe(true);
    expect(registry.Mounts.every((mount) => mount.RW === false)).toBe(true);
    const env = await runtime.create(scope.spec(undefined, { hosts: [dockerHost("other", 512)] }));
    const network = `circus-${env.id}`;
    expect(
      Object.keys((await scope.docker.getContainer(REGISTRY_CONTAINER).inspect()).NetworkSettings.Networks),
    ).toContain(network);
    await runtime.destroy(env.id);
    expect(
      Object.keys((await scope.docker.getContainer(REGISTRY_CONTAINER).inspect()).NetworkSettings.Networks),
    ).not.toContain(network);
  });
});
