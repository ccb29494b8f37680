// The OCI runtime setting against the real engine: which runtimes it offers, and what a runtime
// asking for one it lacks gets (a typed error at create time, with nothing left behind).
import Dockerode from "dockerode";
import { afterEach, describe, expect, it } from "vitest";
import { createTestScope, type TestScope } from "../../test/environment-fixture";
import { RuntimeUnavailableError } from "../errors";
import { offeredOciRuntimes } from "./oci-runtimes";

const offered = await offeredOciRuntimes(new Dockerode());

let scope: TestScope | undefined;
afterEach(async () => {
  await scope?.cleanup();
  scope = undefined;
});

describe("offeredOciRuntimes", () => {
  it("lists runc, which every engine has, in sorted order", () => {
    expect(offered).toContain("runc");
    expect(offered).toEqual([...offered].sort());
  });
});

describe("a sandbox runtime set to an OCI runtime the engine lacks", () => {
  it.runIf(!offered.includes("runsc"))(
    "fails create() with RuntimeUnavailableError for runsc and leaves no container or network",
    async () => {
      scope = createTestScope();
      const runtime = await scope.runtime({ runtime: "runsc" });
      // Two hosts: the private network is made before the containers are refused, so its removal is checked too.
      const creating = runtime.create(scope.spec(["node1", "node2"]));
      const error = await creating.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RuntimeUnavailableError);
      expect(error).toMatchObject({ code: "runtime_unavailable", runtime: "runsc", offered });
      expect((error as RuntimeUnavailableError).message).toContain("CIRCUS_SANDBOX_RUNTIME=runc");
      expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
      expect(runtime.list()).toEqual([]);
    },
  );
});
