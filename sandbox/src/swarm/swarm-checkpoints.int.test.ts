// Checkpoints on a real 3-node Swarm of Docker-in-Docker engines (sandbox/test/swarm-cluster.ts): a host is
// committed on the node that runs it and pushed to the Swarm's registry, rewound by a service update, and
// resumed from the registry on another node while the first one is paused; removing and reaping clean the
// nodes and the registry. One cluster for the file.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_LABEL } from "../../test/environment-fixture";
import { type SwarmCluster, startSwarmCluster, swarmBackendOn } from "../../test/swarm-cluster";
import { CHECKPOINT_LABEL } from "../checkpoints/checkpoint-labels";
import type { CheckpointStore } from "../checkpoints/checkpoint-store";
import { checkpointImages } from "../checkpoints/restore-checkpoint";
import type { EnvironmentSpecInput } from "../environments/environment";
import { recreateSwarmHosts } from "./recreate-swarm-hosts";
import type { SwarmBackend } from "./swarm-backend";
import { type CheckpointedSwarmEnvironment, createSwarmCheckpointStore } from "./swarm-checkpoints";
import type { SwarmEnvironment } from "./swarm-environment";

const IMAGE = "circus/standin-debian:latest";
const SCOPE = "swarm-checkpoints-int";
const OWNER = "run-on-swarm";

let cluster: SwarmCluster;
let backend: SwarmBackend;
let store: CheckpointStore<CheckpointedSwarmEnvironment>;
let pausedNode: string | undefined;

const spec = (image = IMAGE): EnvironmentSpecInput => ({
  hosts: [{ name: "main", image, cpus: 0.1, memoryMiB: 48, pids: 64 }],
  ttlSeconds: 600,
  idleTimeoutSeconds: 600,
});

async function sh(environment: SwarmEnvironment, script: string): Promise<string> {
  const result = await environment.commands.run("main", { script, timeoutMs: 30_000 });
  expect(result.exitCode, result.stderr).toBe(0);
  return result.stdout.trim();
}

async function setAvailability(nodeId: string, availability: "active" | "pause"): Promise<void> {
  const node = (await cluster.manager.getNode(nodeId).inspect()) as { Version: { Index: number }; Spec: object };
  await cluster.manager
    .getNode(nodeId)
    .update({ version: node.Version.Index, ...node.Spec, Availability: availability });
}

/** The registry's checkpoint tags, read over its HTTP API like the store does. */
async function registryTags(): Promise<string[]> {
  const response = await fetch(`http://${cluster.registry}/v2/circus-checkpoint/tags/list`);
  if (response.status === 404) return [];
  return ((await response.json()) as { tags: string[] | null }).tags ?? [];
}

/** This scope's checkpoint images on each node's engine (tagged or not). */
async function nodeCheckpointImages(): Promise<Array<{ node: string; tags: string[] }>> {
  const perNode = await Promise.all(
    cluster.nodes.map(async (node) =>
      (await node.docker.listImages({ filters: { label: [CHECKPOINT_LABEL.owner, `${TEST_LABEL}=${SCOPE}`] } })).map(
        (image) => ({ node: node.name, tags: image.RepoTags ?? [] }),
      ),
    ),
  );
  return perNode.flat();
}

beforeAll(async () => {
  cluster = await startSwarmCluster({ scope: SCOPE, images: [IMAGE] });
  await cluster.pullEverywhere([IMAGE]);
  const scopeLabels = { [TEST_LABEL]: SCOPE };
  backend = swarmBackendOn(cluster);
  store = createSwarmCheckpointStore({
    manager: cluster.manager,
    tls: cluster.tls,
    registry: cluster.registry,
    scopeLabels,
  });
}, 300_000);

afterAll(async () => {
  if (pausedNode) await setAvailability(pausedNode, "active").catch(() => {});
  await cluster?.stop();
}, 120_000);

describe("checkpoints on Swarm", () => {
  it("commits on the host's node, pushes to the registry, rewinds by a service update and resumes on another node", async () => {
    const first = await backend.create(spec());
    await sh(first, "echo one > /root/kept.txt");
    const takenOn = await first.locate("main");
    const step0 = await store.take(first, { owner: OWNER, step: 0, kind: "step" });
    expect(step0.hosts).toEqual([
      { name: "main", image: expect.stringMatching(/^circus-checkpoint:c-/), sizeBytes: expect.any(Number) },
    ]);
    const tag = step0.hosts[0]!.image.split(":")[1]!;
    // Committed by the node that runs the host, and pushed to the registry by it.
    const onNode = await takenOn.docker.listImages({
      filters: { reference: [`${cluster.registry}/circus-checkpoint:${tag}`] },
    });
    expect(onNode).toHaveLength(1);
    expect(await registryTags()).toEqual([tag]);
    expect(await store.hasImage(step0.hosts[0]!.image)).toBe(true);

    // Rewind: the host's service runs from the checkpoint (a new task; the later change is gone).
    await sh(first, "echo two > /root/kept.txt");
    await recreateSwarmHosts({
      manager: cluster.manager,
      registry: cluster.registry,
      environmentId: first.id,
      images: checkpointImages(step0),
    });
    expect(await sh(first, "cat /root/kept.txt")).toBe("one");

    // Save and leave: a saved checkpoint, then the node that took it is paused and the environment removed.
    await sh(first, "echo saved > /root/kept.txt");
    const savedOn = await first.locate("main");
    const saved = await store.take(first, { owner: OWNER, step: 1, kind: "saved" });
    expect((await store.list(OWNER)).map((each) => [each.kind, each.step])).toEqual([
      ["step", 0],
      ["saved", 1],
    ]);
    expect((await store.latestBefore(OWNER, 1))?.hosts).toEqual(step0.hosts);
    pausedNode = savedOn.nodeId;
    await setAvailability(savedOn.nodeId, "pause");
    await first.destroy();

    // Resume: a new environment from the saved image runs on another node, pulled from the registry.
    const resumed = await backend.create(spec(saved.hosts[0]!.image));
    const resumedOn = await resumed.locate("main");
    expect(resumedOn.nodeId).not.toBe(savedOn.nodeId);
    expect(await sh(resumed, "cat /root/kept.txt")).toBe("saved");
    await setAvailability(savedOn.nodeId, "active");
    pausedNode = undefined;

    // Removing the owner's checkpoints deletes their manifests and tags; the running host is not touched.
    expect(await store.remove(OWNER)).toBe(2);
    expect(await store.list(OWNER)).toEqual([]);
    expect(await registryTags()).toEqual([]);
    expect(await store.hasImage(saved.hosts[0]!.image)).toBe(false);
    expect(
      (await nodeCheckpointImages()).flatMap((image) => image.tags).filter((each) => each !== "<none>:<none>"),
    ).toEqual([]);
    expect(await sh(resumed, "cat /root/kept.txt")).toBe("saved");
    await resumed.destroy();

    // Untagged images still used by a host's container then: the reaper removes them once their tasks are gone.
    const deadline = Date.now() + 30_000;
    while ((await nodeCheckpointImages()).length > 0) {
      if (Date.now() > deadline)
        throw new Error(`leftover checkpoint images: ${JSON.stringify(await nodeCheckpointImages())}`);
      await store.reap(() => false);
      await sleep(500);
    }
  });

  it("reaps the checkpoints of owners that are gone and keeps the others", async () => {
    const environment = await backend.create(spec());
    await sh(environment, "echo kept > /root/kept.txt");
    await store.take(environment, { owner: "run-kept", step: 0, kind: "step" });
    await store.take(environment, { owner: "run-gone", step: 0, kind: "saved" });
    expect(await store.reap((owner) => owner === "run-kept")).toBeGreaterThanOrEqual(1);
    expect((await store.list("run-kept")).length).toBe(1);
    expect(await store.list("run-gone")).toEqual([]);
    expect(await registryTags()).toHaveLength(1);
    await environment.destroy();
    expect(await store.remove("run-kept")).toBe(1);
    expect(await registryTags()).toEqual([]);
  });
});
