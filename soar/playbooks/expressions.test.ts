import { describe, expect, it } from 'vitest';
import {
  ExpressionError,
  compileExpression,
  isTruthy,
  renderTemplates,
  templatesIn,
} from './expressions.ts';

const context = {
  alert: {
    title: 'Encoded PowerShell',
    severity: 'high',
    observables: [
      { kind: 'ip', value: '203.0.113.7' },
      { kind: 'hash', value: 'ab'.repeat(32) },
      { kind: 'ip', value: '198.51.100.2' },
    ],
  },
  steps: { enrich: { output: { matched: true, score: 87 } } },
  vars: { channel: '#soc' },
};

describe('playbook expressions (JSONata)', () => {
  it('evaluates conditions and paths over the run context', async () => {
    expect(
      await compileExpression('alert.severity in ["high", "critical"]').evaluate(context),
    ).toBe(true);
    expect(await compileExpression('${{ steps.enrich.output.score > 50 }}').evaluate(context)).toBe(
      true,
    );
    expect(
      await compileExpression('alert.observables[kind = "ip"].value').evaluate(context),
    ).toEqual(['203.0.113.7', '198.51.100.2']);
    expect(await compileExpression('alert.missing.field').evaluate(context)).toBeUndefined();
  });

  it('renders templates: a whole template keeps its type, text interpolates', async () => {
    const rendered = await renderTemplates(
      {
        text: 'Alert ${{ alert.title }} (${{ steps.enrich.output.score }}) to ${{ vars.channel }}',
        ips: '${{ alert.observables[kind = "ip"].value }}',
        score: '${{ steps.enrich.output.score }}',
        nothing: '${{ alert.nope }}',
        list: ['${{ vars.channel }}', 3],
        plain: 'no templates',
      },
      context,
    );
    expect(rendered).toEqual({
      text: 'Alert Encoded PowerShell (87) to #soc',
      ips: ['203.0.113.7', '198.51.100.2'],
      score: 87,
      nothing: null,
      list: ['#soc', 3],
      plain: 'no templates',
    });
  });

  it('reports syntax errors with their position, and has no way out of its context', async () => {
    expect(() => compileExpression('alert.title = ')).toThrow(ExpressionError);
    try {
      compileExpression('alert.(title');
    } catch (err) {
      expect((err as ExpressionError).position).toBeGreaterThan(0);
    }
    // No JavaScript is reachable: these are JSONata paths over an empty context, not globals.
    expect(await compileExpression('process.env').evaluate(context)).toBeUndefined();
    expect(await compileExpression('$eval("constructor")').evaluate(context)).toBeUndefined();
    await expect(
      compileExpression('($x := function(){ $x() }; $x())').evaluate(context),
    ).rejects.toThrow(ExpressionError);
  });

  it('stops an expression that runs too long', async () => {
    await expect(
      compileExpression('$count([1..1000000].($string($) & "x"))').evaluate(context),
    ).rejects.toThrow(/too long|sequence|exceed|maximum/i);
  });

  it('finds every template in inputs, and uses JSONata truthiness', () => {
    expect(templatesIn({ a: 'x ${{ one }} ${{ two }}', b: ['${{ three }}'], c: 1 })).toEqual([
      { path: ['a'], source: ' one ' },
      { path: ['a'], source: ' two ' },
      { path: ['b', 0], source: ' three ' },
    ]);
    expect([undefined, null, false, 0, '', [], [false]].map(isTruthy)).toEqual(
      Array(7).fill(false),
    );
    expect([true, 1, 'x', {}, [0, 1]].map(isTruthy)).toEqual(Array(5).fill(true));
  });
});
