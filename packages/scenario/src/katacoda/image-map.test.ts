import { describe, expect, it } from "vitest";
import { defaultImageMap, FALLBACK_IMAGE_MAPPING, resolveImageId } from "./image-map";

describe("resolveImageId", () => {
  it("maps the Killercoda images to their host names", () => {
    expect(resolveImageId("kubernetes-kubeadm-2nodes", defaultImageMap).mapping.hosts).toEqual([
      "controlplane",
      "node01",
    ]);
    expect(resolveImageId("kubernetes-kubeadm-1node", defaultImageMap).mapping.hosts).toEqual(["controlplane"]);
    expect(resolveImageId("ubuntu", defaultImageMap).mapping).toEqual({ image: "circus/base", hosts: ["host01"] });
  });

  it("maps the KataCoda language images to circus/base with a note", () => {
    for (const id of ["ubuntu:2004", "ubuntu-2004", "node", "python", "go", "golang", "java"]) {
      const { mapping, matchedKey } = resolveImageId(id, defaultImageMap);
      expect(matchedKey).toBe(id);
      expect(mapping.image).toBe("circus/base");
      expect(mapping.note).toMatch(/\S/);
    }
  });

  it("maps the docker and docker-swarm images to Docker-enabled circus/docker hosts", () => {
    expect(resolveImageId("docker", defaultImageMap).mapping).toMatchObject({
      image: "circus/docker",
      hosts: ["host01"],
      docker: true,
    });
    const swarm = resolveImageId("docker-swarm", defaultImageMap).mapping;
    expect(swarm).toMatchObject({ image: "circus/docker", hosts: ["host01", "host02"], docker: true });
    expect(swarm.note).toContain("(Swarm mode) is not available");
  });

  it("looks ids up case-insensitively and without their tag", () => {
    expect(resolveImageId("Ubuntu", defaultImageMap).matchedKey).toBe("ubuntu");
    expect(resolveImageId("UBUNTU:2004", defaultImageMap).matchedKey).toBe("ubuntu:2004");
    expect(resolveImageId("kubernetes-cluster-running:1.18", defaultImageMap).matchedKey).toBe(
      "kubernetes-cluster-running",
    );
  });

  it("falls back to one circus/base host for an unknown id", () => {
    expect(resolveImageId("acme-lab", defaultImageMap)).toEqual({ mapping: FALLBACK_IMAGE_MAPPING });
    expect(FALLBACK_IMAGE_MAPPING).toEqual({ image: "circus/base", hosts: ["host01"] });
  });

  it("uses an operator's extension of the map", () => {
    const imageMap = { ...defaultImageMap, "acme-lab": { image: "acme/lab", hosts: ["lab"] } };
    expect(resolveImageId("Acme-Lab", imageMap)).toEqual({
      mapping: { image: "acme/lab", hosts: ["lab"] },
      matchedKey: "acme-lab",
    });
  });
});
