// The free-disk reserve and the protection report through the real server (real engine, SQLite):
// below the reserve a start is refused with a 503 that says why, and /readyz lists each protection
// of the engine with its fix while the server stays ready.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTestResources, SCENARIO_ID, writeTestScenario } from "../test/api-test-scenario";
import { sqliteTestDatabase, type TestDatabase } from "../test/test-databases";
import { LearnerClient, startWebTestServer, type WebTestServer } from "../test/web-test-server";

describe("disk reserve and protections", () => {
  const testId = randomBytes(6).toString("hex");
  let folder: string;
  let database: TestDatabase;
  let server: WebTestServer;
  const previousReserve = process.env.CIRCUS_SANDBOX_DISK_RESERVE_MIB;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "circus-disk-reserve-"));
    await writeTestScenario(join(folder, "scenarios"));
    database = await sqliteTestDatabase("disk-reserve");
    // More than any disk has: the reserve is never met. The sandbox runtime reads it from the environment.
    process.env.CIRCUS_SANDBOX_DISK_RESERVE_MIB = "1000000000";
    server = await startWebTestServer({
      scenariosDir: join(folder, "scenarios"),
      databaseUrl: database.url,
      testId,
      secret: randomBytes(32).toString("base64url"),
    });
  });

  afterAll(async () => {
    if (previousReserve === undefined) delete process.env.CIRCUS_SANDBOX_DISK_RESERVE_MIB;
    else process.env.CIRCUS_SANDBOX_DISK_RESERVE_MIB = previousReserve;
    await server?.close();
    await removeTestResources(testId);
    await database?.cleanup();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("refuses a start with a 503 that names the reserve, and records no run", async () => {
    const client = new LearnerClient(server.origin);
    await client.visit();
    const refused = await client.request("POST", "/api/runs", { body: { scenarioId: SCENARIO_ID } });
    expect(refused.status).toBe(503);
    expect(refused.json.error).toMatchObject({ code: "disk_reserve_low" });
    expect(String(refused.json.error.message)).toContain("below its reserve of 1000000000 MiB");
    // Had a run been recorded, this second start would resume it (200) instead of being refused.
    const again = await client.request("POST", "/api/runs", { body: { scenarioId: SCENARIO_ID } });
    expect(again.status).toBe(503);
  });

  it("lists every protection on /readyz with its state, staying ready", async () => {
    const response = await fetch(`${server.origin}/readyz`);
    const text = await response.text();
    expect(response.status).toBe(200);
    for (const name of ["userns-remap", "oci-runtime", "disk-quota", "disk-reserve", "host-firewall"]) {
      expect(text).toMatch(new RegExp(`^protection ${name}: (ok|missing: .+; fix: .+)$`, "m"));
    }
    expect(text).toMatch(
      /^protection disk-reserve: missing: \d+ MiB free, below the reserve of 1000000000 MiB.*; fix: /m,
    );
  });
});
