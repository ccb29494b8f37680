// Liveness and readiness probes, answered by the server itself so they work before Next is ready.
// /readyz is 200 only when the catalog and Next are loaded and the database and the engine answer.
// Why a check fails (driver messages name hosts, ports and paths) is told to this machine only.
import type { IncomingMessage, ServerResponse } from "node:http";
import { isConnectionFailure } from "@circus/db";
import type { ServerContext } from "./context";
import { isDirectLoopbackRequest } from "./http/loopback";

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail?: string;
  /** Reported, but does not make the server unready (a missing protection of the engine). */
  advisory?: boolean;
}

const PING_TIMEOUT_MS = 2_000;

/** Answers /healthz and /readyz and returns true; false for other paths. */
export function answerProbe(
  req: IncomingMessage,
  res: ServerResponse,
  readiness: () => Promise<ReadinessCheck[]>,
): boolean {
  const pathname = (req.url ?? "/").split("?")[0];
  if (pathname === "/healthz") {
    sendProbe(res, 200, "ok");
    return true;
  }
  if (pathname !== "/readyz") return false;
  readiness().then(
    (checks) => {
      const ready = checks.every((check) => check.ok || check.advisory);
      const detailed = isDirectLoopbackRequest(req);
      const lines = checks.map(
        (check) => `${check.name}: ${check.ok ? "ok" : ((detailed ? check.detail : undefined) ?? "not ready")}`,
      );
      sendProbe(res, ready ? 200 : 503, `${ready ? "ok" : "starting"}\n${lines.join("\n")}`);
    },
    () => sendProbe(res, 503, "starting"),
  );
  return true;
}

/** The checks of /readyz: catalog and Next (from `appReady`), then a ping of the database and of the engine. */
export async function checkReadiness(
  appReady: { catalog: boolean; next: boolean },
  context: Pick<ServerContext, "db" | "runtime"> | undefined,
): Promise<ReadinessCheck[]> {
  const checks: ReadinessCheck[] = [
    { name: "catalog", ok: appReady.catalog },
    { name: "next", ok: appReady.next },
  ];
  if (!context) return [...checks, { name: "database", ok: false }, { name: "engine", ok: false }];
  const [database, engine, protections] = await Promise.all([
    ping("database", () => context.db.client.$queryRawUnsafe("SELECT 1")),
    ping("engine", () => context.runtime.ping()),
    context.runtime.protections().catch(() => []),
  ]);
  // Missing protections are listed with their fix; the server still serves (the operator decides).
  const advisories = protections.map((protection) => ({
    name: `protection ${protection.name}`,
    ok: protection.ok,
    advisory: true,
    detail: `missing: ${protection.detail}; fix: ${protection.fix ?? "see the README's operator section"}`,
  }));
  return [...checks, database, engine, ...advisories];
}

async function ping(name: string, call: () => PromiseLike<unknown>): Promise<ReadinessCheck> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve(call()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      }),
    ]);
    return { name, ok: true };
  } catch (error) {
    if (isConnectionFailure(error)) return { name, ok: false, detail: "unreachable" };
    const line = error instanceof Error ? error.message.split("\n").find((text) => text.trim() !== "") : undefined;
    return { name, ok: false, detail: line?.trim() ?? "unreachable" };
  } finally {
    clearTimeout(timer);
  }
}

function sendProbe(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
  res.end(text);
}
