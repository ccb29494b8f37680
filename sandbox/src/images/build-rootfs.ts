// Builds a root filesystem image without any registry: debootstrap from the machine's own apt
// mirror into a temporary folder, then `docker import` of its tar through the Engine API.
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Dockerode from "dockerode";
import { ensureHostTool } from "../engine/host-packages";
import { LineTail } from "../engine/output-lines";
import { runCommand } from "../engine/run-command";
import { ImageBuildFailedError } from "../errors";
import { findDebianMirror } from "./apt-mirror";
import type { ImageBuildListener } from "./build-events";
import type { RootfsImage } from "./images-manifest";
import { importTarOfFolder } from "./import-folder";
import { removeFolderTree } from "./remove-folder-tree";

export interface BuildRootfsOptions {
  /** Labels of the imported image. */
  labels: Record<string, string>;
  /** Debian mirror URL. Default: read from the machine's apt configuration. */
  mirror?: string;
  /** Install debootstrap with apt-get when missing (root only). Default: true. */
  allowInstall?: boolean;
  onProgress: ImageBuildListener;
  signal?: AbortSignal;
}

/** Returns the new image's id. The temporary folder is removed whatever happens. */
export async function buildRootfsImage(
  docker: Dockerode,
  image: RootfsImage,
  options: BuildRootfsOptions,
): Promise<string> {
  const emit = options.onProgress;
  const debootstrap = await ensureHostTool("debootstrap", "debootstrap", {
    allowInstall: options.allowInstall,
    onProgress: (event) => emit({ type: "host", event }),
    signal: options.signal,
  });
  const { suite, variant } = image.rootfs;
  const mirror = options.mirror ?? (await findDebianMirror(suite));
  const dir = await mkdtemp(join(tmpdir(), "circus-rootfs-"));
  try {
    emit({ type: "step", image: image.name, message: `debootstrap --variant=${variant} ${suite} ${dir} ${mirror}` });
    const outcome = await runCommand(debootstrap, [`--variant=${variant}`, suite, dir, mirror], {
      onLine: (line) => emit({ type: "output", image: image.name, line }),
      signal: options.signal,
    });
    if (outcome.exitCode !== 0) {
      // debootstrap's own log inside the target says more than its terse output
      const log = await readFile(join(dir, "debootstrap", "debootstrap.log"), "utf8").catch(() => "");
      const tail = new LineTail(30);
      for (const line of [...outcome.tail, ...log.trimEnd().split("\n")]) if (line !== "") tail.add(line);
      throw new ImageBuildFailedError(image.name, `debootstrap exited with code ${outcome.exitCode}`, tail.snapshot());
    }
    emit({ type: "step", image: image.name, message: `importing ${dir} as ${image.name}` });
    return await importTarOfFolder(docker, dir, {
      name: image.name,
      changes: [...labelChanges(options.labels), 'CMD ["bash"]'],
      onLine: (line) => emit({ type: "output", image: image.name, line }),
      signal: options.signal,
    });
  } finally {
    await removeFolderTree(dir);
  }
}

/** `LABEL` instructions for `docker import --change`, one per label so values need no quoting rules beyond JSON. */
function labelChanges(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([key, value]) => `LABEL ${key}=${JSON.stringify(value)}`);
}
