export { detectParser, parseRecord } from './detect.ts';
export { ECS_VERSION } from './ecs-draft.ts';
export { toSiemError } from './parse-result.ts';
export { JSON_DETECTION_ORDER, TEXT_DETECTION_ORDER, parsers } from './registry.ts';
export type {
  EcsDocument,
  JsonObject,
  JsonValue,
  ParseContext,
  ParseFailure,
  ParseResult,
  Parser,
  ParserId,
  RawRecord,
} from './parser.ts';
