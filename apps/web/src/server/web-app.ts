// The request handlers of a started server context: the /api router (runs, files), the terminal
// WebSocket gateway and the preview proxy, wired to close their connections when an environment goes.

import { checkpointRoutes } from "./checkpoints/checkpoint-routes";
import type { ServerContext } from "./context";
import { fileRoutes } from "./files/file-routes";
import type { Route, Router } from "./http/router";
import { createRouter } from "./http/router";
import { instructorRoutes } from "./instructors/instructor-routes";
import { createPreviewProxy, type PreviewProxy } from "./previews/preview-proxy";
import { recordingRoutes } from "./recordings/recording-routes";
import { runRoutes } from "./runs/run-routes";
import { createTerminalGateway, type TerminalGateway } from "./terminals/terminal-gateway";
import { workshopRoutes } from "./workshops/workshop-routes";

export interface WebApp {
  readonly context: ServerContext;
  readonly apiRouter: Router;
  readonly terminals: TerminalGateway;
  readonly previews: PreviewProxy;
  /** Closes the sockets and proxies (the context is disposed separately). */
  dispose(): void;
}

/** `extraRoutes`: API routes of an optional mode (the dev-scenario event stream). */
export function createWebApp(context: ServerContext, extraRoutes: readonly Route[] = []): WebApp {
  const terminals = createTerminalGateway(context);
  const previews = createPreviewProxy(context);
  const removeListener = context.environmentReleased.add(async (environmentId) => {
    previews.closeEnvironment(environmentId);
    await terminals.closeEnvironment(environmentId);
  });
  return {
    context,
    apiRouter: createRouter([
      ...runRoutes,
      ...recordingRoutes,
      ...checkpointRoutes,
      ...fileRoutes,
      ...instructorRoutes,
      ...workshopRoutes,
      ...extraRoutes,
    ]),
    terminals,
    previews,
    dispose: () => {
      removeListener();
      terminals.dispose();
      previews.dispose();
    },
  };
}
