"use client";
// The hosts of a ready run that stopped on their own (killed for memory, PID 1 died, the engine
// restarted): one alert each, with a button that restarts the host from its image. Reads the run
// every few seconds so a host that dies while the learner reads is noticed without a reload.
import { useEffect, useState } from "react";
import { getRun, restartHost } from "./run-api";
import type { RunView } from "./run-view";

/** How often the run is read for host states while the workspace is open. */
const HOST_POLL_MS = 5_000;

export interface HostStatusProps {
  run: RunView;
  onRunChange: (run: RunView) => void;
  /** Told when a host came back (its terminals reconnect to the new container). */
  onHostRestarted: (host: string) => void;
}

export function HostStatus({ run, onRunChange, onHostRestarted }: HostStatusProps) {
  const [restarting, setRestarting] = useState<string | undefined>();
  const [failure, setFailure] = useState<string | undefined>();

  useEffect(() => {
    let cancelled = false;
    const timer = setInterval(() => {
      getRun(run.id).then(
        (next) => {
          if (!cancelled && JSON.stringify(next) !== JSON.stringify(run)) onRunChange(next);
        },
        () => undefined, // The terminals and the next action say when the server is away.
      );
    }, HOST_POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [run, onRunChange]);

  const stopped = (run.hostStates ?? []).filter((host) => host.state === "stopped");
  if (stopped.length === 0 && !failure) return null;

  const restart = async (host: string) => {
    setRestarting(host);
    setFailure(undefined);
    try {
      onRunChange(await restartHost(run.id, host));
      onHostRestarted(host);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setRestarting(undefined);
    }
  };

  return (
    <div className="host-status">
      {stopped.map((host) => (
        <p key={host.name} role="alert" data-host={host.name} data-host-state={host.state}>
          {host.message ?? `Host ${host.name} stopped.`}{" "}
          <button type="button" onClick={() => void restart(host.name)} disabled={restarting !== undefined}>
            {restarting === host.name ? `Restarting ${host.name}…` : `Restart ${host.name}`}
          </button>
        </p>
      ))}
      {failure ? <p role="alert">{failure}</p> : null}
    </div>
  );
}
