import { describe, expect, it } from "vitest";
import { discoverSteps } from "./step-files";

const brief = (d: { severity: string; code: string; file: string }) => `${d.severity} ${d.code} ${d.file}`;

describe("discoverSteps", () => {
  it("orders steps by number, not by name, and attaches sidecars", () => {
    const { steps, diagnostics } = discoverSteps([
      "scenario.md",
      "finish.md",
      "10-last.md",
      "09-ninth.md",
      "09-ninth.verify.sh",
      "09-ninth.hint.md",
      ...Array.from({ length: 8 }, (_, i) => `0${i + 1}-s${i + 1}.md`),
      "README.md",
      "intro.sh",
    ]);
    expect(steps.map((s) => s.file).slice(-3)).toEqual(["08-s8.md", "09-ninth.md", "10-last.md"]);
    expect(steps[8]).toEqual({
      number: 9,
      stem: "09-ninth",
      slug: "ninth",
      file: "09-ninth.md",
      sidecars: { verify: "09-ninth.verify.sh", hint: "09-ninth.hint.md" },
    });
    expect(diagnostics).toEqual([]);
  });

  it("reports duplicates, gaps, uneven padding, stray pages and stray sidecars", () => {
    const { steps, diagnostics } = discoverSteps([
      "01-a.md",
      "01-b.md",
      "3-c.md",
      "notes.md",
      "03-c.check.sh",
      "05-x.verify.sh",
    ]);
    expect(steps.map((s) => s.file)).toEqual(["01-a.md", "01-b.md", "3-c.md"]);
    expect(diagnostics.map(brief)).toEqual([
      "warning sidecar-unknown-role 03-c.check.sh",
      "warning not-a-step notes.md",
      "error step-number-duplicate 01-b.md",
      "warning step-number-gap 3-c.md",
      "warning step-number-padding 3-c.md",
      "warning sidecar-orphan 05-x.verify.sh",
    ]);
  });

  it("warns when the first step is not number 1", () => {
    expect(discoverSteps(["02-b.md"]).diagnostics.map(brief)).toEqual(["warning step-number-gap 02-b.md"]);
  });
});
