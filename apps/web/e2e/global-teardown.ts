// After the end-to-end run: removes every container and network the test server's sandbox runtime
// created (they carry its scope label, circus.scope=e2e-<id>) and the run's temporary database; the same
// for the dev-reload server (its own scope, database and scenario copy, see dev-scenario.ts).
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { connectEngine } from "@circus/sandbox";
import { DEV_DATABASE_FILE, DEV_LABEL, DEV_SCENARIO_DIR } from "./dev-scenario";
import { E2E_DATABASE_FILE, E2E_LABEL } from "./e2e-run";

export default async function globalTeardown(): Promise<void> {
  const docker = await connectEngine();
  const containers = [];
  const networks = [];
  for (const label of [E2E_LABEL, DEV_LABEL]) {
    const filters = JSON.stringify({ label: [`${label.key}=${label.value}`] });
    containers.push(...(await docker.listContainers({ all: true, filters })));
    networks.push(...(await docker.listNetworks({ filters })));
  }
  await Promise.all(containers.map((info) => docker.getContainer(info.Id).remove({ force: true, v: true })));
  await Promise.all(networks.map((info) => docker.getNetwork(info.Id).remove()));
  // Checkpoint images: children before parents; later passes take what a same-second tie left.
  let images = 0;
  for (let pass = 0; pass < 3; pass += 1) {
    for (const label of [E2E_LABEL, DEV_LABEL]) {
      const filters = JSON.stringify({ label: [`${label.key}=${label.value}`] });
      for (const info of (await docker.listImages({ filters })).sort((a, b) => b.Created - a.Created)) {
        const removed = await docker
          .getImage(info.Id)
          .remove({ force: true })
          .then(() => true)
          .catch(() => false);
        if (removed) images += 1;
      }
    }
  }
  // A server started by hand (E2E_REUSE_SERVER) keeps its database: it may still be running.
  if (!process.env.E2E_REUSE_SERVER) {
    for (const file of [E2E_DATABASE_FILE, DEV_DATABASE_FILE]) {
      for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
    }
    rmSync(dirname(DEV_SCENARIO_DIR), { recursive: true, force: true });
  }
  console.log(
    `e2e teardown: removed ${containers.length} containers, ${networks.length} networks and ${images} images`,
  );
}
