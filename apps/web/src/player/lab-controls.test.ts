// The lab's controls as React renders them: "Save and leave" is offered only where the run view says
// saving is allowed (a workshop may forbid it, and the server would refuse), rewinding always.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { type RunView, RunViewSchema } from "../contract/run-view";
import { LabControls } from "./lab-controls";

function runView(savingAllowed: boolean): RunView {
  return RunViewSchema.parse({
    id: "run-1",
    scenarioId: "circus-basics",
    status: "ready",
    stage: "ready",
    currentStep: 1,
    steps: [
      { index: 0, title: "Look around", completed: true },
      { index: 1, title: "Write a file", completed: false },
    ],
    expiresAt: new Date(0).toISOString(),
    hosts: ["node1"],
    terminals: [{ id: "t1", title: "node1", host: "node1" }],
    ports: [],
    savingAllowed,
  });
}

function render(run: RunView): string {
  return renderToStaticMarkup(
    createElement(LabControls, { run, onRunChange: () => {}, onRewound: () => {}, onNotice: () => {} }),
  );
}

describe("LabControls", () => {
  it("offers Save and leave where saving is allowed", () => {
    const html = render(runView(true));
    expect(html).toContain("Save and leave");
    expect(html).toContain("Rewind to the start of step 2");
  });

  it("hides Save and leave where the workshop or the server forbids saving, and still offers rewinding", () => {
    const html = render(runView(false));
    expect(html).not.toContain("Save and leave");
    expect(html).toContain("Rewind to the start of step 2");
  });

  it("is told by the run view: a view without savingAllowed does not parse", () => {
    const { savingAllowed: _omitted, ...rest } = runView(true);
    expect(RunViewSchema.safeParse(rest).success).toBe(false);
  });
});
