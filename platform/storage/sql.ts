/** SQL dialects the relational port supports. */
export type SqlDialect = 'sqlite' | 'postgres';

/** Values a query can bind. Flags are bound as integers 0/1 in both dialects. */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

type Part = string | SqlValue | SqlFragment | DialectChoice;

interface DialectChoice {
  readonly kind: 'dialect';
  readonly choices: Readonly<Record<SqlDialect, SqlFragment>>;
}

/**
 * A piece of SQL with its bound values kept apart from the text. Built with the `sql` tag; the
 * adapter renders it with its dialect's placeholders. Interpolated values are always bound,
 * never spliced into the text.
 */
export class SqlFragment {
  readonly strings: readonly string[];
  readonly parts: readonly Part[];

  constructor(strings: readonly string[], parts: readonly Part[]) {
    this.strings = strings;
    this.parts = parts;
  }
}

export interface RenderedSql {
  readonly text: string;
  readonly values: SqlValue[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Tagged template: `sql\`select * from alerts where id = ${id}\``. */
export function sql(
  strings: TemplateStringsArray,
  ...values: readonly (SqlValue | SqlFragment)[]
): SqlFragment {
  return new SqlFragment([...strings], values);
}

/** Raw SQL text with no bound values. Only for constant text written in the code, never input. */
sql.raw = (text: string): SqlFragment => new SqlFragment([text], []);

/** A quoted identifier (table or column) after checking it is a plain name. */
sql.ident = (name: string): SqlFragment => {
  if (!IDENTIFIER.test(name))
    throw new TypeError(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return sql.raw(`"${name}"`);
};

/** Joins fragments with a separator (`, ` by default). */
sql.join = (fragments: readonly SqlFragment[], separator = ', '): SqlFragment => {
  if (fragments.length === 0) return sql.raw('');
  const strings = [''];
  for (let i = 1; i < fragments.length; i++) strings.push(separator);
  strings.push('');
  return new SqlFragment(strings, fragments);
};

/** Different SQL per dialect, for the few places where the dialects differ. */
sql.dialect = (choices: Readonly<Record<SqlDialect, SqlFragment>>): SqlFragment =>
  new SqlFragment(['', ''], [{ kind: 'dialect', choices }]);

/** Renders a fragment with the dialect's placeholders (`?` or `$n`). */
export function renderSql(fragment: SqlFragment, dialect: SqlDialect): RenderedSql {
  const values: SqlValue[] = [];
  let text = '';
  const visit = (f: SqlFragment): void => {
    f.strings.forEach((s, i) => {
      text += s;
      if (i >= f.parts.length) return;
      const part = f.parts[i] as Part;
      if (part instanceof SqlFragment) visit(part);
      else if (typeof part === 'object' && part !== null && !(part instanceof Uint8Array))
        visit(part.choices[dialect]);
      else {
        values.push(typeof part === 'boolean' ? (part ? 1 : 0) : part);
        text += dialect === 'postgres' ? `$${values.length}` : '?';
      }
    });
  };
  visit(fragment);
  return { text, values };
}
