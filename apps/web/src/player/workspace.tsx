"use client";
// A ready run: steps on one side, tools on the other (a terminal per host or declared terminal, the
// editor, port previews), the timer on top. It carries out the page's clickable actions and says what
// they did in its status line (screen readers hear it); the tool tabs follow the ARIA tabs pattern.
import dynamic from "next/dynamic";
import { useRouter } from "next/router";
import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from "react";
import { applyFileMode, type PageAction, type TerminalTab, terminalFor, typedText } from "./actions";
import { copyText } from "./clipboard";
import { HostStatus } from "./host-status";
import { LabControls } from "./lab-controls";
import type { PlayerEditor, PlayerStep } from "./player-step";
import { PreviewView } from "./preview-view";
import { ApiError, extendRun, readRunFile, stopRun, writeRunFile } from "./run-api";
import { RunTimer } from "./run-timer";
import type { RunView } from "./run-view";
import { useScreenReaderMode } from "./screen-reader-mode";
import { SplitPane } from "./split-pane";
import { StepPane } from "./step-pane";
import { type TerminalHandle, TerminalView } from "./terminal-view";
import { useColorScheme } from "./use-color-scheme";

// Loaded once a scenario's editor is shown or a file is opened (CodeMirror itself loads inside it).
const EditorView = dynamic(() => import("./editor-view").then((module) => module.EditorView));

export interface WorkspaceProps {
  run: RunView;
  scenarioTitle: string;
  steps: PlayerStep[];
  editor?: PlayerEditor;
  nonce: string;
  onRunChange: (run: RunView) => void;
}

/** How long a Ctrl-C gets to reach the shell before the command is typed after it. */
const INTERRUPT_PAUSE_MS = 150;

export function Workspace({ run, scenarioTitle, steps, editor, nonce, onRunChange }: WorkspaceProps) {
  const router = useRouter();
  const scheme = useColorScheme();
  const [extraTerminals, setExtraTerminals] = useState<TerminalTab[]>([]);
  const terminals = [...run.terminals, ...extraTerminals.filter((t) => !run.terminals.some((r) => r.id === t.id))];
  const [activeTab, setActiveTab] = useState(`terminal:${run.terminals[0]?.id ?? ""}`);
  const editorHost = editor?.host ?? run.hosts[0] ?? "";
  const [editorPath, setEditorPath] = useState<string | undefined>(editor?.open[0]);
  const [editorShown, setEditorShown] = useState(Boolean(editor));
  const [editorRevision, setEditorRevision] = useState(0);
  const [notice, setNotice] = useState("");
  // Bumped when a host is restarted: its terminal views remount and open shells in the new container.
  const [hostGenerations, setHostGenerations] = useState<Record<string, number>>({});
  const onHostRestarted = useCallback((host: string) => {
    setHostGenerations((generations) => ({ ...generations, [host]: (generations[host] ?? 0) + 1 }));
  }, []);
  // Bumped by a rewind: every terminal reconnects and the step shows again (its setup ran on the server).
  const [rewinds, setRewinds] = useState(0);
  const onRewound = useCallback(() => {
    setRewinds((count) => count + 1);
    setHostGenerations((generations) =>
      Object.fromEntries(run.hosts.map((host) => [host, (generations[host] ?? 0) + 1])),
    );
  }, [run.hosts]);
  const [screenReader, setScreenReader] = useScreenReaderMode();
  const firstStep = useRef(run.currentStep);
  // A terminal whose tab was just selected can take the focus only once its panel shows.
  const focusAfterRender = useRef<string | undefined>(undefined);
  useEffect(() => {
    const terminalId = focusAfterRender.current;
    if (terminalId === undefined) return;
    focusAfterRender.current = undefined;
    handles.current.get(terminalId)?.focus();
  });
  const handles = useRef(new Map<string, TerminalHandle>());
  const waitingInput = useRef(new Map<string, string[]>());

  const onHandle = useCallback((terminalId: string, handle: TerminalHandle | undefined) => {
    if (!handle) {
      handles.current.delete(terminalId);
      return;
    }
    handles.current.set(terminalId, handle);
    for (const text of waitingInput.current.get(terminalId) ?? []) handle.type(text);
    waitingInput.current.delete(terminalId);
  }, []);

  const typeInto = (terminalId: string, text: string) => {
    const handle = handles.current.get(terminalId);
    if (handle) handle.type(text);
    else waitingInput.current.set(terminalId, [...(waitingInput.current.get(terminalId) ?? []), text]);
  };

  const openInEditor = (path: string) => {
    setEditorShown(true);
    setEditorPath(path);
    setEditorRevision((revision) => revision + 1);
    setActiveTab("editor");
  };

  const runAction = async (action: PageAction) => {
    switch (action.kind) {
      case "exec": {
        const terminal = terminalFor(action, terminals, run.hosts);
        if (!terminal) return setNotice("This command names a host this scenario does not have.");
        if (!terminals.some((t) => t.id === terminal.id)) setExtraTerminals((list) => [...list, terminal]);
        setActiveTab(`terminal:${terminal.id}`);
        setNotice(`Typed into ${terminal.title}: ${spokenCommand(action.text)}`);
        const text = typedText(action);
        if (action.interrupt) {
          typeInto(terminal.id, "\x03");
          setTimeout(() => typeInto(terminal.id, text), INTERRUPT_PAUSE_MS);
        } else {
          typeInto(terminal.id, text);
        }
        // A screen reader stays on the instructions (the output is announced); others go to the terminal.
        if (!screenReader) focusAfterRender.current = terminal.id;
        return;
      }
      case "copy":
        return setNotice(
          (await copyText(action.text)) ? "Copied to the clipboard." : "Copying was refused by the browser.",
        );
      case "open":
        return openInEditor(action.path);
      case "file": {
        if (action.mode === "clipboard")
          return setNotice((await copyText(action.text)) ? "Copied." : "Copying failed.");
        try {
          const current =
            action.mode === "replace" ? "" : await readRunFile(run.id, editorHost, action.path).catch(emptyWhenMissing);
          await writeRunFile(run.id, editorHost, action.path, applyFileMode(current, action.text, action.mode));
          setNotice(`Wrote ${action.path}.`);
          openInEditor(action.path);
        } catch (error) {
          setNotice(error instanceof Error ? error.message : String(error));
        }
        return;
      }
    }
  };

  const describeAction = (action: PageAction): string => {
    switch (action.kind) {
      case "exec":
        return `Run in ${terminalFor(action, terminals, run.hosts)?.title ?? "the terminal"}: ${spokenCommand(action.text)}`;
      case "copy":
        return `Copy: ${spokenCommand(action.text)}`;
      case "open":
        return `Open ${action.path} in the editor`;
      case "file":
        return action.mode === "clipboard"
          ? `Copy: ${spokenCommand(action.text)}`
          : `Write ${action.path} (${action.mode})`;
    }
  };

  const focusTab = (id: string) => document.getElementById(`tab-${id}`)?.focus();

  const tabs = [
    ...terminals.map((t) => ({ id: `terminal:${t.id}`, label: t.title })),
    ...(editorShown ? [{ id: "editor", label: "Editor" }] : []),
    ...run.ports.map((p) => ({ id: `preview:${p.host}:${p.port}`, label: p.title })),
  ];

  const tools = (
    <div className="tools">
      <div
        role="tablist"
        aria-label="Tools"
        className="tool-tabs"
        onKeyDown={(event: KeyboardEvent) => {
          const index = tabs.findIndex((tab) => tab.id === activeTab);
          const moves: Record<string, number> = {
            ArrowRight: index + 1,
            ArrowLeft: index - 1,
            Home: 0,
            End: tabs.length - 1,
          };
          const target = moves[event.key];
          if (target === undefined || tabs.length === 0) return;
          event.preventDefault();
          const tab = tabs[(target + tabs.length) % tabs.length];
          if (!tab) return;
          setActiveTab(tab.id);
          focusTab(tab.id);
        }}
      >
        {tabs.map((tab) => (
          <button
            key={tab.id}
            type="button"
            role="tab"
            id={`tab-${tab.id}`}
            aria-selected={tab.id === activeTab}
            tabIndex={tab.id === activeTab ? 0 : -1}
            data-tab={tab.id}
            onClick={() => setActiveTab(tab.id)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div className="tool-panels">
        {terminals.map((t) => (
          <TerminalView
            key={`${t.id}:${hostGenerations[t.host] ?? 0}`}
            runId={run.id}
            terminalId={t.id}
            host={t.host}
            title={t.title}
            active={activeTab === `terminal:${t.id}`}
            scheme={scheme}
            screenReader={screenReader}
            onLeave={() => focusTab(`terminal:${t.id}`)}
            onHandle={onHandle}
          />
        ))}
        {editorShown ? (
          <EditorView
            runId={run.id}
            host={editorHost}
            path={editorPath}
            revision={editorRevision}
            nonce={nonce}
            active={activeTab === "editor"}
            scheme={scheme}
            onOpen={openInEditor}
          />
        ) : null}
        {run.ports.map((p) => (
          <PreviewView
            key={`${p.host}:${p.port}`}
            title={p.title}
            url={p.url}
            active={activeTab === `preview:${p.host}:${p.port}`}
          />
        ))}
      </div>
    </div>
  );

  return (
    <div className="workspace">
      <div className="workspace-bar">
        <h1>{scenarioTitle}</h1>
        <button
          type="button"
          className="secondary"
          aria-pressed={screenReader}
          data-testid="screen-reader-mode"
          onClick={() => {
            setScreenReader(!screenReader);
            setNotice(
              screenReader
                ? "Screen reader mode is off."
                : "Screen reader mode is on: new terminal output is announced, and each terminal has a transcript.",
            );
          }}
        >
          Screen reader mode
        </button>
        <RunTimer
          expiresAt={run.expiresAt}
          onExtend={async () => onRunChange(await extendRun(run.id))}
          onStop={async () => {
            onRunChange(await stopRun(run.id));
            void router.push(`/runs/${encodeURIComponent(run.id)}/finish`);
          }}
        />
      </div>
      <LabControls run={run} onRunChange={onRunChange} onRewound={onRewound} onNotice={setNotice} />
      <HostStatus run={run} onRunChange={onRunChange} onHostRestarted={onHostRestarted} />
      <p role="status" className="toast">
        {notice}
      </p>
      <SplitPane
        label="Resize the instructions and the tools"
        start={
          <StepPane
            key={`${run.currentStep}:${rewinds}`}
            run={run}
            steps={steps}
            onRunChange={onRunChange}
            onAction={runAction}
            describeAction={describeAction}
            focusHeading={run.currentStep !== firstStep.current}
          />
        }
        end={tools}
      />
    </div>
  );
}

/** A command as read out: its first line, shortened. */
function spokenCommand(text: string): string {
  const lines = text.trim().split(/\r?\n/);
  const first = lines[0] ?? "";
  const short = first.length > 80 ? `${first.slice(0, 80)}…` : first;
  return lines.length > 1 ? `${short} (and ${lines.length - 1} more lines)` : short;
}

function emptyWhenMissing(error: unknown): string {
  if (error instanceof ApiError && error.status === 404) return "";
  throw error;
}
