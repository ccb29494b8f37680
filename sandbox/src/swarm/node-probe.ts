// A throwaway container on one Swarm node, through that node's engine (no network, no capabilities): the
// start-up hardening check reads /proc/self/status with it, the free-disk reserve runs `df` on the data root.
import type Dockerode from "dockerode";
import { callEngine, engineStatusOf } from "../environments/engine-failures";

export interface NodeProbe {
  /** The image, as the node pulls it (REGISTRY/IMAGE); pulled when the node lacks it. */
  image: string;
  cmd: string[];
  labels: Record<string, string>;
  /** Read-only binds of the node's own folders, `SOURCE:TARGET:ro`. */
  binds?: string[];
}

/** Runs the probe to its end and returns its output (stdout and stderr, a TTY so not multiplexed). */
export async function runOnNode(docker: Dockerode, probe: NodeProbe): Promise<string> {
  const create = () =>
    docker.createContainer({
      Image: probe.image,
      Cmd: probe.cmd,
      Labels: probe.labels,
      Tty: true,
      HostConfig: {
        NetworkMode: "none",
        CapDrop: ["ALL"],
        AutoRemove: false,
        ...(probe.binds ? { Binds: probe.binds } : {}),
      },
    });
  let container: Dockerode.Container;
  try {
    container = await create();
  } catch (error) {
    if (engineStatusOf(error) !== 404) throw error;
    await pullImage(docker, probe.image);
    container = await create();
  }
  try {
    await container.start();
    await container.wait();
    return (await container.logs({ stdout: true, stderr: true, follow: false })).toString("utf8");
  } finally {
    await container.remove({ force: true }).catch(() => {});
  }
}

async function pullImage(docker: Dockerode, image: string): Promise<void> {
  const stream = await callEngine(() => docker.pull(image));
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())),
  );
}
