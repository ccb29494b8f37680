import { describe, expect, it } from "vitest";
import { KEYS_PER_SANDBOX, keyQuotaFor } from "./key-quota";

describe("keyQuotaFor", () => {
  it("plans keys for every sandbox's container, terminals and Checks, never below the kernel's defaults", () => {
    expect(keyQuotaFor(250)).toEqual({ maxKeys: 250 * KEYS_PER_SANDBOX, maxBytes: 250 * KEYS_PER_SANDBOX * 200 });
    expect(keyQuotaFor(1)).toEqual({ maxKeys: 200, maxBytes: 40_000 });
  });
});
