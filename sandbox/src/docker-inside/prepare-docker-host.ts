// The Docker-inside setup a Docker-enabled host's container gets after every start: on create, on a
// restart and when it is recreated from a checkpoint (rewind, resume). Its tmpfs mounts (Podman's store
// and runtime files) start empty each time, so the setup is never carried in a checkpoint.
import type Dockerode from "dockerode";
import { runCommand } from "../commands/run-command";
import { OPEN_TUN_DEVICE_COMMAND, PREPARE_PODMAN_COMMAND } from "./docker-host";
import { tunDeviceFix } from "./tun-device";

/** Lets the learner open /dev/net/tun (root owns the node: no capability is used), then readies Podman as the learner. */
export async function prepareDockerHost(docker: Dockerode, containerId: string): Promise<void> {
  for (const [argv, user] of [
    [OPEN_TUN_DEVICE_COMMAND, "0"],
    [PREPARE_PODMAN_COMMAND, undefined],
  ] as const) {
    const result = await runCommand(docker, containerId, { argv: [...argv], user, timeoutMs: 30_000 });
    if (result.exitCode !== 0 && argv === OPEN_TUN_DEVICE_COMMAND) {
      // Under user-namespace remapping the node is the machine's, owned by a root the sandbox does not map.
      throw new Error(
        `a Docker-enabled host needs the machine's /dev/net/tun open to every user, and it is not (${result.stderr.trim()}): ${tunDeviceFix()}`,
      );
    }
    if (result.exitCode !== 0) {
      throw new Error(`preparing the Docker-enabled host failed: ${argv.join(" ")}: ${result.stderr.trim()}`);
    }
  }
}
