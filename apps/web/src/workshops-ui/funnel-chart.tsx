// How many learners reached (and completed) each step, one horizontal bar chart per scenario, drawn as
// SVG elements by React (no inline styles: the page's CSP forbids them). The numbers are in the text too.
import { funnelScale } from "./dashboard-state";
import type { FunnelScenario } from "./workshop-schemas";

const BAR_WIDTH = 100;

export function FunnelChart({ funnel, participants }: { funnel: readonly FunnelScenario[]; participants: number }) {
  const scale = funnelScale(funnel, participants);
  return (
    <div className="funnel">
      {funnel.map((scenario) => (
        <figure key={scenario.scenarioId} className="funnel-scenario" data-scenario-id={scenario.scenarioId}>
          <figcaption>{scenario.title}</figcaption>
          <ol className="funnel-steps" aria-label={`Steps of ${scenario.title}`}>
            {scenario.steps.map((step) => (
              <li
                key={step.index}
                className="funnel-step"
                data-step-index={step.index}
                data-reached={step.reached}
                data-completed={step.completed}
              >
                <span className="funnel-label">
                  {step.index + 1}. {step.title}
                </span>
                <svg
                  className="funnel-bar"
                  viewBox={`0 0 ${BAR_WIDTH} 10`}
                  preserveAspectRatio="none"
                  aria-hidden="true"
                  focusable="false"
                >
                  <rect className="funnel-track" x="0" y="0" width={BAR_WIDTH} height="10" />
                  <rect className="funnel-reached" x="0" y="0" width={(BAR_WIDTH * step.reached) / scale} height="10" />
                  <rect
                    className="funnel-completed"
                    x="0"
                    y="0"
                    width={(BAR_WIDTH * step.completed) / scale}
                    height="10"
                  />
                </svg>
                <span className="funnel-count">
                  {step.reached} reached, {step.completed} completed
                </span>
              </li>
            ))}
          </ol>
        </figure>
      ))}
    </div>
  );
}
