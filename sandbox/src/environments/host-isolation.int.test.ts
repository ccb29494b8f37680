// Isolation from the host, on a dockerd of the test's own (own network namespace, data root and
// socket), first started as an engine without remapping and then switched by Circus's engine setup
// (images carried over), as `npm start` does to an engine Circus owns: root in a sandbox is an
// unprivileged uid on the host, a NET_ADMIN lab that routes out of its internal network reaches no
// address of the machine (UDP or ARP) once the host firewall is installed, and a multi-host
// environment's DNS never forwards to the host's resolver.
import type { ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_IMAGE, quietLogger } from "../../test/environment-fixture";
import { type PrivateEngine, startPrivateEngine } from "../../test/private-engine";
import { runCommand } from "../commands/run-command";
import { checkEngineProtections } from "../engine/engine-protections";
import { engineRemapsUsers, ownsEngine, switchEngineToCircusSettings } from "../engine/engine-setup";
import { hostFirewallInstalled, installHostFirewall, removeHostFirewall } from "../engine/host-firewall";
import { createSandboxRuntime, type SandboxRuntime } from "./sandbox-runtime";

const PROBE_PORT = 4242;
let engine: PrivateEngine;
let runtime: SandboxRuntime;
let listener: ChildProcess;
let received: string[] = [];
let bridgeAddress: string;

/** UDP listeners on the given address:port pairs, printing each datagram's text as a line. */
const LISTENER = `
const dgram = require("node:dgram");
for (const target of process.argv.slice(1)) {
  const [address, port] = target.split(":");
  const socket = dgram.createSocket("udp4");
  socket.on("message", (message) => console.log(address + " " + message.toString("latin1").trim().replace(/[^ -~]/g, ".")));
  socket.bind(Number(port), address, () => console.log("listening " + target));
}`;

beforeAll(async () => {
  engine = await startPrivateEngine({
    daemonConfig: { "log-level": "warn" },
    images: [BASE_IMAGE],
    // The "host resolver" of this namespace is on loopback, like systemd-resolved's 127.0.0.53.
    resolvConf: "nameserver 127.0.0.1\n",
  });
  // The engine's own bridge (docker0 in the test's namespace) and its address.
  const docker0 = await engine.exec(["ip", "-4", "-o", "addr", "show", "docker0"]);
  bridgeAddress = /inet (\d+\.\d+\.\d+\.\d+)\//.exec(docker0)?.[1] ?? "";
  expect(bridgeAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  const targets = [`${bridgeAddress}:${PROBE_PORT}`, `${engine.testAddress}:${PROBE_PORT}`, "127.0.0.1:53"];
  listener = engine.spawn(["node", "-e", LISTENER, ...targets]);
  await new Promise<void>((resolve, reject) => {
    let ready = 0;
    let pending = "";
    listener.stdout!.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith("listening ")) {
          ready += 1;
          if (ready === targets.length) resolve();
        } else received.push(line);
      }
    });
    listener.once("exit", (code) => reject(new Error(`the listener exited with ${code}`)));
  });
  const files = { daemonConfigFile: engine.configFile, markerFile: join(engine.dir, "circus-engine.json") };
  expect(await engineRemapsUsers(engine.docker)).toBe(false);
  // An engine Circus did not set up: the report names what is missing, with the fix.
  const before = await checkEngineProtections(engine.docker, { diskReserveMiB: 0, firewallRunner: engine.exec });
  expect(before.find((protection) => protection.name === "userns-remap")).toMatchObject({
    ok: false,
    fix: expect.stringContaining("--adopt-engine"),
  });
  expect(before.find((protection) => protection.name === "host-firewall")).toMatchObject({
    ok: false,
    fix: expect.stringContaining("scripts/ensure-engine.ts"),
  });
  expect(await ownsEngine(files, engine.pid())).toBe(false); // started with flags: not how Circus starts dockerd
  const switched = await switchEngineToCircusSettings({
    docker: engine.docker,
    files,
    pid: engine.pid(),
    start: engine.restart,
    stateDir: engine.dir,
    report: () => {},
  });
  expect(switched.images).toEqual([BASE_IMAGE]);
  expect(JSON.parse(await readFile(engine.configFile, "utf8"))).toEqual({
    "log-level": "warn",
    "userns-remap": "default",
  });
  expect(await ownsEngine(files)).toBe(true);
  runtime = await createSandboxRuntime({ docker: engine.docker, logger: quietLogger, diskReserveMiB: 0 });
}, 300_000);

afterAll(async () => {
  runtime?.dispose();
  if (listener?.pid !== undefined) listener.kill();
  await engine?.stop();
}, 120_000);

async function netAdminLab(): Promise<string> {
  const environment = await runtime.create({
    hosts: ["node1", "node2"].map((name) => ({ name, image: BASE_IMAGE, capabilities: ["NET_ADMIN" as const] })),
    ttlSeconds: 600,
    idleTimeoutSeconds: 600,
  });
  return runtime.containerOf(environment.id, "node1");
}

/** From inside the sandbox: a default route out of eth0, a datagram to each address, then its ARP table. */
async function probeHost(container: string, tag: string): Promise<string> {
  const addresses = [bridgeAddress, engine.testAddress];
  const script = [
    "ip route replace default dev eth0",
    ...addresses.map((address) => `echo ${tag} > /dev/udp/${address}/${PROBE_PORT}`),
    "sleep 2",
    ...addresses.map((address) => `echo ${tag} > /dev/udp/${address}/${PROBE_PORT}`),
    "sleep 1",
    "ip neigh show",
  ].join("\n");
  const result = await runCommand(engine.docker, container, { script, timeoutMs: 20_000 });
  return result.stdout;
}

describe("isolation from the host", () => {
  it("runs sandboxes under user-namespace remapping after the switch: root inside is an unprivileged uid outside", async () => {
    const info = (await engine.docker.info()) as { SecurityOptions?: string[] };
    expect(info.SecurityOptions).toContain("name=userns");
    const container = await netAdminLab();
    const inside = await runCommand(engine.docker, container, { argv: ["id", "-u"] });
    expect(inside.stdout.trim()).toBe("0");
    const { State } = await engine.docker.getContainer(container).inspect();
    const status = await readFile(`/proc/${State.Pid}/status`, "utf8");
    const hostUid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    expect(hostUid).toBeGreaterThanOrEqual(100_000);
  });

  it("lets a NET_ADMIN lab reach the host without the firewall (the probe works), and nothing with it", async () => {
    const container = await netAdminLab();
    // Control: the hole the firewall closes exists on this engine.
    received = [];
    const before = await probeHost(container, "open");
    expect(received).toEqual(expect.arrayContaining([`${bridgeAddress} open`, `${engine.testAddress} open`]));
    expect(before).toMatch(new RegExp(`${bridgeAddress.replaceAll(".", "\\.")} dev eth0 lladdr`));

    await installHostFirewall({ runner: engine.exec });
    try {
      expect(await hostFirewallInstalled({ runner: engine.exec })).toBe(true);
      const report = await checkEngineProtections(engine.docker, { diskReserveMiB: 0, firewallRunner: engine.exec });
      expect(report.filter((protection) => !protection.ok)).toEqual([]);
      const fresh = await netAdminLab(); // an empty ARP cache
      received = [];
      const after = await probeHost(fresh, "guarded");
      expect(received).toEqual([]);
      expect(after).not.toContain("lladdr");
    } finally {
      await removeHostFirewall({ runner: engine.exec });
    }
    expect(await hostFirewallInstalled({ runner: engine.exec })).toBe(false);
    expect(await engine.exec(["nft", "list", "ruleset"])).not.toContain("circus sandbox guard");
  });

  it("resolves host names in a multi-host environment without forwarding other names to the host's resolver", async () => {
    const container = await netAdminLab();
    received = [];
    const lookup = await runCommand(engine.docker, container, {
      script: "getent hosts node2 && dig +time=2 +tries=1 leak-probe.example. ; true",
      timeoutMs: 20_000,
    });
    expect(lookup.stdout).toMatch(/^\d+\.\d+\.\d+\.\d+\s+node2/m);
    expect(received.filter((line) => line.startsWith("127.0.0.1 "))).toEqual([]);

    // Control: a container on the same kind of network without Circus's DNS setting leaks the query.
    const network = await engine.docker.createNetwork({ Name: `control-${engine.netns}`, Internal: true });
    try {
      const control = await engine.docker.createContainer({
        Image: BASE_IMAGE,
        Cmd: ["dig", "+time=2", "+tries=1", "leak-probe.example."],
        HostConfig: { NetworkMode: network.id },
      });
      await control.start();
      await control.wait();
      await control.remove({ force: true });
      expect(received.some((line) => line.startsWith("127.0.0.1 ") && line.includes("leak-probe"))).toBe(true);
    } finally {
      await network.remove();
    }
  });
});
