// The public surface of @circus/scenario: load a scenario folder in either format, validate it,
// find the clickable actions in its markdown and render that markdown to safe HTML.
export type { LoadOutcome } from "./diagnostics";
export { defaultImageMap, type ImageMap } from "./katacoda/image-map";
export {
  detectScenarioFormat,
  findScenarioFolders,
  type LoadedScenario,
  type LoadScenarioOptions,
  loadScenario,
} from "./load-scenario";
export { type RenderContext, renderMarkdown } from "./markdown/render-markdown";
export { type DirectiveScan, type PortReference, scanDirectives } from "./markdown/scan-directives";
export * from "./model";
export { resolveScenarioPath, type ScenarioPath } from "./scenario-paths";
