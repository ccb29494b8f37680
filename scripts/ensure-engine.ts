// `npx tsx scripts/ensure-engine.ts [--no-install] [--adopt-engine] [--remove-host-firewall] [--dry-run]`: makes
// sure a Docker engine answers, starting dockerd (and installing docker.io first) as root when
// needed, with Circus's engine settings (user-namespace remapping) on an engine it sets up or owns,
// and the host firewall for sandbox bridges, /dev/net/tun open to every user as udev makes it (Docker-enabled
// hosts), and (an engine it owns) its daemons in a CPU cgroup of a quarter
// weight (engine-cpu-weight.ts); then prints which protections hold. Exit code 1 with
// the remedy otherwise. `--adopt-engine` hands a running engine to Circus (it is then switched);
// `--remove-host-firewall` removes the firewall tables and does nothing else; `--dry-run` only says
// what it would do to a running engine.

import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { ensureTunDeviceOpen } from "../sandbox/src/docker-inside/tun-device";
import { DEFAULT_DOCKER_SOCKET } from "../sandbox/src/engine/config";
import { placeEngineBehindSandboxes } from "../sandbox/src/engine/engine-cpu-weight";
import { checkEngineProtections } from "../sandbox/src/engine/engine-protections";
import { engineRemapsUsers, ownsEngine } from "../sandbox/src/engine/engine-setup";
import { type EngineProgressEvent, ensureEngine, livePidFrom } from "../sandbox/src/engine/ensure-engine";
import { removeHostFirewall } from "../sandbox/src/engine/host-firewall";
import { isRoot } from "../sandbox/src/engine/host-packages";
import { ensureKeyQuota } from "../sandbox/src/engine/key-quota";
import { SandboxError } from "../sandbox/src/errors";

const { values } = parseArgs({
  options: {
    "no-install": { type: "boolean", default: false },
    "adopt-engine": { type: "boolean", default: false },
    "remove-host-firewall": { type: "boolean", default: false },
    "dry-run": { type: "boolean", default: false },
  },
});

function print(event: EngineProgressEvent): void {
  if (event.type === "step") console.log(`» ${event.message}`);
  else if (event.type === "output") console.log(`  ${event.source}: ${event.line}`);
  else console.log(`» Docker engine ready at ${event.endpoint} (${event.how.replaceAll("-", " ")})`);
}

const controller = new AbortController();
process.once("SIGINT", () => controller.abort(new Error("interrupted")));
try {
  if (values["remove-host-firewall"]) {
    await removeHostFirewall();
    console.log("» host firewall tables removed");
    process.exit(0);
  }
  const engine = await ensureEngine({
    allowInstall: !values["no-install"],
    adopt: values["adopt-engine"],
    dryRun: values["dry-run"],
    onProgress: print,
    signal: controller.signal,
  });
  // Under user-namespace remapping every sandbox's keyrings count against one uid's kernel key quota:
  // size it for the most sandboxes the default capacity allows (README "Sizing": up to 125 per core).
  if (!values["dry-run"] && (await engineRemapsUsers(engine.docker))) {
    const quota = await ensureKeyQuota(cpus().length * 125);
    if (quota.kind === "raised") {
      console.log(
        `» kernel key quota raised from ${quota.from.maxKeys} to ${quota.to.maxKeys} keys (sandboxes share one uid)`,
      );
    } else if (quota.kind === "too-low") {
      console.warn(
        `  ! kernel key quota: ${quota.quota.maxKeys} keys caps the sandboxes near ${quota.quota.maxKeys / 2}\n    fix: ${quota.fix}`,
      );
    }
    // Docker-enabled hosts get the machine's TUN node itself, which the sandbox cannot chmod.
    const tun = await ensureTunDeviceOpen();
    if (tun.kind === "opened")
      console.log(`» /dev/net/tun opened to every user (was ${tun.fromMode}, udev's default is 666)`);
    else if (tun.kind !== "open")
      console.warn(`  ! Docker-enabled hosts cannot open /dev/net/tun\n    fix: ${tun.fix}`);
  }
  // With terminals off the engine's path, its bulk work (creates, Checks) yields the CPU to learners' shells.
  if (!values["dry-run"] && isRoot() && engine.endpoint === DEFAULT_DOCKER_SOCKET) {
    const dockerdPid = await livePidFrom("/var/run/docker.pid");
    if (dockerdPid !== undefined && (values["adopt-engine"] || (await ownsEngine(undefined, dockerdPid)))) {
      const weight = await placeEngineBehindSandboxes({ dockerdPid }).catch((error: Error) => ({
        kind: "unsupported" as const,
        detail: error.message,
      }));
      if (weight.kind === "placed" || weight.kind === "already") {
        console.log(
          `  ✓ engine CPU weight: dockerd and containerd in ${weight.group}, a quarter of the default weight`,
        );
      } else if (weight.kind === "managed-elsewhere") {
        console.warn(`  ! engine CPU weight: the engine runs in ${weight.cgroup}, left alone\n    fix: ${weight.fix}`);
      } else {
        console.warn(`  ! engine CPU weight: ${weight.detail}`);
      }
    }
  }
  for (const protection of await checkEngineProtections(engine.docker)) {
    if (protection.ok) console.log(`  ✓ ${protection.name}: ${protection.detail}`);
    else console.warn(`  ! ${protection.name}: ${protection.detail}\n    fix: ${protection.fix}`);
  }
} catch (error) {
  console.error(error instanceof SandboxError ? `✗ ${error.message}` : error);
  process.exit(1);
}
