// After the end-to-end run: removes every container and network the test server's sandbox runtime
// created (they carry its scope label, circus.scope=e2e-<id>) and the run's temporary database.
import { rmSync } from "node:fs";
import { connectEngine } from "@circus/sandbox";
import { E2E_DATABASE_FILE, E2E_LABEL } from "./e2e-run";

export default async function globalTeardown(): Promise<void> {
  const docker = await connectEngine();
  const filters = JSON.stringify({ label: [`${E2E_LABEL.key}=${E2E_LABEL.value}`] });
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((info) => docker.getContainer(info.Id).remove({ force: true, v: true })));
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.map((info) => docker.getNetwork(info.Id).remove()));
  // A server started by hand (E2E_REUSE_SERVER) keeps its database: it may still be running.
  if (!process.env.E2E_REUSE_SERVER) {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${E2E_DATABASE_FILE}${suffix}`, { force: true });
  }
  console.log(`e2e teardown: removed ${containers.length} containers and ${networks.length} networks`);
}
