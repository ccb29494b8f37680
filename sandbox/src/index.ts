// The public surface of @circus/sandbox: isolated environments on the Docker engine, each driven
// through its Environment handle (commands, files, terminals, port forwards), plus the engine check,
// image builds and the warm pool.
// Engine-level: a command in a container of an engine client the caller made itself (tests, tools).
// Everything else drives environments through `runtime.environment(id)`; Dockerode stays inside.
export {
  CHECKPOINT_LABEL,
  CHECKPOINT_REPOSITORY,
  type Checkpoint,
  type CheckpointKey,
  type CheckpointKind,
  type HostCheckpoint,
} from "./checkpoints/checkpoint-labels";
export type { CheckpointStore, CheckpointStoreOptions } from "./checkpoints/checkpoint-store";
export {
  CHECKPOINT_KEEPS,
  CHECKPOINT_LOSES,
  checkpointImages,
  restoreHosts,
} from "./checkpoints/restore-checkpoint";
export { type CommandResult, type RunCommandOptions, runCommand } from "./commands/run-command";
export { connectEngine } from "./engine/connect-engine";
export { checkEngineProtections, type EngineProtection } from "./engine/engine-protections";
export { type EngineProgressEvent, type EnsuredEngine, ensureEngine } from "./engine/ensure-engine";
export { offeredOciRuntimes } from "./engine/oci-runtimes";
export { type ProcessStat, readProcessStat, readProcessStatSync } from "./engine/process-stat";
export type { CreatePriority } from "./environments/create-slots";
export {
  ALLOWED_CAPABILITIES,
  type Environment,
  type EnvironmentSpec,
  type EnvironmentSpecInput,
  type HostSpec,
  parseEnvironmentSpec,
} from "./environments/environment";
export type { EnvironmentHandle, OpenTerminalOptions } from "./environments/environment-handle";
export type { EnvironmentLease, EnvironmentLeases } from "./environments/environment-leases";
export {
  type CreateOptions,
  createSandboxRuntime,
  type HostState,
  type HostStopListener,
  type SandboxRuntime,
  type SandboxRuntimeOptions,
} from "./environments/sandbox-runtime";
export * from "./errors";
export type { FileToCopy } from "./files/copy-files";
export type { ReadFileOptions } from "./files/read-file";
export { type BuiltImage, buildImages } from "./images/build-images";
export { type ImageStatus, imageStatus } from "./images/image-status";
export { createWarmPool } from "./pool/warm-pool";
export { POOL_LABEL, type WarmPool, type WarmPoolOptions, type WarmPoolStats } from "./pool/warm-pool-contract";
export type { ForwardPortOptions } from "./ports/forward-port";
export type { PortForwardStream } from "./ports/port-forward-stream";
export type { PortProxyAgentOptions } from "./ports/port-proxy-agent";
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
export { connectNodeEngine, ENGINE_LABEL, type EngineTls } from "./swarm/node-engines";
export { type RecreateSwarmHostsInput, recreateSwarmHosts } from "./swarm/recreate-swarm-hosts";
export { createSwarmBackend, type LostHost, type SwarmBackend, type SwarmBackendOptions } from "./swarm/swarm-backend";
export {
  type CheckpointedSwarmEnvironment,
  createSwarmCheckpointStore,
  type SwarmCheckpointStoreOptions,
} from "./swarm/swarm-checkpoints";
export type { SwarmEnvironment } from "./swarm/swarm-environment";
export * from "./swarm/swarm-errors";
export {
  createSwarmSandboxRuntime,
  type SwarmSandboxRuntimeOptions,
} from "./swarm/swarm-sandbox-runtime";
export { createSwarmWarmPool, type SwarmWarmPool, type SwarmWarmPoolOptions } from "./swarm/swarm-warm-pool";
export type { TerminalOptions } from "./terminals/open-terminal";
export type {
  FlowControlOptions,
  TerminalExit,
  TerminalExitReason,
  TerminalListener,
} from "./terminals/terminal-output";
export type { TerminalClient, TerminalSession, TerminalSessionStats } from "./terminals/terminal-session";
