// Groups catalog entries by the conference talk they come from. A scenario names its talk with a
// `talk:<slug>` tag; scenarios without one form the last group, "More scenarios".
import type { CatalogEntry } from "./catalog";

export const TALK_TAG_PREFIX = "talk:";

export interface TalkGroup {
  /** The talk's tag (e.g. `talk:weave-mesh`), or undefined for the scenarios not drawn from a talk. */
  tag?: string;
  heading: string;
  entries: CatalogEntry[];
}

/** The talk tag of an entry (its first `talk:` tag), if any. */
export function talkTagOf(entry: CatalogEntry): string | undefined {
  return entry.tags.find((tag) => tag.startsWith(TALK_TAG_PREFIX) && tag.length > TALK_TAG_PREFIX.length);
}

/** "talk:weave-mesh" → "Weave Mesh". */
export function talkHeading(tag: string): string {
  return tag
    .slice(TALK_TAG_PREFIX.length)
    .split(/[-_]+/)
    .filter((word) => word !== "")
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(" ");
}

/** Groups in order of talk heading, keeping each group's entries in their given order; ungrouped last. */
export function groupByTalk(entries: readonly CatalogEntry[]): TalkGroup[] {
  const byTag = new Map<string, CatalogEntry[]>();
  const rest: CatalogEntry[] = [];
  for (const entry of entries) {
    const tag = talkTagOf(entry);
    if (!tag) {
      rest.push(entry);
      continue;
    }
    const group = byTag.get(tag) ?? [];
    group.push(entry);
    byTag.set(tag, group);
  }
  const groups: TalkGroup[] = [...byTag.entries()]
    .map(([tag, grouped]) => ({ tag, heading: talkHeading(tag), entries: grouped }))
    .sort((a, b) => a.heading.localeCompare(b.heading));
  if (rest.length > 0) groups.push({ heading: "More scenarios", entries: rest });
  return groups;
}
