// Rewinding hosts on Swarm: each host's service is updated to run from a checkpoint image (pulled from the
// Swarm's registry on whichever node Swarm picks), which replaces its task; resolves once every new task
// runs. Files come back; processes, shells and tmpfs contents do not (as on one engine).
import { setTimeout as sleep } from "node:timers/promises";
import type Dockerode from "dockerode";
import { callEngine } from "../environments/engine-failures";
import { parseRegistry } from "../images/push-images";
import { hostServiceName } from "./host-service";
import { describeTask, isEnded, newestTask, serviceTasks } from "./host-tasks";
import { HostStartFailedError } from "./swarm-errors";

export interface RecreateSwarmHostsInput {
  manager: Dockerode;
  /** The registry the nodes pull from (HOST:PORT), the Swarm backend's `registry`. */
  registry: string;
  environmentId: string;
  /** Host name → image (a checkpoint host's `circus-checkpoint:<tag>`, see `checkpointImages`). */
  images: Record<string, string>;
  /** How long the new tasks may take to run, pull included. Default 120 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

interface ServiceSpec {
  TaskTemplate: { ContainerSpec: { Image: string }; ForceUpdate?: number };
}

const POLL_MS = 100;
const DEFAULT_TIMEOUT_MS = 120_000;

/** Recreates the hosts named in `images` from those images, in parallel; terminals on their old tasks end. */
export async function recreateSwarmHosts(input: RecreateSwarmHostsInput): Promise<void> {
  const registry = parseRegistry(input.registry);
  const deadline = Date.now() + (input.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const results = await Promise.allSettled(
    Object.entries(input.images).map(async ([host, image]) => {
      const name = hostServiceName(input.environmentId, host);
      const service = input.manager.getService(name);
      const current = (await callEngine(() => service.inspect())) as { Version: { Index: number }; Spec: ServiceSpec };
      const target = `${registry}/${image}`;
      const spec = current.Spec;
      const earlier = new Set((await serviceTasks(input.manager, name)).map((task) => task.ID));
      await callEngine(() =>
        service.update({
          version: current.Version.Index,
          ...spec,
          TaskTemplate: {
            ...spec.TaskTemplate,
            ContainerSpec: { ...spec.TaskTemplate.ContainerSpec, Image: target },
            // A new task even when the image is the one it already runs (a second rewind to the same step).
            ForceUpdate: (spec.TaskTemplate.ForceUpdate ?? 0) + 1,
          },
        }),
      );
      await waitForNewTask(input, host, name, earlier, deadline);
    }),
  );
  const failure = results.find((result) => result.status === "rejected");
  if (failure) throw failure.reason;
}

/** Polls until a task the update made (not one of `earlier`) runs; one that ends first fails the host. */
async function waitForNewTask(
  input: RecreateSwarmHostsInput,
  host: string,
  serviceName: string,
  earlier: ReadonlySet<string>,
  deadline: number,
): Promise<void> {
  for (;;) {
    input.signal?.throwIfAborted();
    const tasks = await serviceTasks(input.manager, serviceName);
    const task = newestTask(tasks.filter((candidate) => !earlier.has(candidate.ID)));
    if (task?.Status.State === "running" && !isEnded(task)) return;
    if (task && isEnded(task)) throw new HostStartFailedError(input.environmentId, host, describeTask(task));
    if (Date.now() > deadline) {
      throw new HostStartFailedError(input.environmentId, host, "its new task is not running in time");
    }
    await sleep(POLL_MS, undefined, { signal: input.signal });
  }
}
