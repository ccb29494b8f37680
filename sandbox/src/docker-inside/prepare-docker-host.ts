// The Docker-inside setup a Docker-enabled host's container gets after every start: on create, on a
// restart and when it is recreated from a checkpoint (rewind, resume). Its tmpfs mounts (Podman's store
// and runtime files) start empty each time, so the setup is never carried in a checkpoint.
import type Dockerode from "dockerode";
import { runCommand } from "../commands/run-command";
import { OPEN_TUN_DEVICE_COMMAND, PREPARE_PODMAN_COMMAND } from "./docker-host";

/** Lets the learner open /dev/net/tun (root owns the node: no capability is used), then readies Podman as the learner. */
export async function prepareDockerHost(docker: Dockerode, containerId: string): Promise<void> {
  for (const [argv, user] of [
    [OPEN_TUN_DEVICE_COMMAND, "0"],
    [PREPARE_PODMAN_COMMAND, undefined],
  ] as const) {
    const result = await runCommand(docker, containerId, { argv: [...argv], user, timeoutMs: 30_000 });
    if (result.exitCode !== 0) {
      throw new Error(`preparing the Docker-enabled host failed: ${argv.join(" ")}: ${result.stderr.trim()}`);
    }
  }
}
