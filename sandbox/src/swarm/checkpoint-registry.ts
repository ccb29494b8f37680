// The registry's HTTP API (Distribution v2) as the Swarm checkpoint store needs it: a repository's tags,
// a tag's manifest (its digest and layers) and image config (its labels, cached by digest: blobs never
// change), and deleting a manifest. Only this server calls it; the nodes push and pull themselves.
import { CheckpointRegistryError } from "./swarm-errors";

const MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
].join(", ");
const REQUEST_TIMEOUT_MS = 15_000;
/** Most config blobs kept (each a few KiB of JSON); beyond it the cache starts again. */
const CONFIG_CACHE_MAX = 2000;

export interface RegistryManifest {
  /** The manifest's digest (what a delete names). */
  digest: string;
  configDigest: string;
  /** Compressed bytes of each layer, base first. */
  layerSizes: number[];
}

export interface CheckpointRegistry {
  readonly url: string;
  /** The repository's tags; none when the repository does not exist yet. */
  tags(repository: string): Promise<string[]>;
  /** The tag's manifest; undefined when the tag is not there. */
  manifest(repository: string, tag: string): Promise<RegistryManifest | undefined>;
  /** The labels of an image config. */
  labels(repository: string, configDigest: string): Promise<Record<string, string>>;
  /** Deletes a manifest; "refused" when the registry does not allow deletes. */
  deleteManifest(repository: string, digest: string): Promise<"deleted" | "gone" | "refused">;
}

export function connectCheckpointRegistry(url: string): CheckpointRegistry {
  const base = url.replace(/\/+$/, "");
  const configs = new Map<string, Record<string, string>>();

  const call = async (method: string, path: string, headers: Record<string, string> = {}): Promise<Response> => {
    try {
      return await fetch(`${base}${path}`, { method, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (error) {
      throw new CheckpointRegistryError(base, `${method} ${path}: ${String(error)}`, { cause: error });
    }
  };
  const unexpected = async (response: Response, what: string): Promise<never> => {
    const body = (await response.text().catch(() => "")).slice(0, 300);
    throw new CheckpointRegistryError(base, `${what}: HTTP ${response.status} ${body}`.trim());
  };

  return {
    url: base,
    async tags(repository) {
      const tags: string[] = [];
      let path: string | undefined = `/v2/${repository}/tags/list?n=1000`;
      while (path) {
        const response = await call("GET", path);
        if (response.status === 404) return tags;
        if (!response.ok) return unexpected(response, `listing the tags of ${repository}`);
        const body = (await response.json()) as { tags?: string[] | null };
        tags.push(...(body.tags ?? []));
        // Link: </v2/REPO/tags/list?last=X&n=1000>; rel="next" when there are more.
        path = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get("link") ?? "")?.[1];
      }
      return tags;
    },
    async manifest(repository, tag) {
      const response = await call("GET", `/v2/${repository}/manifests/${tag}`, { Accept: MANIFEST_TYPES });
      if (response.status === 404) return undefined;
      if (!response.ok) return unexpected(response, `reading the manifest ${repository}:${tag}`);
      const digest = response.headers.get("docker-content-digest");
      const body = (await response.json()) as { config?: { digest?: string }; layers?: Array<{ size?: number }> };
      if (!digest || !body.config?.digest) return unexpected(response, `the manifest ${repository}:${tag} is not v2`);
      return {
        digest,
        configDigest: body.config.digest,
        layerSizes: (body.layers ?? []).map((layer) => layer.size ?? 0),
      };
    },
    async labels(repository, configDigest) {
      const cached = configs.get(configDigest);
      if (cached) return cached;
      const response = await call("GET", `/v2/${repository}/blobs/${configDigest}`);
      if (!response.ok) return unexpected(response, `reading the image config ${configDigest}`);
      const body = (await response.json()) as { config?: { Labels?: Record<string, string> | null } };
      const labels = body.config?.Labels ?? {};
      if (configs.size >= CONFIG_CACHE_MAX) configs.clear();
      configs.set(configDigest, labels);
      return labels;
    },
    async deleteManifest(repository, digest) {
      const response = await call("DELETE", `/v2/${repository}/manifests/${digest}`);
      if (response.status === 202 || response.status === 200) return "deleted";
      if (response.status === 404) return "gone";
      // 405 UNSUPPORTED: the registry runs without storage.delete.enabled.
      if (response.status === 405) return "refused";
      return unexpected(response, `deleting the manifest ${repository}@${digest}`);
    },
  };
}
