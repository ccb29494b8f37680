// Which Circus image and which host names stand in for a KataCoda/Killercoda `backend.imageid`.
// Operators extend the table by passing their own map (e.g. `{ ...defaultImageMap, "my-id": {...} }`).

export interface ImageMapping {
  /** The Circus image every host of the scenario runs, e.g. "circus/base". */
  image: string;
  /** Host names in order: the first is HOST1 (KataCoda `host01`/`client`), the second HOST2, ... */
  hosts: readonly string[];
  /** What the Circus image lacks compared with the original; shown to the author as a warning. */
  note?: string;
  /** The hosts run Docker (rootless, as the unprivileged user `learner`): see `docker` on a native host. */
  docker?: boolean;
}

/** `backend.imageid` (compared case-insensitively, with or without a ":tag") to a Circus image and hosts. */
export type ImageMap = Readonly<Record<string, ImageMapping>>;

/** Where an operator adds an image id: named in the warning for an unknown one. */
export const IMAGE_MAP_LOCATION =
  "the `imageMap` option of loadScenario (start from `defaultImageMap` in packages/scenario/src/katacoda/image-map.ts)";

/** What an unknown image id falls back to. */
export const FALLBACK_IMAGE_MAPPING: ImageMapping = { image: "circus/base", hosts: ["host01"] };

const BASE = "circus/base";
const ONE_HOST = ["host01"] as const;
const TWO_HOSTS = ["host01", "host02"] as const;
const BASE_TOOLS = "circus/base is Debian with bash, coreutils, curl and python3";

function missing(what: string): string {
  return `the original image had ${what}; ${BASE_TOOLS}: install it in a setup script or map this id to an image that has it`;
}

const NO_KUBERNETES = missing("a Kubernetes cluster");

export const defaultImageMap: ImageMap = {
  // Plain Linux
  ubuntu: { image: BASE, hosts: ONE_HOST },
  bash: { image: BASE, hosts: ONE_HOST },
  "ubuntu-4gb": { image: BASE, hosts: ONE_HOST, note: "the 4 GB variant runs with the host's default memory" },
  "ubuntu:1804": { image: BASE, hosts: ONE_HOST, note: `Ubuntu 18.04 is replaced by Debian: ${BASE_TOOLS}` },
  "ubuntu:2004": { image: BASE, hosts: ONE_HOST, note: `Ubuntu 20.04 is replaced by Debian: ${BASE_TOOLS}` },
  "ubuntu-1804": { image: BASE, hosts: ONE_HOST, note: `Ubuntu 18.04 is replaced by Debian: ${BASE_TOOLS}` },
  "ubuntu-2004": { image: BASE, hosts: ONE_HOST, note: `Ubuntu 20.04 is replaced by Debian: ${BASE_TOOLS}` },
  // KataCoda language and tool images
  // Docker: rootless Podman with the docker CLI; images come from the Circus registry.
  docker: {
    image: "circus/docker",
    hosts: ONE_HOST,
    docker: true,
    note: "Docker runs rootless as the user `learner` (not root); images come from the Circus registry (docker/README.md)",
  },
  "docker-swarm": {
    image: "circus/docker",
    hosts: TWO_HOSTS,
    docker: true,
    note: "each host runs Docker rootless as the user `learner`, but `docker swarm` (Swarm mode) is not available",
  },
  node: { image: BASE, hosts: ONE_HOST, note: missing("Node.js") },
  nodejs: { image: BASE, hosts: ONE_HOST, note: missing("Node.js") },
  python: { image: BASE, hosts: ONE_HOST, note: "the original image had Python and pip; circus/base has python3 only" },
  go: { image: BASE, hosts: ONE_HOST, note: missing("Go") },
  golang: { image: BASE, hosts: ONE_HOST, note: missing("Go") },
  java: { image: BASE, hosts: ONE_HOST, note: missing("a Java JDK") },
  // Clusters: the host names stay, the cluster does not
  "kubernetes-cluster": { image: BASE, hosts: TWO_HOSTS, note: NO_KUBERNETES },
  "kubernetes-cluster-running": { image: BASE, hosts: TWO_HOSTS, note: NO_KUBERNETES },
  minikube: { image: BASE, hosts: ONE_HOST, note: NO_KUBERNETES },
  "kubernetes-kubeadm-1node": { image: BASE, hosts: ["controlplane"], note: NO_KUBERNETES },
  "kubernetes-kubeadm-2nodes": { image: BASE, hosts: ["controlplane", "node01"], note: NO_KUBERNETES },
};

export interface ImageResolution {
  mapping: ImageMapping;
  /** The map key that matched; undefined when the id is unknown and the fallback is used. */
  matchedKey?: string;
}

/** Looks `imageid` up case-insensitively, then without its ":tag" (e.g. "kubernetes-cluster-running:1.18"). */
export function resolveImageId(imageid: string, map: ImageMap): ImageResolution {
  const byLowerKey = new Map(Object.entries(map).map(([key, mapping]) => [key.toLowerCase(), { key, mapping }]));
  const wanted = imageid.trim().toLowerCase();
  const untagged = wanted.replace(/:[^:/]*$/, "");
  const hit = byLowerKey.get(wanted) ?? byLowerKey.get(untagged);
  return hit ? { mapping: hit.mapping, matchedKey: hit.key } : { mapping: FALLBACK_IMAGE_MAPPING };
}
