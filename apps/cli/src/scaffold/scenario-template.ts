// The files `circus new` writes: a small native scenario that shows each part of the format (front
// matter, an asset, a step with an exec block and sidecar check/solve scripts, a quiz, a finish page).

export interface ScenarioTemplateInput {
  /** Shown in the catalog and at the top of the intro. */
  title: string;
}

/** The path of each file, relative to the scenario folder, and its text. */
export type ScenarioFiles = Readonly<Record<string, string>>;

/** Turns a name into the folder name (and so the scenario id): "My Scenario_2" gives "my-scenario-2". */
export function scenarioSlug(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** A readable title from a slug: "my-first-lab" gives "My first lab". */
export function titleFromSlug(slug: string): string {
  const words = slug.replace(/-+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function scenarioTemplate({ title }: ScenarioTemplateInput): ScenarioFiles {
  return {
    "scenario.md": `---
title: ${JSON.stringify(title)}
description: >-
  A short description for the catalog: what the learner does and what they take away.
difficulty: beginner
duration: 10m
tags: [linux, shell]
hosts:
  - name: node1
    image: circus/base
assets:
  - source: welcome.txt
    target: "~/welcome.txt"
---

Welcome! This is the intro page: say what the learner will build and what they need to know first.

On the right is a terminal into \`node1\`, a small Linux machine of their own.
`,
    "01-first-step.md": `# Write your first file

A file from this scenario's \`assets/\` folder is already in your home folder. Read it:

\`\`\`bash exec
cat ~/welcome.txt
\`\`\`

Now write a file of your own. Click the block to run it in the terminal:

\`\`\`bash exec
echo "Hello, Circus" > ~/hello.txt
\`\`\`

Then press **Check**.
`,
    "01-first-step.verify.sh": `# The step's check: exit 0 when the task is done. The last line printed on failure is shown as a hint.
file="$HOME/hello.txt"
if [ ! -f "$file" ]; then
  echo "There is no ~/hello.txt yet. Run: echo \\"Hello, Circus\\" > ~/hello.txt"
  exit 1
fi
if [ "$(cat "$file")" != "Hello, Circus" ]; then
  echo "~/hello.txt should contain exactly: Hello, Circus"
  exit 1
fi
`,
    "01-first-step.solve.sh": `# Does the step's work: shown to learners who ask for the solution, and run by \`circus test\`.
echo "Hello, Circus" > "$HOME/hello.txt"
`,
    "01-first-step.hint.md": '`echo "Hello, Circus" > ~/hello.txt` writes the line; `>` replaces what was there.\n',
    "02-quiz.md": `# Check what you learned

\`\`\`quiz
question: Which sign sends a command's output into a file?
type: single
choices:
  - "[x] >"
  - "[ ] |"
  - "[ ] &"
\`\`\`
`,
    "finish.md": `# Well done!

You read a file that came with the scenario, wrote one of your own and answered a question.
`,
    "assets/welcome.txt": "This file was copied into the sandbox from the scenario's assets/ folder.\n",
  };
}
