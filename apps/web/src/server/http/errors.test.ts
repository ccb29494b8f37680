import { ActiveRunExistsError, InvalidRecordError } from "@circus/db";
import { StepNotFoundError } from "@circus/lab";
import {
  CapacityExceededError,
  CommandInterruptedError,
  EnvironmentNotFoundError,
  SwarmDiskReserveLowError,
} from "@circus/sandbox";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { AppError, errorReply, STATUS_BY_CODE } from "./errors";

const lines: string[] = [];
const logger = pino({ level: "info" }, { write: (line: string) => lines.push(line) });

describe("errorReply", () => {
  it("answers app errors with their code's status, message and Retry-After", () => {
    const reply = errorReply(new AppError("rate_limited", "Slow down.", { retryAfterSeconds: 12.2 }), logger);
    expect(reply).toEqual({
      status: 429,
      body: { error: { code: "rate_limited", message: "Slow down." } },
      headers: { "Retry-After": "13" },
    });
    expect(errorReply(new AppError("check_required", "Pass the check."), logger).status).toBe(409);
    expect(errorReply(new AppError("csrf", "Refused."), logger).status).toBe(403);
  });

  it("maps the libraries' typed errors through the same table", () => {
    expect(errorReply(new StepNotFoundError(7, 2), logger).status).toBe(404);
    expect(errorReply(new EnvironmentNotFoundError("abc"), logger).status).toBe(410);
    // A learner killed the command helper during a Check: they are told to run it again, not "internal".
    const interrupted = errorReply(new CommandInterruptedError(), logger);
    expect(interrupted.status).toBe(409);
    expect(interrupted.body.error.message).toMatch(/run it again/);
    const capacity = errorReply(new CapacityExceededError(3), logger);
    expect(capacity.status).toBe(429);
    expect(capacity.body.error.code).toBe("capacity");
  });

  it("says plainly that no Swarm node has free disk above the reserve, as a 503", () => {
    const reply = errorReply(new SwarmDiskReserveLowError(900, 4096), logger);
    expect(reply.status).toBe(503);
    expect(reply.body.error.code).toBe("disk_reserve_low");
    expect(reply.body.error.message).toMatch(/^no machine of the Swarm has free disk above its reserve of 4096 MiB/);
  });

  it("answers unknown errors and codes outside the table with a generic 500, logging the stack", () => {
    lines.length = 0;
    const secret = new Error("connection string postgresql://user:pw@db failed");
    for (const error of [
      secret,
      new InvalidRecordError("run", "bad"),
      new ActiveRunExistsError("l", "s"),
      "a string",
    ]) {
      const reply = errorReply(error, logger);
      expect(reply.status).toBe(500);
      expect(reply.body.error.code).toBe("internal");
      expect(reply.body.error.message).not.toContain("postgresql");
      expect(JSON.stringify(reply)).not.toContain("at ");
    }
    expect(STATUS_BY_CODE.active_run_exists).toBeUndefined();
    expect(lines.some((line) => line.includes("postgresql://user:pw@db") && line.includes('"stack"'))).toBe(true);
  });
});
