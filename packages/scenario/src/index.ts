// The public surface of @circus/scenario: load a scenario folder in either format, validate it,
// find the clickable actions in its markdown and render that markdown to safe HTML.
export type { LoadOutcome } from "./diagnostics";
export { DEFAULT_EDITOR_ROOT, editorFilePath, editorRootOf } from "./editor-paths";
export { defaultImageMap, type ImageMap, type ImageMapping, resolveImageId } from "./katacoda/image-map";
export {
  detectScenarioFormat,
  findScenarioFolders,
  type LoadedScenario,
  type LoadScenarioOptions,
  loadScenario,
} from "./load-scenario";
export { resolveCommandPlaceholders } from "./markdown/port-placeholders";
export { type RenderContext, renderMarkdown } from "./markdown/render-markdown";
export { type DirectiveScan, type PortReference, scanDirectives } from "./markdown/scan-directives";
export * from "./model";
export { resolveScenarioPath, type ScenarioPath } from "./scenario-paths";
