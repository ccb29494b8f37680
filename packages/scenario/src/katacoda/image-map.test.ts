import { describe, expect, it } from "vitest";
import { defaultImageMap, FALLBACK_IMAGE_MAPPING, KUBERNETES_UNAVAILABLE, resolveImageId } from "./image-map";

describe("resolveImageId", () => {
  it("maps the Killercoda images to their host names", () => {
    expect(resolveImageId("kubernetes-kubeadm-2nodes", defaultImageMap).mapping.hosts).toEqual([
      "controlplane",
      "node01",
    ]);
    expect(resolveImageId("kubernetes-kubeadm-1node", defaultImageMap).mapping.hosts).toEqual(["controlplane"]);
    expect(resolveImageId("ubuntu", defaultImageMap).mapping).toEqual({ image: "circus/base", hosts: ["host01"] });
    expect(resolveImageId("kubernetes-kubeadm-2nodes", defaultImageMap).mapping.unavailable).toMatch(/not available/);
  });

  it("maps the KataCoda language images to circus/languages", () => {
    for (const id of ["bash", "git", "ubuntu:2004", "node", "nodejs", "python", "go", "golang", "java"]) {
      const { mapping, matchedKey } = resolveImageId(id, defaultImageMap);
      expect(matchedKey).toBe(id);
      expect(mapping).toMatchObject({ image: "circus/languages", hosts: ["host01"] });
    }
    expect(resolveImageId("ubuntu-2004", defaultImageMap).mapping.image).toBe("circus/base");
  });

  it("gives the multi-host RHEL images their hosts", () => {
    expect(resolveImageId("rhel8-cluster3", defaultImageMap).mapping.hosts).toEqual(["host01", "host02", "host03"]);
    expect(resolveImageId("rhel8-cluster2", defaultImageMap).mapping.hosts).toEqual(["host01", "host02"]);
  });

  it("matches every suffixed Kubernetes id to its base id, which says the cluster is unavailable", () => {
    const cases: Record<string, string> = {
      "kubernetes-cluster-rapid": "kubernetes-cluster",
      "kubernetes-kubeadm-2nodes-4GB": "kubernetes-kubeadm-2nodes",
      "kubernetes-kubeadm-1node-4gb": "kubernetes-kubeadm-1node",
      "kubernetes-kubeadm-2nodes-ubuntu20.04": "kubernetes-kubeadm-2nodes",
      "kubernetes-kubeadm-2nodes-ubuntu20.04-4GB": "kubernetes-kubeadm-2nodes",
      "kubernetes-k3s-2nodes-rapid": "kubernetes-k3s-2nodes",
      "k3s-1.21": "k3s",
      "kubernetes-cluster-running:1.18": "kubernetes-cluster-running",
    };
    for (const [id, base] of Object.entries(cases)) {
      const { mapping, matchedKey } = resolveImageId(id, defaultImageMap);
      expect(matchedKey, id).toBe(base);
      expect(mapping.unavailable, id).toBe(KUBERNETES_UNAVAILABLE);
    }
    expect(resolveImageId("kubernetes-cluster-rapid", defaultImageMap).mapping.hosts).toEqual([
      "controlplane",
      "node01",
    ]);
    expect(resolveImageId("ubuntu-rapid-thing", defaultImageMap).matchedKey).toBeUndefined();
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
