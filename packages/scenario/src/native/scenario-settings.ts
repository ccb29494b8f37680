// Turns the checked front matter of scenario.md into the model's environment settings (hosts,
// terminals, ports, links, editor), filling the defaults and checking that named hosts exist.
import type { z } from "zod";
import { error } from "../diagnostics";
import type { Diagnostic, ScenarioSchema } from "../model";
import { DEFAULT_IMAGE, DOCKER_IMAGE, type ScenarioFrontMatter } from "./front-matter-schema";
import type { YamlBlock, YamlPath } from "./yaml-block";

type ScenarioInput = z.input<typeof ScenarioSchema>;
type ScenarioSettings = Pick<ScenarioInput, "hosts" | "terminals" | "ports" | "links" | "editor">;

export const DEFAULT_HOST = "node1";

export function settingsFromFrontMatter(
  frontMatter: ScenarioFrontMatter,
  yaml: YamlBlock,
): { settings: ScenarioSettings; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const at = (path: YamlPath) => ({ file: yaml.file, ...yaml.locate(path) });
  const hosts = (frontMatter.hosts ?? [{ name: DEFAULT_HOST, image: DEFAULT_IMAGE }]).map((host) => ({
    name: host.name,
    image: host.image ?? (host.docker === true ? DOCKER_IMAGE : DEFAULT_IMAGE),
    docker: host.docker,
    cpus: host.cpus,
    memoryMiB: host.memory,
    pids: host.pids,
    diskMiB: host.disk,
    capabilities: host.capabilities,
    env: host.env,
  }));
  const hostNames = hosts.map((h) => h.name);
  hosts.forEach((host, index) => {
    if (host.docker === true && (host.capabilities?.length ?? 0) > 0) {
      diagnostics.push(
        error(
          "docker-host-capabilities",
          `host "${host.name}" asks for Docker and for capabilities; a Docker-enabled host runs its learner unprivileged and adds none`,
          at(["hosts", index, "capabilities"]),
          "remove `capabilities` (containers get root inside themselves) or put them on another host",
        ),
      );
    }
    if (hostNames.indexOf(host.name) !== index) {
      diagnostics.push(
        error(
          "host-duplicate",
          `host "${host.name}" is declared twice`,
          at(["hosts", index, "name"]),
          "give every host its own name",
        ),
      );
    }
  });
  const requireHost = (host: string, path: YamlPath) => {
    if (!hostNames.includes(host)) {
      diagnostics.push(
        error(
          "unknown-host",
          `host "${host}" is not declared under \`hosts\``,
          at(path),
          `use one of: ${hostNames.join(", ")}`,
        ),
      );
    }
  };
  const terminals = frontMatter.terminals
    ? frontMatter.terminals.map((terminal, index) => ({
        id: terminal.id ?? String(index + 1),
        title: terminal.title,
        host: terminal.host,
        command: terminal.command,
      }))
    : hosts.map((host) => ({ id: host.name, title: host.name, host: host.name }));
  terminals.forEach((terminal, index) => {
    if (terminals.findIndex((t) => t.id === terminal.id) !== index) {
      diagnostics.push(
        error(
          "terminal-duplicate",
          `terminal id "${terminal.id}" is used twice`,
          at(["terminals", index]),
          "give every terminal its own `id`",
        ),
      );
    }
  });
  const ports = (frontMatter.ports ?? []).map((port, index) => {
    requireHost(port.host, ["ports", index, "host"]);
    return {
      host: port.host,
      port: port.port,
      title: port.title ?? `${port.host}:${port.port}`,
      path: port.path,
      tab: port.tab,
    };
  });
  const editor = frontMatter.editor;
  if (editor) requireHost(editor.host, ["editor", "host"]);
  return {
    settings: { hosts, terminals, ports, links: frontMatter.links ?? [], editor },
    diagnostics,
  };
}
