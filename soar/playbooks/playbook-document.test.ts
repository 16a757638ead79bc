import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isSecOpsError } from '../../platform/errors/index.ts';
import { createSecretScanner } from '../../platform/redaction/index.ts';
import type { ActionCatalog, ActionDefinition } from './actions/action.ts';
import { parsePlaybook } from './playbook-document.ts';

const notify: ActionDefinition<{ text: string; channel?: string | undefined }> = {
  name: 'chat.post',
  description: 'test action',
  input: z.strictObject({ text: z.string(), channel: z.string().optional() }),
  integration: 'chat',
  idempotent: false,
  run: () => Promise.resolve({}),
};
const catalog: ActionCatalog = new Map([[notify.name, notify as ActionDefinition<never>]]);

function problemsOf(text: string): { message: string; issues: string[] } {
  try {
    parsePlaybook({ name: 'pb.yaml', text }, catalog);
  } catch (err) {
    if (!isSecOpsError(err) || err.code !== 'SOAR_PLAYBOOK_INVALID') throw err;
    return { message: err.message, issues: err.issues.map((i) => `${i.path}: ${i.message}`) };
  }
  throw new Error('expected the playbook to be refused');
}

const VALID = `id: contain-powershell
name: Contain encoded PowerShell
trigger:
  alert:
    severities: [high, critical]
    tags: [attack.t1059.001]
    where: alert.host.name != "build-01"
vars:
  channel: "#soc"
steps:
  - id: tell
    action: chat.post
    with:
      text: "Alert \${{ alert.title }} on \${{ alert.host.name }}"
      channel: \${{ vars.channel }}
  - id: approve
    needs: [tell]
    action: approval
    with: { prompt: Isolate the host?, timeout: 15m }
  - id: follow_up
    needs: [approve]
    if: \${{ steps.approve.output.approved }}
    for_each: alert.observables[kind = "ip"].value
    action: chat.post
    with: { text: "blocking \${{ item }}" }
    retry: { attempts: 3, delay: 2s }
`;

describe('playbook documents', () => {
  it('accepts a valid playbook and fills defaults', () => {
    const playbook = parsePlaybook({ name: 'pb.yaml', text: VALID }, catalog);
    expect(playbook.id).toBe('contain-powershell');
    expect(playbook.enabled).toBe(true);
    expect(playbook.steps.map((s) => [s.id, s.needs, s.when, s.timeout])).toEqual([
      ['tell', [], 'success', '60s'],
      ['approve', ['tell'], 'success', '60s'],
      ['follow_up', ['approve'], 'success', '60s'],
    ]);
    expect(playbook.steps[2]?.retry).toEqual({ attempts: 3, backoff: 'exponential', delay: '2s' });
  });

  it('names the file, line and field of a schema problem', () => {
    const { message, issues } = problemsOf(VALID.replace('timeout: 15m', 'timeout: soon'));
    expect(message).toMatch(/^pb\.yaml:19:\d+: steps\[1\]\.with\.timeout: /);
    expect(issues[0]).toMatch(/a duration such as/);
    const unknownKey = problemsOf(
      VALID.replace(
        '    action: chat.post\n    with:\n',
        '    action: chat.post\n    retires: 2\n    with:\n',
      ),
    );
    expect(unknownKey.message).toMatch(/^pb\.yaml:13:5: steps\[0\]\.retires: /);
  });

  it('refuses unknown actions, unknown and missing inputs', () => {
    const { issues } = problemsOf(
      VALID.replace(
        'action: chat.post\n    with:\n      text',
        'action: chat.shout\n    with:\n      text',
      ).replace('with: { text: "blocking ${{ item }}" }', 'with: { txt: "blocking ${{ item }}" }'),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^pb\.yaml:12:\d+ steps\[0\]\.action: unknown action chat\.shout$/),
      expect.stringMatching(/^pb\.yaml:\d+:\d+ steps\[2\]\.with\.txt: unknown input txt/),
      expect.stringMatching(/^pb\.yaml:\d+:\d+ steps\[2\]\.with: missing input text$/),
    ]);
  });

  it('refuses duplicate ids, unknown needs and cycles', () => {
    expect(problemsOf(VALID.replace('id: approve', 'id: tell')).issues).toContainEqual(
      expect.stringMatching(/steps\[1\]\.id: step id tell is already used by step 1/),
    );
    expect(problemsOf(VALID.replace('needs: [tell]', 'needs: [nobody]')).issues).toContainEqual(
      expect.stringMatching(/steps\[1\]\.needs: needs unknown step nobody/),
    );
    const cyclic = VALID.replace(
      '      text: "Alert',
      '    needs: [follow_up]\n    with:\n      text: "Alert',
    ).replace('    action: chat.post\n    with:\n    needs', '    action: chat.post\n    needs');
    const cycle = problemsOf(
      cyclic.replace(
        '    with:\n    needs: [follow_up]\n    with:',
        '    needs: [follow_up]\n    with:',
      ),
    );
    expect(cycle.issues.join('\n')).toMatch(/cycle: (tell|approve|follow_up) → .* → \1/);
  });

  it('refuses bad expressions, reads of steps not needed, and bad cron', () => {
    const { issues } = problemsOf(
      VALID.replace('where: alert.host.name != "build-01"', 'where: alert.host.name !=')
        .replace('channel: ${{ vars.channel }}', 'channel: ${{ steps.follow_up.output }}')
        .replace('  alert:\n', '  schedule: { cron: "61 * * * *" }\n  alert:\n'),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/trigger\.alert\.where: expression/),
        expect.stringMatching(/trigger\.schedule\.cron: not a cron expression/),
        expect.stringMatching(
          /steps\[0\]\.with\.channel: reads steps\.follow_up, which is not among the steps it needs/,
        ),
      ]),
    );
  });

  it('refuses a trigger with nothing to start it and YAML that does not parse', () => {
    expect(problemsOf(VALID.replace(/trigger:\n( {2}.*\n)+/, 'trigger: {}\n')).message).toMatch(
      /pb\.yaml:\d+:\d+: trigger: a trigger needs alert, schedule, sla_breach or manual/,
    );
    expect(problemsOf('id: x\nname: [unclosed\n').message).toMatch(
      /^pb\.yaml:\d+:\d+: not valid YAML/,
    );
  });

  it('refuses a literal credential, naming its line and field but not the credential', () => {
    const scanner = createSecretScanner();
    const hook = 'https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/abcdefghijklmnopqrstuvwx';
    const text = VALID.replace('channel: "#soc"', `channel: "${hook}"`).replace(
      'text: "blocking ${{ item }}"',
      'text: "blocking ${{ item }}", channel: { secret: chat/channel }',
    );
    let refused: unknown;
    try {
      parsePlaybook({ name: 'pb.yaml', text }, catalog, { findCredentials: scanner.scan });
    } catch (err) {
      refused = err;
    }
    expect(refused).toMatchObject({
      code: 'SOAR_PLAYBOOK_INVALID',
      message: expect.stringMatching(
        /^pb\.yaml:9:12: vars\.channel: a literal credential \(slack-webhook-url\): store it under \/secrets/,
      ) as string,
    });
    expect(JSON.stringify(refused)).not.toContain('abcdefghijklmnopqrstuvwx');
    expect((refused as Error).message).not.toContain('abcdefghijklmnopqrstuvwx');
    // Without the literal: secret references and templates are not credentials.
    expect(
      parsePlaybook({ name: 'pb.yaml', text: text.replace(`"${hook}"`, '"#soc"') }, catalog, {
        findCredentials: scanner.scan,
      }).id,
    ).toBe('contain-powershell');
  });
});
