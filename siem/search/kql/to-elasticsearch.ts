import type { estypes } from '@elastic/elasticsearch';
import { SiemError } from '../../errors.ts';
import type { KqlField, KqlNode, KqlPatternPart, KqlRange, KqlValue } from './ast.ts';

/** An Elasticsearch query DSL clause. */
export type ElasticsearchQuery = estypes.QueryDslQueryContainer;

/** Options of {@link toElasticsearchQuery}. */
export interface ElasticsearchQueryOptions {
  /**
   * Mapping type of each known field (`keyword`, `text`, `date`, `long`, `ip`, ...), e.g. from
   * `_field_caps`. Decides `term` (keyword) vs `match` (text) vs a one-value `range` (dates),
   * and expands field patterns (`winlog.event_data.*`) into the known fields they match. Without
   * it every field is treated as Kibana does for an unknown field.
   */
  readonly fieldTypes?: Readonly<Record<string, string>>;
  /**
   * Add `case_insensitive: true` to `term` and `wildcard` queries so keyword fields match
   * regardless of case, as the embedded store does. Default `true`.
   */
  readonly caseInsensitive?: boolean;
  /** Time zone (`Europe/Paris`, `+01:00`) applied to comparisons on known date fields. */
  readonly timeZone?: string;
  /**
   * Clause that holds the children of `and`: `filter` (default, as Kibana: no scoring, cacheable)
   * or `must` when relevance scores matter.
   */
  readonly andClause?: 'filter' | 'must';
  /** Fields searched by free text; default: the index's `index.query.default_field` (`*`). */
  readonly freeTextFields?: readonly string[];
}

type FieldClass = 'keyword' | 'text' | 'date' | 'other' | 'unknown';

const KEYWORD_TYPES = new Set(['keyword', 'constant_keyword', 'wildcard']);
const TEXT_TYPES = new Set(['text', 'match_only_text']);
const DATE_TYPES = new Set(['date', 'date_nanos']);
// Characters query_string reserves (the set Kibana escapes), plus its operator words.
const QUERY_STRING_RESERVED = /[+\-=&|><!(){}[\]^"~*?:\\/]/g;
const QUERY_STRING_OPERATOR = /(^|\s)(AND|OR|NOT)(?=\s|$)/g;

/**
 * Compiles a KQL syntax tree to the Elasticsearch query DSL, following Kibana's KQL compiler:
 * `and` → `bool.filter`, `or` → `bool.should` with `minimum_should_match: 1`, `not` →
 * `bool.must_not`; free text → `multi_match` (`best_fields`, or `phrase` when quoted, `lenient`)
 * and `query_string` for wildcards; `field:*` → `exists`; ranges → `range`.
 *
 * @throws SiemError `SIEM_QUERY_UNSUPPORTED` for a range over a field pattern that `fieldTypes`
 *   cannot expand (Elasticsearch's `range` takes one concrete field).
 */
export function toElasticsearchQuery(
  node: KqlNode,
  options: ElasticsearchQueryOptions = {},
): ElasticsearchQuery {
  return new Compiler(options).compile(node);
}

class Compiler {
  private readonly options: ElasticsearchQueryOptions;

  constructor(options: ElasticsearchQueryOptions) {
    this.options = options;
  }

  compile(node: KqlNode): ElasticsearchQuery {
    switch (node.type) {
      case 'match_all':
        return { match_all: {} };
      case 'and':
        return {
          bool: { [this.options.andClause ?? 'filter']: node.children.map((c) => this.compile(c)) },
        };
      case 'or':
        return {
          bool: { should: node.children.map((c) => this.compile(c)), minimum_should_match: 1 },
        };
      case 'not':
        return { bool: { must_not: [this.compile(node.child)] } };
      case 'exists':
        // `exists` accepts field patterns itself.
        return { exists: { field: fieldText(node.field) } };
      case 'range':
        return this.range(node);
      case 'match':
        return node.field === null ? this.freeText(node.value) : this.match(node.field, node.value);
    }
  }

  private freeText(value: KqlValue): ElasticsearchQuery {
    const fields = this.options.freeTextFields;
    const withFields = fields === undefined ? {} : { fields: [...fields] };
    if (value.kind === 'wildcard') {
      return { query_string: { query: queryStringPattern(value.parts), ...withFields } };
    }
    const type = value.kind === 'phrase' ? 'phrase' : 'best_fields';
    return { multi_match: { type, query: value.text, lenient: true, ...withFields } };
  }

  private match(field: KqlField, value: KqlValue): ElasticsearchQuery {
    const names = this.resolve(field);
    if (names !== null) return anyOf(names.map((name) => this.matchField(name, value)));
    // An unexpanded pattern: only multi_match and query_string take field patterns.
    const pattern = fieldText(field);
    if (value.kind === 'wildcard') {
      return { query_string: { query: queryStringPattern(value.parts), fields: [pattern] } };
    }
    const type = value.kind === 'phrase' ? 'phrase' : 'best_fields';
    return { multi_match: { type, query: value.text, fields: [pattern], lenient: true } };
  }

  private matchField(name: string, value: KqlValue): ElasticsearchQuery {
    const fieldClass = this.classify(name);
    if (value.kind === 'wildcard') {
      if (fieldClass === 'keyword' || fieldClass === 'unknown') {
        return {
          wildcard: { [name]: { value: wildcardPattern(value.parts), ...this.caseFlag() } },
        };
      }
      const lenient = fieldClass === 'text' ? {} : { lenient: true };
      return {
        query_string: { query: queryStringPattern(value.parts), fields: [name], ...lenient },
      };
    }
    if (fieldClass === 'keyword') {
      return { term: { [name]: { value: value.text, ...this.caseFlag() } } };
    }
    if (fieldClass === 'date') {
      return { range: { [name]: { gte: value.text, lte: value.text, ...this.timeZone() } } };
    }
    if (value.kind === 'phrase') return { match_phrase: { [name]: value.text } };
    return { match: { [name]: value.text } };
  }

  private range(node: KqlRange): ElasticsearchQuery {
    const names = this.resolve(node.field);
    if (names === null) {
      throw new SiemError(
        'SIEM_QUERY_UNSUPPORTED',
        `a range over the field pattern '${fieldText(node.field)}' needs the field types to expand it`,
        { details: { field: fieldText(node.field), ...(node.span ? { span: node.span } : {}) } },
      );
    }
    return anyOf(
      names.map((name) => {
        const timeZone = this.classify(name) === 'date' ? this.timeZone() : {};
        return { range: { [name]: { [node.op]: node.value, ...timeZone } } };
      }),
    );
  }

  /** Concrete field names for a field; `null` for a pattern no known field matches. */
  private resolve(field: KqlField): string[] | null {
    if (field.kind === 'name') return [field.name];
    const types = this.options.fieldTypes;
    if (types === undefined) return null;
    const regex = patternRegExp(field.parts);
    const names = Object.keys(types).filter((name) => regex.test(name));
    return names.length > 0 ? names : null;
  }

  private classify(name: string): FieldClass {
    const types = this.options.fieldTypes;
    const type = types !== undefined && Object.hasOwn(types, name) ? types[name] : undefined;
    if (type === undefined) return 'unknown';
    if (KEYWORD_TYPES.has(type)) return 'keyword';
    if (TEXT_TYPES.has(type)) return 'text';
    if (DATE_TYPES.has(type)) return 'date';
    return 'other';
  }

  private caseFlag(): { case_insensitive?: true } {
    return this.options.caseInsensitive === false ? {} : { case_insensitive: true };
  }

  private timeZone(): { time_zone?: string } {
    const { timeZone } = this.options;
    return timeZone === undefined ? {} : { time_zone: timeZone };
  }
}

function anyOf(queries: ElasticsearchQuery[]): ElasticsearchQuery {
  const [only] = queries;
  if (queries.length === 1 && only !== undefined) return only;
  return { bool: { should: queries, minimum_should_match: 1 } };
}

function fieldText(field: KqlField): string {
  return field.kind === 'name'
    ? field.name
    : field.parts.map((p) => (p.kind === 'any' ? '*' : p.text)).join('');
}

/** Pattern for the `wildcard` query, whose escape character is the backslash. */
function wildcardPattern(parts: readonly KqlPatternPart[]): string {
  return parts.map((p) => (p.kind === 'any' ? '*' : p.text.replace(/[\\*?]/g, '\\$&'))).join('');
}

/** Pattern for `query_string`: reserved characters and operator words escaped, `*` kept. */
function queryStringPattern(parts: readonly KqlPatternPart[]): string {
  return parts
    .map((p) =>
      p.kind === 'any'
        ? '*'
        : p.text.replace(QUERY_STRING_RESERVED, '\\$&').replace(QUERY_STRING_OPERATOR, '$1\\$2'),
    )
    .join('');
}

function patternRegExp(parts: readonly KqlPatternPart[]): RegExp {
  const body = parts
    .map((p) => (p.kind === 'any' ? '[\\s\\S]*' : p.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}
