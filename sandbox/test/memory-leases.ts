// Environment leases in memory, shared by runtimes of one test (the web app keeps them in PostgreSQL):
// the later activity and the latest expiry of each environment.
import type { EnvironmentLease, EnvironmentLeases } from "../src/environments/environment-leases";

export function memoryLeases(): EnvironmentLeases {
  const leases = new Map<string, EnvironmentLease>();
  return {
    record(id, lease) {
      const previous = leases.get(id);
      leases.set(id, {
        lastActivityAt: lease.lastActivityAt ?? previous?.lastActivityAt ?? new Date(),
        ...((lease.expiresAt ?? previous?.expiresAt) ? { expiresAt: lease.expiresAt ?? previous?.expiresAt } : {}),
      });
    },
    async read(ids) {
      return new Map(ids.flatMap((id) => (leases.has(id) ? [[id, leases.get(id) as EnvironmentLease] as const] : [])));
    },
  };
}
