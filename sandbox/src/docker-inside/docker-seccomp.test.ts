import { describe, expect, it } from "vitest";
import { dockerHostConfig } from "./docker-host";
import { CLONE_NEWCGROUP, dockerHostSeccompProfile } from "./docker-seccomp";

describe("the Docker-enabled host's seccomp profile", () => {
  const profile = dockerHostSeccompProfile();
  const rulesFor = (name: string) => profile.syscalls.filter((rule) => rule.names.includes(name));

  it("refuses by default and allows the mount family rootless containers need", () => {
    expect(profile.defaultAction).toBe("SCMP_ACT_ERRNO");
    for (const name of ["mount", "umount2", "pivot_root", "setns", "open_tree", "move_mount", "mount_setattr"]) {
      expect(rulesFor(name), name).toEqual([expect.objectContaining({ action: "SCMP_ACT_ALLOW" })]);
    }
  });

  it("allows new namespaces except cgroup namespaces, and keeps the rest of the kernel closed", () => {
    for (const name of ["clone", "unshare"]) {
      expect(rulesFor(name)).toEqual([
        {
          names: [name],
          action: "SCMP_ACT_ALLOW",
          args: [{ index: 0, value: CLONE_NEWCGROUP, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }],
        },
      ]);
    }
    expect(rulesFor("keyctl")).toEqual([{ names: ["keyctl"], action: "SCMP_ACT_ERRNO", errnoRet: 38 }]);
    for (const name of [
      "bpf",
      "perf_event_open",
      "fsopen",
      "fsmount",
      "init_module",
      "finit_module",
      "kexec_load",
      "add_key",
      "userfaultfd",
    ]) {
      expect(rulesFor(name), name).toEqual([]);
    }
  });

  it("comes with the TUN device, learner-owned stores and no capability", () => {
    const config = dockerHostConfig({ storeMiB: 1024 });
    expect(config.SecurityOpt[0]).toBe("no-new-privileges");
    expect(config.Devices.map((device) => device.PathOnHost)).toEqual(["/dev/net/tun"]);
    expect(
      Object.values(config.Tmpfs).every((options) => options.includes("uid=1000") && options.includes("nosuid")),
    ).toBe(true);
    expect(config.ReadonlyPaths).not.toContain("/proc/sys/net");
    expect(config.ReadonlyPaths).toContain("/proc/sys/kernel");
    expect(config).not.toHaveProperty("CapAdd");
  });
});
