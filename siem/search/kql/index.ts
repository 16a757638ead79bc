export { parseKql, MAX_KQL_DEPTH } from './parser.ts';
export type { ParseKqlOptions } from './parser.ts';
export { formatKql } from './format.ts';
export { collectFields } from './collect-fields.ts';
export { toElasticsearchQuery } from './to-elasticsearch.ts';
export type { ElasticsearchQuery, ElasticsearchQueryOptions } from './to-elasticsearch.ts';
export { kqlUnsupportedError, positionAt } from './kql-error.ts';
export type { KqlPosition } from './kql-error.ts';
export type {
  KqlAnd,
  KqlExists,
  KqlField,
  KqlMatch,
  KqlMatchAll,
  KqlNode,
  KqlNot,
  KqlOr,
  KqlPatternPart,
  KqlRange,
  KqlRangeOp,
  KqlSpan,
  KqlValue,
} from './ast.ts';
