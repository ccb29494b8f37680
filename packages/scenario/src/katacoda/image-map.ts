// Which Circus image and which host names stand in for a KataCoda/Killercoda `backend.imageid`.
// Operators extend the table by passing their own map (e.g. `{ ...defaultImageMap, "my-id": {...} }`).

export interface ImageMapping {
  /** The Circus image every host of the scenario runs, e.g. "circus/base". */
  image: string;
  /** Host names in order: the first is HOST1 (KataCoda `host01`/`client`), the second HOST2, ... */
  hosts: readonly string[];
  /** What the Circus image lacks compared with the original; shown to the author as a warning. */
  note?: string;
  /**
   * What the original environment ran that this deployment cannot (a Kubernetes cluster): the hosts
   * start without it, and the catalog and the Start button say so to the learner.
   */
  unavailable?: string;
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
const LANGUAGES = "circus/languages";
const LANGUAGE_NOTE = "KataCoda's language image is replaced by circus/languages (Debian's Python, Node.js, Go, Java)";
/** Shown to learners in the catalog and on Start for every Kubernetes image. */
export const KUBERNETES_UNAVAILABLE =
  "This scenario's Kubernetes cluster is not available on this deployment: its hosts start, but kubectl has no cluster to talk to.";
const kubernetes = (hosts: readonly string[]): ImageMapping => ({
  image: BASE,
  hosts,
  note: NO_KUBERNETES,
  unavailable: KUBERNETES_UNAVAILABLE,
});
const CONTROLPLANE = ["controlplane"] as const;
const CONTROLPLANE_NODE = ["controlplane", "node01"] as const;
const rhel = (hosts: readonly string[]): ImageMapping => ({
  image: BASE,
  hosts,
  note: `RHEL is replaced by Debian (no dnf/yum, no subscription): ${BASE_TOOLS}`,
});

export const defaultImageMap: ImageMap = {
  // Plain Linux
  ubuntu: { image: BASE, hosts: ONE_HOST },
  "ubuntu-4gb": { image: BASE, hosts: ONE_HOST, note: "the 4 GB variant runs with the host's default memory" },
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
  bash: { image: LANGUAGES, hosts: ONE_HOST },
  git: { image: LANGUAGES, hosts: ONE_HOST },
  node: { image: LANGUAGES, hosts: ONE_HOST, note: LANGUAGE_NOTE },
  nodejs: { image: LANGUAGES, hosts: ONE_HOST, note: LANGUAGE_NOTE },
  python: { image: LANGUAGES, hosts: ONE_HOST, note: LANGUAGE_NOTE },
  python3: { image: LANGUAGES, hosts: ONE_HOST, note: LANGUAGE_NOTE },
  go: { image: LANGUAGES, hosts: ONE_HOST, note: LANGUAGE_NOTE },
  golang: { image: LANGUAGES, hosts: ONE_HOST, note: LANGUAGE_NOTE },
  java: { image: LANGUAGES, hosts: ONE_HOST, note: LANGUAGE_NOTE },
  openjdk: { image: LANGUAGES, hosts: ONE_HOST, note: LANGUAGE_NOTE },
  "ubuntu:1804": { image: LANGUAGES, hosts: ONE_HOST, note: `Ubuntu 18.04 is replaced by Debian: ${BASE_TOOLS}` },
  "ubuntu:2004": { image: LANGUAGES, hosts: ONE_HOST, note: `Ubuntu 20.04 is replaced by Debian: ${BASE_TOOLS}` },
  // Multi-host RHEL images: host01 is the first host; terminals and assets name host2/host3 too.
  rhel: rhel(ONE_HOST),
  rhel8: rhel(ONE_HOST),
  "rhel8-cluster": rhel(TWO_HOSTS),
  "rhel8-cluster2": rhel(TWO_HOSTS),
  "rhel8-cluster3": rhel(["host01", "host02", "host03"]),
  "rhel7-cluster3": rhel(["host01", "host02", "host03"]),
  // Clusters: the host names stay, the cluster does not (suffixed ids such as "-rapid", "-4GB" or
  // "-ubuntu20.04" resolve to these base ids, see resolveImageId).
  "kubernetes-cluster": kubernetes(CONTROLPLANE_NODE),
  "kubernetes-cluster-running": kubernetes(CONTROLPLANE_NODE),
  minikube: kubernetes(ONE_HOST),
  k3s: kubernetes(CONTROLPLANE),
  "kubernetes-k3s-1node": kubernetes(CONTROLPLANE),
  "kubernetes-k3s-2nodes": kubernetes(CONTROLPLANE_NODE),
  "kubernetes-kubeadm-1node": kubernetes(CONTROLPLANE),
  "kubernetes-kubeadm-2nodes": kubernetes(CONTROLPLANE_NODE),
};

export interface ImageResolution {
  mapping: ImageMapping;
  /** The map key that matched; undefined when the id is unknown and the fallback is used. */
  matchedKey?: string;
}

/** A variant suffix of an image id: a size, a speed, an OS release or a version ("-4GB", "-rapid", "-ubuntu20.04"). */
const VARIANT_SUFFIX = /-(?:\d+gb|rapid|fast|running|ubuntu[\d.]*|focal|jammy|noble|v?\d+(?:\.\d+)*)$/i;

/**
 * Looks `imageid` up case-insensitively, then without its ":tag" (e.g. "kubernetes-cluster-running:1.18"),
 * then without its variant suffixes one at a time ("kubernetes-kubeadm-2nodes-ubuntu20.04-4GB" ->
 * "kubernetes-kubeadm-2nodes").
 */
export function resolveImageId(imageid: string, map: ImageMap): ImageResolution {
  const byLowerKey = new Map(Object.entries(map).map(([key, mapping]) => [key.toLowerCase(), { key, mapping }]));
  const wanted = imageid.trim().toLowerCase();
  let candidate = wanted.replace(/:[^:/]*$/, "");
  let hit = byLowerKey.get(wanted) ?? byLowerKey.get(candidate);
  for (let stripped = 0; !hit && stripped < 4 && VARIANT_SUFFIX.test(candidate); stripped++) {
    candidate = candidate.replace(VARIANT_SUFFIX, "");
    hit = byLowerKey.get(candidate);
  }
  return hit ? { mapping: hit.mapping, matchedKey: hit.key } : { mapping: FALLBACK_IMAGE_MAPPING };
}
