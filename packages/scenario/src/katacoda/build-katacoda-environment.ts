// What the learner's environment looks like, from index.json's `backend`, `environment`,
// `interface` and `files`: hosts (via the image map), terminals, dashboard ports and links, the editor.
import { error, type Location, warning } from "../diagnostics";
import type { Diagnostic, Editor, Host, LinkTab, Port, Terminal } from "../model";
import { IMAGE_MAP_LOCATION, type ImageMap, resolveImageId } from "./image-map";
import type { JsonPath } from "./index-json-document";
import type { KatacodaIndex } from "./index-json-schema";
import { bannerText } from "./katacoda-metadata";
import { hostForKey } from "./resolve-katacoda-assets";

export interface KatacodaEnvironment {
  hosts: (Pick<Host, "name" | "image"> & { docker?: boolean })[];
  terminals: Terminal[];
  ports: Port[];
  links: LinkTab[];
  editor?: Editor;
  layout?: string;
  uiMessage?: string;
  unavailable?: string;
  hideIntro?: boolean;
  hideFinish?: boolean;
}

export interface EnvironmentInputs {
  index: KatacodaIndex;
  imageMap: ImageMap;
  locateValue: (path: JsonPath) => Location;
}

export function buildKatacodaEnvironment({ index, imageMap, locateValue }: EnvironmentInputs): {
  environment: KatacodaEnvironment;
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const environment = index.environment ?? {};
  const imageid = index.backend?.imageid?.trim();
  const resolution = resolveImageId(imageid ?? "", imageMap);
  const imageAt = locateValue(["backend", "imageid"]);
  if (!imageid) {
    diagnostics.push(
      warning(
        "image-missing",
        "index.json has no backend.imageid; Circus uses circus/base with one host, host01",
        imageAt,
        'add "backend": { "imageid": "ubuntu" }',
      ),
    );
  } else if (!resolution.matchedKey) {
    diagnostics.push(
      warning(
        "image-unknown",
        `backend.imageid "${imageid}" is not in the image map; Circus uses circus/base with one host, host01`,
        imageAt,
        `map it in ${IMAGE_MAP_LOCATION}: "${imageid.toLowerCase()}": { image: "<circus image>", hosts: ["host01", ...] }`,
      ),
    );
  } else if (resolution.mapping.note) {
    diagnostics.push(
      warning(
        "image-substituted",
        `backend.imageid "${imageid}" runs as ${resolution.mapping.image}: ${resolution.mapping.note}`,
        imageAt,
        `change the mapping in ${IMAGE_MAP_LOCATION}`,
      ),
    );
  }
  const hostNames = [...resolution.mapping.hosts];
  const firstHost = hostNames[0]!;
  const hosts = hostNames.map((name) => ({
    name,
    image: resolution.mapping.image,
    ...(resolution.mapping.docker === true ? { docker: true } : {}),
  }));

  // One terminal per host: "1" on the first host (KataCoda's T1), the others by host name.
  const terminals: Terminal[] = [
    { id: "1", title: "Terminal", host: firstHost },
    ...hostNames.slice(1).map((name) => ({ id: name, title: name, host: name })),
  ];
  (environment.terminals ?? []).forEach((entry, position) => {
    const host = entry.target ? hostForKey(entry.target, hostNames) : firstHost;
    if (!host) {
      diagnostics.push(
        error(
          "terminal-host-unknown",
          `environment.terminals[${position}].target "${entry.target}" is not a host of this scenario (its hosts: ${hostNames.join(", ")})`,
          locateValue(["environment", "terminals", position, "target"]),
          `use one of: ${hostNames.join(", ")}`,
        ),
      );
      return;
    }
    terminals.push({
      id: String(position + 2),
      title: entry.name,
      host,
      ...(entry.command ? { command: ["bash", "-lc", entry.command] } : {}),
    });
  });

  const ports: Port[] = [];
  const links: LinkTab[] = [];
  (environment.dashboards ?? []).forEach((entry, position) => {
    const at = locateValue(["environment", "dashboards", position]);
    const tab = environment.showdashboard !== false;
    if (entry.port !== undefined) {
      ports.push({ host: firstHost, port: entry.port, title: entry.name, path: "/", tab });
      return;
    }
    if (!entry.href) {
      diagnostics.push(
        warning(
          "dashboard-empty",
          `environment.dashboards[${position}] "${entry.name}" has neither port nor href; it is left out`,
          at,
          'add "port": 80 or "href": "https://..."',
        ),
      );
      return;
    }
    const traffic = parseTrafficUrl(entry.href);
    if (traffic) {
      const host = hostNames[traffic.hostNumber - 1];
      if (!host) {
        diagnostics.push(
          error(
            "dashboard-host-unknown",
            `environment.dashboards[${position}].href points at host ${traffic.hostNumber}, but the scenario has ${hostNames.length}`,
            locateValue(["environment", "dashboards", position, "href"]),
            `use a host number from 1 to ${hostNames.length}`,
          ),
        );
        return;
      }
      ports.push({ host, port: traffic.port, title: entry.name, path: traffic.path, tab });
      return;
    }
    if (!URL.canParse(entry.href) || !/^https?:/i.test(entry.href)) {
      diagnostics.push(
        error(
          "dashboard-href-invalid",
          `environment.dashboards[${position}].href "${entry.href}" is neither an http(s) URL nor a KataCoda traffic URL`,
          locateValue(["environment", "dashboards", position, "href"]),
          'write a full URL, or use "port": N for a port of the first host',
        ),
      );
      return;
    }
    links.push({ title: entry.name, href: entry.href });
  });

  const layout = index.interface?.layout ?? environment.uilayout;
  const wantsEditor =
    index.files !== undefined || environment.uieditorpath !== undefined || /editor|ide/i.test(layout ?? "");
  const editor = wantsEditor
    ? { host: firstHost, root: environment.uieditorpath ?? "/root", open: index.files ?? [] }
    : undefined;

  return {
    environment: {
      hosts,
      terminals,
      ports,
      links,
      editor,
      layout,
      uiMessage: environment.uimessage1 === undefined ? undefined : bannerText(environment.uimessage1),
      unavailable: resolution.mapping.unavailable,
      hideIntro: environment.hideintro,
      hideFinish: environment.hidefinish,
    },
    diagnostics,
  };
}

/**
 * KataCoda's ways to address a port of a host: `{{TRAFFIC_HOST1_80}}/path` and
 * `https://[[HOST_SUBDOMAIN]]-80-[[KATACODA_HOST]].environments.katacoda.com/path` (`[[HOST2_SUBDOMAIN]]` for host 2).
 */
export function parseTrafficUrl(href: string): { hostNumber: number; port: number; path: string } | undefined {
  const traffic = /^\{\{\s*TRAFFIC_HOST(\d+)_(\d+)\s*\}\}(\/.*)?$/i.exec(href.trim());
  const subdomain = /^(?:https?:\/\/)?\[\[HOST(\d*)_SUBDOMAIN\]\]-(\d+)-\[\[KATACODA_HOST\]\][^/]*(\/.*)?$/i.exec(
    href.trim(),
  );
  const match = traffic ?? subdomain;
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { hostNumber: match[1] ? Number(match[1]) : 1, port, path: match[3] ?? "/" };
}
