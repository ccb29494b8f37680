// The public surface of @circus/sandbox: isolated environments on the Docker engine, and what
// drives them (commands, files, terminals, port forwards), plus the engine check, image builds,
// the warm pool and the unisolated local driver for authors without Docker.
export { type CommandResult, type RunCommandOptions, runCommand } from "./commands/run-command";
export { connectEngine } from "./engine/connect-engine";
export { checkEngineProtections, type EngineProtection } from "./engine/engine-protections";
export { type EngineProgressEvent, type EnsuredEngine, ensureEngine } from "./engine/ensure-engine";
export { offeredOciRuntimes } from "./engine/oci-runtimes";
export {
  ALLOWED_CAPABILITIES,
  type Environment,
  type EnvironmentSpec,
  type EnvironmentSpecInput,
  type HostSpec,
  parseEnvironmentSpec,
} from "./environments/environment";
export {
  createSandboxRuntime,
  type HostState,
  type SandboxRuntime,
  type SandboxRuntimeOptions,
} from "./environments/sandbox-runtime";
export * from "./errors";
export { copyFiles, type FileToCopy, writeFile } from "./files/copy-files";
export { type ReadFileOptions, readFile } from "./files/read-file";
export { type BuiltImage, buildImages } from "./images/build-images";
export { type ImageStatus, imageStatus } from "./images/image-status";
export { createLocalEnvironment, type LocalEnvironment } from "./local/local-environment";
export { createWarmPool } from "./pool/warm-pool";
export { POOL_LABEL, type WarmPool, type WarmPoolOptions, type WarmPoolStats } from "./pool/warm-pool-contract";
export { type ForwardPortOptions, forwardPort } from "./ports/forward-port";
export type { PortForwardStream } from "./ports/port-forward-stream";
export { createPortProxyAgent } from "./ports/port-proxy-agent";
export {
  type AsciicastEvent,
  type AsciicastEventCode,
  type AsciicastHeader,
  asciicastEventLine,
  asciicastHeaderLine,
  InvalidAsciicastError,
  parseAsciicast,
} from "./recordings/asciicast";
export {
  type RecordingBatch,
  type RecordingSink,
  type TerminalRecorder,
  TerminalRecording,
  type TerminalRecordingOptions,
} from "./recordings/terminal-recording";
export { type CheckSwarmNodesOptions, checkSwarmNodes, type SwarmNodeStatus } from "./swarm/check-swarm-nodes";
export type { HostPlacement } from "./swarm/host-tasks";
export { ENGINE_LABEL, type EngineTls } from "./swarm/node-engines";
export { createSwarmBackend, type LostHost, type SwarmBackend, type SwarmBackendOptions } from "./swarm/swarm-backend";
export type { SwarmEnvironment } from "./swarm/swarm-environment";
export * from "./swarm/swarm-errors";
export { createSwarmWarmPool, type SwarmWarmPool, type SwarmWarmPoolOptions } from "./swarm/swarm-warm-pool";
export { openTerminal, type TerminalOptions } from "./terminals/open-terminal";
export type {
  FlowControlOptions,
  TerminalExit,
  TerminalExitReason,
  TerminalListener,
} from "./terminals/terminal-output";
export { TerminalRegistry } from "./terminals/terminal-registry";
export type { TerminalClient, TerminalSession, TerminalSessionStats } from "./terminals/terminal-session";
