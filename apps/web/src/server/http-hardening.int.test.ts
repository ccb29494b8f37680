// The public face of the real server (in-process, real engine and SQLite): who may read /metrics, what
// /readyz tells, HSTS over HTTPS, and learner cookies surviving a rotation of the secret. A proxy on this
// machine is simulated by its forwarding headers: requests then count as coming from the internet.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyIdOf, LEARNER_COOKIE } from "./learners/learner-cookie";
import { answerProbe } from "./probes";
import { HSTS_HEADER } from "./security-headers";
import { removeTestResources, writeTestScenario } from "./test/api-test-scenario";
import { startWebTestServer, type WebTestServer } from "./test/web-test-server";

const FROM_PROXY = { "x-forwarded-for": "203.0.113.7" };
const METRICS_TOKEN = randomBytes(24).toString("hex");
const OLD_SECRET = randomBytes(32).toString("base64url");
const NEW_SECRET = randomBytes(32).toString("base64url");

let folder: string;
const testId = randomBytes(6).toString("hex");
const servers: WebTestServer[] = [];

async function start(secret: string, env: Record<string, string> = {}): Promise<WebTestServer> {
  const server = await startWebTestServer({
    scenariosDir: join(folder, "scenarios"),
    databaseUrl: `file:${join(folder, "circus.db")}`,
    testId,
    secret,
    env,
  });
  servers.push(server);
  return server;
}

/** The learner cookie a response sets, as [learnerId, keyId]; undefined when it sets none. */
function learnerCookieOf(response: Response): [string, string] | undefined {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${LEARNER_COOKIE}=`));
  if (!cookie) return undefined;
  const value = decodeURIComponent(cookie.split(";")[0]!.slice(LEARNER_COOKIE.length + 1));
  const [learnerId = "", , keyId = ""] = value.split(".");
  return [learnerId, keyId];
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "circus-web-hardening-"));
  await writeTestScenario(join(folder, "scenarios"));
});

afterAll(async () => {
  for (const server of servers) await server.close().catch(() => undefined);
  await removeTestResources(testId);
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe("the server's public surface", () => {
  it("serves /metrics to this machine and to the bearer of CIRCUS_METRICS_TOKEN only", async () => {
    const server = await start(NEW_SECRET, { CIRCUS_METRICS_TOKEN: METRICS_TOKEN });
    const metrics = (headers: Record<string, string> = {}) => fetch(`${server.origin}/metrics`, { headers });
    const local = await metrics();
    expect(local.status).toBe(200);
    expect(await local.text()).toMatch(/# TYPE /);
    const remote = await metrics(FROM_PROXY);
    expect(remote.status).toBe(401);
    expect(remote.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect(await remote.text()).not.toMatch(/# TYPE /);
    expect((await metrics({ ...FROM_PROXY, authorization: `Bearer ${METRICS_TOKEN}x` })).status).toBe(401);
    const scraper = await metrics({ ...FROM_PROXY, authorization: `Bearer ${METRICS_TOKEN}` });
    expect(scraper.status).toBe(200);
    expect(await scraper.text()).toMatch(/# TYPE /);
  });

  it("sends HSTS when the browser came over HTTPS, and only then", async () => {
    const server = servers[0]!;
    const plain = await fetch(`${server.origin}/api/instructors/setup`);
    expect(plain.headers.get("strict-transport-security")).toBeNull();
    const viaTls = await fetch(`${server.origin}/api/instructors/setup`, { headers: { "x-forwarded-proto": "https" } });
    expect(viaTls.headers.get("strict-transport-security")).toBe(HSTS_HEADER);
    await server.close();
    servers.pop();
    const behindTls = await start(NEW_SECRET, { CIRCUS_ALLOWED_ORIGINS: "https://circus.example.org" });
    const page = await fetch(`${behindTls.origin}/`);
    expect(page.headers.get("strict-transport-security")).toBe(HSTS_HEADER);
    await behindTls.close();
    servers.pop();
  });

  it("keeps learners signed in across a rotation of the secret within the grace period, re-signing their cookie", async () => {
    const before = await start(OLD_SECRET);
    const first = await fetch(`${before.origin}/`);
    const [learnerId = "", oldKey] = learnerCookieOf(first) ?? [];
    expect(oldKey).toBe(keyIdOf(OLD_SECRET));
    const oldCookie = first.headers.getSetCookie()[0]!.split(";")[0]!;
    await before.close();
    servers.pop();

    const rotated = await start(NEW_SECRET, { CIRCUS_PREVIOUS_SECRETS: OLD_SECRET });
    const again = await fetch(`${rotated.origin}/`, { headers: { cookie: oldCookie } });
    expect(learnerCookieOf(again)).toEqual([learnerId, keyIdOf(NEW_SECRET)]);
    await rotated.close();
    servers.pop();

    // Once the previous secret is dropped from the configuration, its cookies name nobody.
    const forgotten = await start(NEW_SECRET);
    const stranger = learnerCookieOf(await fetch(`${forgotten.origin}/`, { headers: { cookie: oldCookie } }));
    expect(stranger?.[0]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(stranger?.[0]).not.toBe(learnerId);
  });
});

describe("/readyz", () => {
  let probeServer: Server;
  let origin = "";
  beforeAll(async () => {
    // The real probe handler on a real socket, with a database check that failed the way drivers say it.
    probeServer = createServer((req, res) => {
      answerProbe(req, res, async () => [
        { name: "catalog", ok: true },
        { name: "database", ok: false, detail: "connect ECONNREFUSED 10.20.30.40:5432 (user circus_prod)" },
      ]);
    });
    await new Promise<void>((resolve) => probeServer.listen(0, "127.0.0.1", () => resolve()));
    const address = probeServer.address();
    origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => probeServer.close(() => resolve())));

  it("tells why a check fails to this machine only; the internet sees which check, not the error text", async () => {
    const local = await fetch(`${origin}/readyz`);
    expect(local.status).toBe(503);
    expect(await local.text()).toContain("database: connect ECONNREFUSED 10.20.30.40:5432");
    const remote = await fetch(`${origin}/readyz`, { headers: FROM_PROXY });
    expect(remote.status).toBe(503);
    const text = await remote.text();
    expect(text).toBe("starting\ncatalog: ok\ndatabase: not ready");
  });
});
