// Writes a scenario as a folder that runs without Circus: compose.yaml (one service per host on one
// network), a Dockerfile per host with its assets baked in, the step scripts, lab.sh and a README.
import { chmod, copyFile, mkdir, writeFile } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import { assetPath, pageCommandScripts } from "@circus/lab";
import type { Scenario, Script } from "@circus/scenario";
import { stringify } from "yaml";

export interface ExportResult {
  files: string[];
  /** What the exported folder cannot do that Circus does. */
  notCarried: string[];
}

interface ScriptFile {
  path: string;
  host: string;
  /** KataCoda's rule: a check also passes when it prints "done". */
  passOnDone?: boolean;
}

/** Writes `scenario` (loaded from `scenarioDir`) into the empty folder `root`. */
export async function exportScenario(scenario: Scenario, scenarioDir: string, root: string): Promise<ExportResult> {
  const files: string[] = [];
  const notCarried: string[] = [];
  const write = async (path: string, text: string, mode?: number) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text, { flag: "wx" });
    if (mode !== undefined) await chmod(join(root, path), mode);
    files.push(path);
  };
  const firstHost = scenario.hosts[0]?.name ?? "host01";

  for (const host of scenario.hosts) {
    const assets = scenario.assets.filter((asset) => asset.host === host.name);
    const lines = [
      `# ${host.name} of "${scenario.title}": the Circus image with the scenario's files for this host.`,
      `FROM ${host.image.includes(":") ? host.image : `${host.image}:latest`}`,
    ];
    for (const asset of assets) {
      const target = assetPath(asset).replace(/^~(?=\/|$)/, "/root");
      const inContext = posix.join("files", target);
      await mkdir(dirname(join(root, "hosts", host.name, inContext)), { recursive: true });
      await copyFile(join(scenarioDir, "assets", asset.source), join(root, "hosts", host.name, inContext));
      files.push(posix.join("hosts", host.name, inContext));
      lines.push(`COPY ${JSON.stringify(inContext)} ${JSON.stringify(target)}`);
      if (asset.mode) lines.push(`RUN chmod ${asset.mode} ${shellQuote(target)}`);
    }
    await write(posix.join("hosts", host.name, "Dockerfile"), `${lines.join("\n")}\n`);
  }

  const compose = {
    name: scenario.id,
    services: Object.fromEntries(
      scenario.hosts.map((host) => [
        host.name,
        {
          build: `./hosts/${host.name}`,
          image: `circus-export/${scenario.id}-${host.name}`,
          hostname: host.name,
          command: ["sleep", "infinity"],
          init: true,
          networks: ["lab"],
          cpus: host.cpus,
          mem_limit: `${host.memoryMiB}m`,
          pids_limit: host.pids,
          ...(host.capabilities.length > 0 ? { cap_add: host.capabilities } : {}),
          ...(Object.keys(host.env).length > 0 ? { environment: host.env } : {}),
          ...portsOf(scenario, host.name),
        },
      ]),
    ),
    networks: { lab: {} },
  };
  await write(
    "compose.yaml",
    `# "${scenario.title}", exported from Circus: run ./lab.sh up (README.md has the steps).\n${stringify(compose)}`,
  );

  const scripts = new Map<string, ScriptFile>();
  const addScript = async (name: string, script: Script | undefined, passOnDone?: boolean) => {
    if (!script) return;
    const path = `scripts/${name}.sh`;
    await write(path, script.script.endsWith("\n") ? script.script : `${script.script}\n`, 0o755);
    scripts.set(name, { path, host: script.host ?? firstHost, ...(passOnDone ? { passOnDone } : {}) });
  };
  await addScript("intro-setup", scenario.intro.setup);
  for (const [index, step] of scenario.steps.entries()) {
    const n = String(index + 1).padStart(2, "0");
    await addScript(`${n}-setup`, step.setup);
    await addScript(`${n}-verify`, step.verify, step.verify?.passOnDone);
    await addScript(`${n}-solve`, step.solve ?? pageSolution(scenario, index, notCarried));
    if (step.foreground) notCarried.push(`step ${index + 1}: its foreground script is in README.md to type yourself`);
    if (step.quizzes.length > 0) notCarried.push(`step ${index + 1}: its quiz questions are in README.md, not graded`);
  }
  await addScript("finish-setup", scenario.finish.setup);
  await write("lab.sh", labScript(scenario, scripts), 0o755);
  await write("README.md", readme(scenario, scripts));
  if (scenario.unavailable) notCarried.push(scenario.unavailable);
  if (scenario.links.length > 0) notCarried.push("link tabs are listed in README.md");
  return { files, notCarried };
}

/** KataCoda and Killercoda have no solve scripts: the page's commands and editor blocks are the solution. */
function pageSolution(scenario: Scenario, index: number, notCarried: string[]): Script | undefined {
  if (scenario.format === "circus") return undefined;
  const step = scenario.steps[index]!;
  const scripts = pageCommandScripts(scenario, step);
  const hosts = new Set(scripts.map((script) => script.host));
  if (scripts.length === 0) return undefined;
  if (hosts.size > 1) {
    notCarried.push(`step ${index + 1}: its page's commands run on several hosts, so lab.sh has no solve for it`);
    return undefined;
  }
  return {
    script: scripts.map((script) => script.script).join("\n"),
    host: scripts[0]!.host,
    timeoutSeconds: 120,
    source: step.source,
  };
}

function portsOf(scenario: Scenario, host: string): { ports?: string[] } {
  const ports = [...new Set(scenario.ports.filter((port) => port.host === host).map((port) => port.port))];
  // Loopback only, on a free port of the machine: `docker compose port HOST PORT` names it.
  return ports.length > 0 ? { ports: ports.map((port) => `127.0.0.1::${port}`) } : {};
}

function labScript(scenario: Scenario, scripts: Map<string, ScriptFile>): string {
  const table = [...scripts.entries()]
    .map(([name, file]) => `  ${name}) echo "${file.host} ${file.path} ${file.passOnDone ? "done" : "exit"}" ;;`)
    .join("\n");
  return `#!/usr/bin/env bash
# "${scenario.title}" without Circus. Usage:
#   ./lab.sh up              build and start the hosts, run the intro's setup
#   ./lab.sh shell [HOST]    a shell on a host (default ${scenario.hosts[0]?.name})
#   ./lab.sh setup|check|solve N   step N's setup, check (exit 0 = passed) or solution
#   ./lab.sh down            stop and remove everything
set -euo pipefail
cd "$(dirname "$0")"

script_of() {
  case "$1" in
${table}
  *) return 1 ;;
  esac
}

run_script() {
  local entry host path rule output status
  entry=$(script_of "$1") || { echo "this scenario has no $1 script" >&2; return 2; }
  read -r host path rule <<<"$entry"
  set +e
  output=$(docker compose exec -T "$host" bash -s <"$path" 2>&1)
  status=$?
  set -e
  printf '%s\\n' "$output"
  if [ "$status" -ne 0 ] && [ "$rule" = done ] && printf '%s\\n' "$output" | grep -qx done; then status=0; fi
  return "$status"
}

step() { printf '%02d' "$1"; }

case "\${1:-}" in
  up)
    docker compose up -d --build
    if script_of intro-setup >/dev/null; then run_script intro-setup; fi
    ;;
  shell) docker compose exec "\${2:-${scenario.hosts[0]?.name}}" bash -l ;;
  setup) run_script "$(step "\${2:?step number}")-setup" ;;
  check)
    if run_script "$(step "\${2:?step number}")-verify"; then echo "Check passed"; else echo "Not yet"; exit 1; fi
    ;;
  solve) run_script "$(step "\${2:?step number}")-solve" ;;
  down) docker compose down --volumes --remove-orphans ;;
  *) sed -n '2,7p' "$0"; exit 2 ;;
esac
`;
}

function readme(scenario: Scenario, scripts: Map<string, ScriptFile>): string {
  const lines = [
    `# ${scenario.title}`,
    "",
    scenario.description,
    "",
    "Exported from Circus to run anywhere Docker Compose runs, without Circus. The `circus/*` images",
    "come from the Circus repository (`npm run images`); everything else is in this folder.",
    "",
    "```bash",
    "./lab.sh up        # build and start the hosts",
    `./lab.sh shell     # a shell on ${scenario.hosts[0]?.name}; ./lab.sh shell HOST for another`,
    "./lab.sh check 1   # check step 1 (./lab.sh setup 1 first when the step has a setup script)",
    "./lab.sh down      # remove everything",
    "```",
    "",
    `Hosts: ${scenario.hosts.map((host) => `\`${host.name}\` (${host.image})`).join(", ")}, on one network where each reaches the others by name.`,
  ];
  if (scenario.ports.length > 0) {
    lines.push(
      "",
      "Ports (published on 127.0.0.1; `docker compose port HOST PORT` prints the address):",
      ...scenario.ports.map((port) => `- ${port.title}: \`${port.host}\` port ${port.port}${port.path}`),
    );
  }
  if (scenario.links.length > 0)
    lines.push("", "Links:", ...scenario.links.map((link) => `- [${link.title}](${link.href})`));
  if (scenario.unavailable) lines.push("", `> ${scenario.unavailable}`);
  lines.push("", "## Introduction", "", scenario.intro.markdown.trim());
  for (const [index, step] of scenario.steps.entries()) {
    const n = String(index + 1).padStart(2, "0");
    const tools = (["setup", "verify", "solve"] as const)
      .filter((role) => scripts.has(`${n}-${role}`))
      .map((role) => `\`./lab.sh ${role === "verify" ? "check" : role} ${index + 1}\``);
    lines.push("", `## Step ${index + 1}: ${step.title}`, "");
    if (tools.length > 0) lines.push(`_${tools.join(", ")}_`, "");
    lines.push(step.markdown.trim());
    if (step.foreground) lines.push("", "Type this first:", "", "```bash", step.foreground.script.trim(), "```");
    if (step.hint) lines.push("", "<details><summary>Hint</summary>", "", step.hint.trim(), "", "</details>");
  }
  if (scenario.finish.markdown.trim() !== "") lines.push("", "## Finish", "", scenario.finish.markdown.trim());
  return `${lines.join("\n")}\n`;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
