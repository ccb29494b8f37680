import { describe, expect, it } from "vitest";
import { applyFileMode, controlSequenceBytes, readAction, terminalFor, typedText } from "./actions";

describe("readAction", () => {
  it("reads an exec action with its host, terminal and flags", () => {
    const action = readAction(
      {
        circusAction: "exec",
        circusHost: "node2",
        circusTerminal: "2",
        circusInterrupt: "true",
        circusNewline: "false",
      },
      "yes",
    );
    expect(action).toEqual({
      kind: "exec",
      text: "yes",
      host: "node2",
      terminal: "2",
      interrupt: true,
      newline: false,
      controlSequence: false,
    });
  });

  it("defaults exec to a newline and no interrupt, and reads copy, open and file actions", () => {
    expect(readAction({ circusAction: "exec" }, "ls")).toMatchObject({ newline: true, interrupt: false });
    expect(readAction({ circusAction: "copy" }, "text")).toEqual({ kind: "copy", text: "text" });
    expect(readAction({ circusAction: "open", circusPath: "/root/a.yaml" }, "x")).toEqual({
      kind: "open",
      path: "/root/a.yaml",
    });
    expect(readAction({ circusAction: "file", circusPath: "/root/b", circusFileMode: "append" }, "line")).toEqual({
      kind: "file",
      path: "/root/b",
      mode: "append",
      text: "line",
    });
  });

  it("refuses elements without an action, unknown kinds and path-less open/file actions", () => {
    expect(readAction({}, "x")).toBeUndefined();
    expect(readAction({ circusAction: "launch" }, "x")).toBeUndefined();
    expect(readAction({ circusAction: "open" }, "x")).toBeUndefined();
    expect(readAction({ circusAction: "file" }, "x")).toBeUndefined();
  });
});

describe("typedText", () => {
  const exec = { kind: "exec" as const, interrupt: false, controlSequence: false };
  it("presses Enter after the text unless newline is false, and turns line breaks into Enter", () => {
    expect(typedText({ ...exec, text: "ls -la", newline: true })).toBe("ls -la\r");
    expect(typedText({ ...exec, text: "partial", newline: false })).toBe("partial");
    expect(typedText({ ...exec, text: "cat <<EOF\nhi\nEOF\n", newline: true })).toBe("cat <<EOF\rhi\rEOF\r");
  });

  it("sends a control sequence as its control byte, without Enter", () => {
    expect(typedText({ ...exec, text: "^C", newline: true, controlSequence: true })).toBe("\x03");
    expect(controlSequenceBytes("^d")).toBe("\x04");
  });
});

describe("terminalFor", () => {
  const terminals = [
    { id: "1", title: "node1", host: "node1" },
    { id: "node2", title: "node2", host: "node2" },
  ];
  const hosts = ["node1", "node2", "node3"];
  it("picks the terminal by id, else the host's first terminal, else the first terminal", () => {
    expect(terminalFor({ terminal: "node2" }, terminals, hosts)?.id).toBe("node2");
    expect(terminalFor({ host: "node2" }, terminals, hosts)?.id).toBe("node2");
    expect(terminalFor({}, terminals, hosts)?.id).toBe("1");
  });

  it("opens on-demand terminals: an unknown id on the first host, a host without a terminal by its name", () => {
    expect(terminalFor({ terminal: "2" }, terminals, hosts)).toEqual({ id: "2", title: "Terminal 2", host: "node1" });
    expect(terminalFor({ host: "node3" }, terminals, hosts)).toEqual({ id: "node3", title: "node3", host: "node3" });
    expect(terminalFor({ host: "nowhere" }, terminals, hosts)).toBeUndefined();
  });
});

describe("applyFileMode", () => {
  it("replaces, appends on a new line and prepends", () => {
    expect(applyFileMode("old\n", "new\n", "replace")).toBe("new\n");
    expect(applyFileMode("a", "b\n", "append")).toBe("a\nb\n");
    expect(applyFileMode("a\n", "b\n", "append")).toBe("a\nb\n");
    expect(applyFileMode("a\n", "b", "prepend")).toBe("b\na\n");
  });
});
