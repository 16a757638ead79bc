import type { KqlField, KqlNode } from './ast.ts';

/**
 * Every field a query names (free text names none), each once, in order of first appearance.
 * Field patterns come back as patterns; expanding them is the caller's business.
 */
export function collectFields(node: KqlNode): KqlField[] {
  const seen = new Map<string, KqlField>();
  const visit = (n: KqlNode): void => {
    switch (n.type) {
      case 'and':
      case 'or':
        n.children.forEach(visit);
        return;
      case 'not':
        visit(n.child);
        return;
      case 'match':
      case 'exists':
      case 'range': {
        const { field } = n;
        if (field === null) return;
        const key = field.kind === 'name' ? `name:${field.name}` : JSON.stringify(field.parts);
        if (!seen.has(key)) seen.set(key, field);
        return;
      }
      case 'match_all':
        return;
    }
  };
  visit(node);
  return [...seen.values()];
}
