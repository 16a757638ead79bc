export { parseYamlDocument, toProblems, formatPath } from './yaml-document.ts';
export type { DocumentProblem, DocumentResult, ParsedDocument } from './yaml-document.ts';
export { locate } from './yaml-location.ts';
export type { TextPosition } from './yaml-location.ts';
