import { describe, expect, it } from "vitest";
import { isConnectionFailure } from "./connection-failures";

describe("isConnectionFailure", () => {
  it("recognizes Prisma's connection codes and the driver adapter's kinds, however deep", () => {
    expect(isConnectionFailure({ code: "P1001", meta: {} })).toBe(true);
    expect(
      isConnectionFailure({
        code: "P2010",
        meta: { driverAdapterError: { name: "DriverAdapterError", cause: { kind: "ConnectionClosed" } } },
      }),
    ).toBe(true);
    expect(
      isConnectionFailure(new Error("wrapped", { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) })),
    ).toBe(true);
    expect(isConnectionFailure(new AggregateError([Object.assign(new Error("x"), { code: "ECONNRESET" })]))).toBe(true);
  });

  it("leaves query errors and everything else alone", () => {
    expect(isConnectionFailure({ code: "P2002", meta: { target: ["email"] } })).toBe(false);
    expect(isConnectionFailure(new Error("syntax error"))).toBe(false);
    expect(isConnectionFailure(undefined)).toBe(false);
    expect(isConnectionFailure("P1001")).toBe(false);
  });
});
