// The public surface of @circus/lab: runs a scenario in a sandbox environment (start, attach, show a
// step, check it, solve it, grade its quizzes) and self-tests scenarios for `circus test`.
export { type AttachLabOptions, attachLab } from "./attach-lab";
export { assetPath } from "./copy-assets";
export { type EnvironmentSpecOptions, environmentSpecFor, SCENARIO_LABEL } from "./environment-spec-for";
export { gradeQuiz, gradeStepQuizzes, MAX_TEXT_ANSWER_LENGTH, type QuizAnswer, type QuizGrades } from "./grade-quiz";
export type { Lab } from "./lab";
export {
  AssetUnreadableError,
  EnvironmentMissingError,
  LabError,
  NoSolveScriptError,
  StepNotFoundError,
} from "./lab-errors";
export { type PreparedHost, prepareRestartedHost } from "./prepare-restarted-host";
export { rerunStepSetups } from "./rerun-step-setups";
export { type CheckResult, runCheck } from "./run-check";
export { runSolve } from "./run-solve";
export { pageCommandScripts } from "./self-test/page-commands";
export {
  MAX_FAILURE_OUTPUT,
  type ScenarioTestReport,
  ScenarioTestReportSchema,
  type StepTestResult,
  StepTestResultSchema,
  type StepTestStatus,
} from "./self-test/self-test-report";
export { type SelfTestEvent, type TestScenarioOptions, testScenario } from "./self-test/test-scenario";
export { type TestScenariosOptions, testScenarios } from "./self-test/test-scenarios";
export { type ShownStep, showStep } from "./show-step";
export { type LabStage, type StartLabOptions, startLab } from "./start-lab";
