"use client";
// Two panes side by side with a separator the learner drags (pointer) or moves with the arrow keys
// (role="separator" with aria-valuenow). On narrow screens the CSS stacks them and hides the separator.
import { type KeyboardEvent, type PointerEvent, type ReactNode, useEffect, useRef, useState } from "react";

const MIN = 20;
const MAX = 80;
const STEP = 2;

export function SplitPane({ start, end, label }: { start: ReactNode; end: ReactNode; label: string }) {
  const rootRef = useRef<HTMLDivElement>(null);
  const [percent, setPercent] = useState(40);
  const dragging = useRef(false);

  // A CSS variable set through the CSSOM: a style attribute in the HTML would break the CSP.
  useEffect(() => {
    rootRef.current?.style.setProperty("--split", `${percent}%`);
  }, [percent]);

  const clamp = (value: number) => Math.min(MAX, Math.max(MIN, Math.round(value)));
  const fromPointer = (event: PointerEvent<HTMLDivElement>) => {
    const box = rootRef.current?.getBoundingClientRect();
    if (box && box.width > 0) setPercent(clamp(((event.clientX - box.left) / box.width) * 100));
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, number> = {
      ArrowLeft: percent - STEP,
      ArrowRight: percent + STEP,
      PageUp: percent - 10,
      PageDown: percent + 10,
      Home: MIN,
      End: MAX,
    };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    setPercent(clamp(next));
  };

  return (
    <div ref={rootRef} className="split">
      <div className="split-start">{start}</div>
      {/* biome-ignore lint/a11y/useSemanticElements: a focusable separator is the ARIA window splitter pattern; <hr> cannot be focused or dragged. */}
      <div
        className="split-separator"
        role="separator"
        aria-orientation="vertical"
        aria-label={label}
        aria-valuenow={percent}
        aria-valuemin={MIN}
        aria-valuemax={MAX}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onPointerDown={(event) => {
          dragging.current = true;
          event.currentTarget.setPointerCapture(event.pointerId);
        }}
        onPointerMove={(event) => {
          if (dragging.current) fromPointer(event);
        }}
        onPointerUp={(event) => {
          dragging.current = false;
          event.currentTarget.releasePointerCapture(event.pointerId);
        }}
      />
      <div className="split-end">{end}</div>
    </div>
  );
}
