import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AptMirrorNotFoundError } from "../errors";
import { chooseDebianMirror, findDebianMirror, parseDeb822Sources, parseOneLineSources } from "./apt-mirror";

const deb822 = `Types: deb
# http://snapshot.example.org/archive/debian-security/20250520T000000Z
URIs: http://mirror.example.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
# a comment inside the stanza
URIs: http://mirror.example.org/debian/
Suites: bookworm bookworm-updates
Components: main
 contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

const oneLine = `# the main archive
deb-src http://src.example.org/debian bookworm main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian.gpg] http://one.example.org/debian bookworm main contrib
deb http://one.example.org/debian-security bookworm-security main
`;

describe("parseDeb822Sources", () => {
  it("reads every stanza with its lists, skipping comments and folding continuation lines", () => {
    const sources = parseDeb822Sources(deb822, "debian.sources");
    expect(sources).toHaveLength(2);
    expect(sources[1]).toEqual({
      types: ["deb", "deb-src"],
      uris: ["http://mirror.example.org/debian/"],
      suites: ["bookworm", "bookworm-updates"],
      components: ["main", "contrib"],
      enabled: true,
      file: "debian.sources",
    });
  });

  it("honours Enabled: no", () => {
    const [source] = parseDeb822Sources(
      "Types: deb\nURIs: http://a.example.org/debian\nSuites: bookworm\nEnabled: no\n",
      "x",
    );
    expect(source?.enabled).toBe(false);
  });
});

describe("parseOneLineSources", () => {
  it("reads deb and deb-src lines, dropping options and comments", () => {
    const sources = parseOneLineSources(oneLine, "sources.list");
    expect(sources.map((source) => [source.types[0], source.uris[0], source.suites[0]])).toEqual([
      ["deb-src", "http://src.example.org/debian", "bookworm"],
      ["deb", "http://one.example.org/debian", "bookworm"],
      ["deb", "http://one.example.org/debian-security", "bookworm-security"],
    ]);
    expect(sources[1]?.components).toEqual(["main", "contrib"]);
  });
});

describe("chooseDebianMirror", () => {
  it("prefers the binary source that lists the suite, over security and source-only entries", () => {
    expect(chooseDebianMirror(parseDeb822Sources(deb822, "d"), "bookworm")).toBe("http://mirror.example.org/debian");
    expect(chooseDebianMirror(parseOneLineSources(oneLine, "l"), "bookworm")).toBe("http://one.example.org/debian");
  });

  it("falls back to any Debian archive when the machine runs another suite", () => {
    const trixie = parseOneLineSources("deb http://t.example.org/debian trixie main\n", "l");
    expect(chooseDebianMirror(trixie, "bookworm")).toBe("http://t.example.org/debian");
  });

  it("skips disabled entries", () => {
    const sources = parseDeb822Sources(
      "Types: deb\nURIs: http://off.example.org/debian\nSuites: bookworm\nEnabled: no\n\nTypes: deb\nURIs: http://on.example.org/debian\nSuites: bookworm\n",
      "d",
    );
    expect(chooseDebianMirror(sources, "bookworm")).toBe("http://on.example.org/debian");
  });

  it("fails with a clear error when nothing serves Debian", () => {
    const nodeOnly = parseDeb822Sources(
      "Types: deb\nURIs: https://node.example.org/node_20.x\nSuites: nodistro\n",
      "n",
    );
    expect(() => chooseDebianMirror(nodeOnly, "bookworm")).toThrow(AptMirrorNotFoundError);
    expect(() => chooseDebianMirror([], "bookworm")).toThrow(/apt has no sources at all/);
  });
});

describe("findDebianMirror", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("reads sources.list first, then sources.list.d in order, ignoring files apt ignores", async () => {
    dir = await mkdtemp(join(tmpdir(), "circus-apt-"));
    await mkdir(join(dir, "sources.list.d"));
    await writeFile(
      join(dir, "sources.list.d", "a.list.disabled"),
      "deb http://disabled.example.org/debian bookworm main\n",
    );
    await writeFile(join(dir, "sources.list.d", "debian.sources"), deb822);
    expect(await findDebianMirror("bookworm", dir)).toBe("http://mirror.example.org/debian");
    await writeFile(join(dir, "sources.list"), oneLine);
    expect(await findDebianMirror("bookworm", dir)).toBe("http://one.example.org/debian");
  });

  it("fails when the apt folder has no sources", async () => {
    dir = await mkdtemp(join(tmpdir(), "circus-apt-"));
    await expect(findDebianMirror("bookworm", dir)).rejects.toBeInstanceOf(AptMirrorNotFoundError);
  });
});
