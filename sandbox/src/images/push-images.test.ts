import { describe, expect, it } from "vitest";
import { InvalidRegistryError } from "../swarm/swarm-errors";
import { loadImagesManifest } from "./images-manifest";
import { imageInRegistry, parseRegistry, sandboxImages } from "./push-images";

describe("pushing sandbox images", () => {
  it("publishes circus/base and the images built on it, not the registry, stand-ins or test fixtures", async () => {
    const images = sandboxImages((await loadImagesManifest()).images);
    expect(images).toContain("circus/base:latest");
    expect(images).toContain("circus/mesh:latest");
    expect(images).toContain("circus/docker:latest");
    for (const other of [
      "circus/rootfs:bookworm",
      "circus/registry:latest",
      "circus/swarm-node:latest",
      "circus/standin-nginx:latest",
    ]) {
      expect(images).not.toContain(other);
    }
  });

  it("names an image in the registry by its own name", () => {
    expect(imageInRegistry("10.0.0.5:5000", "circus/base:latest")).toBe("10.0.0.5:5000/circus/base:latest");
  });

  it("refuses a registry given as a URL", () => {
    for (const bad of ["http://10.0.0.5:5000", "10.0.0.5:5000/", "", "reg istry:5000"]) {
      expect(() => parseRegistry(bad)).toThrow(InvalidRegistryError);
    }
    expect(parseRegistry("registry.internal:5000")).toBe("registry.internal:5000");
  });
});
