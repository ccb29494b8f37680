// Two replicas' coordination on a real PostgreSQL (a database of its own on the test server): one rate
// limit across both, a ticket spent once, messages heard by the other replica only, leases seen by both,
// admissions serialized across both, and a warm pool's ownership moving to the survivor when its owner
// goes away (its lock connection closes, as when its process dies).
import { setTimeout as sleep } from "node:timers/promises";
import { migrateDatabase } from "@circus/db";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresTestDatabase, type TestDatabase } from "../test/test-databases";
import { startPostgresCoordination } from "./postgres-coordination";
import type { ReplicaCoordination, ReplicaMessage } from "./replica-coordination";

const logger = pino({ level: "silent" });

describe("replica coordination on PostgreSQL", () => {
  let database: TestDatabase;
  let a: ReplicaCoordination;
  let b: ReplicaCoordination;

  beforeAll(async () => {
    database = await postgresTestDatabase("replica_coordination");
    await migrateDatabase({ url: database.url });
    const options = { ownershipRetryMs: 200, leaseFlushMs: 50 };
    a = await startPostgresCoordination(database.url, logger, options);
    b = await startPostgresCoordination(database.url, logger, options);
  });

  afterAll(async () => {
    await Promise.allSettled([a?.dispose(), b?.dispose()]);
    await database?.cleanup();
  });

  it("counts one rate limit across both replicas and refuses with the wait", async () => {
    const check = { bucket: "starts", key: "learner-1", limit: 2, windowMs: 60_000 };
    expect(await a.takeRates([check])).toEqual({ allowed: true });
    expect(await b.takeRates([check])).toEqual({ allowed: true });
    const refused = await a.takeRates([{ ...check, key: "other" }, check]);
    expect(refused).toMatchObject({ allowed: false, refused: 1 });
    if (refused.allowed) throw new Error("unreachable");
    expect(refused.retryAfterMs).toBeGreaterThan(50_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    // Nothing was counted for the other key of the refused call.
    expect(await b.takeRates([{ ...check, key: "other", limit: 1 }])).toEqual({ allowed: true });
  });

  it("gives back the latest event of a key on either replica (an attempt that turned out fine)", async () => {
    const check = { bucket: "failed-sign-ins", key: "192.0.2.9", limit: 2, windowMs: 60_000 };
    expect(await a.takeRates([check])).toEqual({ allowed: true });
    expect(await b.takeRates([check])).toEqual({ allowed: true });
    expect(await a.takeRates([check])).toMatchObject({ allowed: false });
    await b.refundRate(check.bucket, check.key);
    expect(await a.takeRates([check])).toEqual({ allowed: true });
    expect(await b.takeRates([check])).toMatchObject({ allowed: false });
    // Only that bucket's key: nothing to give back elsewhere.
    await a.refundRate("other-bucket", check.key);
    expect(await b.takeRates([check])).toMatchObject({ allowed: false });
  });

  it("spends an observer ticket once, on whichever replica", async () => {
    const expiresAt = Date.now() + 60_000;
    expect(await a.spendTicket("nonce-1", expiresAt)).toBe(true);
    expect(await b.spendTicket("nonce-1", expiresAt)).toBe(false);
    expect(await a.spendTicket("nonce-1", expiresAt)).toBe(false);
  });

  it("tells the other replica, not itself", async () => {
    const heardByA: ReplicaMessage[] = [];
    const heardByB: ReplicaMessage[] = [];
    const stopA = a.onMessage((message) => heardByA.push(message));
    const stopB = b.onMessage((message) => heardByB.push(message));
    a.broadcast({ type: "run-changed", runId: "run-1" });
    for (let waited = 0; heardByB.length === 0 && waited < 5_000; waited += 20) await sleep(20);
    expect(heardByB).toEqual([{ type: "run-changed", runId: "run-1" }]);
    await sleep(100);
    expect(heardByA).toEqual([]);
    stopA();
    stopB();
  });

  it("shares environment leases: the later activity and expiry win", async () => {
    const early = new Date(Date.now() - 60_000);
    const late = new Date();
    const expiry = new Date(Date.now() + 3_600_000);
    a.leases?.record("env-1", { lastActivityAt: late, expiresAt: expiry });
    b.leases?.record("env-1", { lastActivityAt: early });
    await sleep(200);
    const seen = await b.leases?.read(["env-1", "env-unknown"]);
    expect(seen?.get("env-1")?.lastActivityAt.getTime()).toBe(late.getTime());
    expect(seen?.get("env-1")?.expiresAt?.getTime()).toBe(expiry.getTime());
    expect(seen?.has("env-unknown")).toBe(false);
  });

  it("runs one admission at a time across both replicas", async () => {
    let inside = 0;
    let most = 0;
    const task = async () => {
      inside += 1;
      most = Math.max(most, inside);
      await sleep(50);
      inside -= 1;
    };
    await Promise.all([0, 1, 2, 3].map((index) => (index % 2 === 0 ? a : b).serialize("run-admission", task)));
    expect(most).toBe(1);
  });

  it("gives a warm pool one owner and hands it to the survivor when the owner goes away", async () => {
    const running: string[] = [];
    const starter = (name: string) => async () => {
      running.push(name);
      return async () => {
        running.splice(running.indexOf(name), 1);
      };
    };
    await a.own("warm-pool:test", starter("a"));
    await b.own("warm-pool:test", starter("b"));
    await sleep(500);
    expect(running).toEqual(["a"]);
    await a.dispose();
    for (let waited = 0; !running.includes("b") && waited < 5_000; waited += 50) await sleep(50);
    expect(running).toEqual(["b"]);
  });
});
