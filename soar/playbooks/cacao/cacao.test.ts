import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSecOpsError } from '../../../platform/errors/index.ts';
import { createOutboundHttp } from '../../../platform/outbound/index.ts';
import { requireOrSkip } from '../../../test/support/services.ts';
import type { ActionCatalog } from '../actions/action.ts';
import { httpActions } from '../actions/http-actions.ts';
import { parsePlaybook } from '../playbook-document.ts';
import type { PlaybookDefinition } from '../playbook-schema.ts';
import { EXTENSION_ID } from './cacao-extension.ts';
import { uuidV5 } from './cacao-ids.ts';
import { exportCacao, importCacao } from './cacao.ts';
import type { CacaoDocument } from './cacao.ts';

const catalog: ActionCatalog = new Map(
  httpActions(createOutboundHttp({})).map((action) => [action.name, action]),
);
const NOW = Date.UTC(2025, 0, 31, 12, 0, 0, 250);

/** The issues of a refused import, as `path: message`. */
function refusal(document: unknown): { message: string; issues: string[] } {
  try {
    importCacao(document, { catalog, source: 'doc.json' });
  } catch (err) {
    if (!isSecOpsError(err) || err.code !== 'SOAR_PLAYBOOK_INVALID') throw err;
    return { message: err.message, issues: err.issues.map((i) => `${i.path}: ${i.message}`) };
  }
  throw new Error('expected the document to be refused');
}

const ours = (name: string, text: string): PlaybookDefinition =>
  parsePlaybook({ name, text }, catalog);

// ---------------------------------------------------------------------------------------------
// The published schemas and public examples (../shared/testdata/cacao, see its SOURCE.txt).

const TESTDATA = fileURLToPath(new URL('../../../../shared/testdata/cacao', import.meta.url));
const testdata = requireOrSkip(
  'CACAO schemas and examples',
  existsSync(TESTDATA)
    ? { ok: true, value: TESTDATA }
    : { ok: false, reason: `${TESTDATA} is not there` },
);
const skipped = testdata === undefined ? ` (skipped: ${TESTDATA} is not there)` : '';

const jsonFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .sort();

/** SOURCE.txt "Mode A": draft-07 Ajv, strict off, every schema file added. */
function playbookValidator(root: string): (document: unknown) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const schemas = join(root, 'schemas');
  for (const file of jsonFiles(schemas))
    ajv.addSchema(JSON.parse(readFileSync(join(schemas, file), 'utf8')) as object);
  const validate = ajv.getSchema(
    'https://raw.githubusercontent.com/oasis-open/cacao-json-schemas/main/schemas/playbook.json',
  );
  if (validate === undefined) throw new Error('playbook.json schema not loaded');
  return (document) =>
    validate(document)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

type Expectation =
  | { readonly imports: (playbook: PlaybookDefinition, warnings: readonly string[]) => void }
  | { readonly refused: readonly RegExp[] };

const NOT_A_PLAYBOOK: Expectation = { refused: [/^type: must be "playbook", found/] };
const SOARCA_MAIN_FLOW = (playbook: PlaybookDefinition, warnings: readonly string[]): void => {
  expect(playbook.id).toBe('soarca-main-flow');
  expect(playbook.trigger).toEqual({ manual: true });
  expect(playbook.steps.map((s) => [s.id, s.action, s.needs, s.when])).toEqual([
    ['imc_assets_by_cve', 'http.request', [], 'success'],
    ['bia_for_cve', 'http.request', ['imc_assets_by_cve'], 'success'],
    ['generate_coas', 'http.request', ['bia_for_cve'], 'success'],
    ['bia_for_coas', 'http.request', ['generate_coas'], 'success'],
  ]);
  expect(playbook.steps[0]?.with).toEqual({ url: 'http://__imc_address__/by/__cve__' });
  expect(warnings).toContain(
    'step "IMC assets by CVE": __imc_address__, __cve__ are not declared with a value; left as written',
  );
  expect(warnings).toContain(
    'workflow_start action--a76dbc32-b739-427b-ae13-4ec703d5797e is an action step, not a start step; the workflow starts with it',
  );
};

/** Every JSON file under examples/, and what importing it gives. */
const EXAMPLES: Readonly<Record<string, Expectation>> = {
  'oasis-tcs/Common-Objects/Data-Markings/marking-tlp--55d920b0-5e8b-4f79-9ee9-91f868d9b421.json':
    NOT_A_PLAYBOOK,
  'oasis-tcs/Common-Objects/Data-Markings/marking-tlp--939a9414-2ddd-4d32-a0cd-375ea402b003.json':
    NOT_A_PLAYBOOK,
  'oasis-tcs/Common-Objects/Data-Markings/marking-tlp--94868c89-83c2-464b-929b-a1a8aa3c8487.json':
    NOT_A_PLAYBOOK,
  'oasis-tcs/Common-Objects/Data-Markings/marking-tlp--bab4a63c-aed9-4cf5-a766-dfca5abac2bb.json':
    NOT_A_PLAYBOOK,
  'oasis-tcs/Common-Objects/Data-Markings/marking-tlp--e828b379-4e03-4974-9ac4-e53a884c97c1.json':
    NOT_A_PLAYBOOK,
  'oasis-tcs/Common-Objects/Identity/identity--5abe695c-7bd5-4c31-8824-2528696cdbf1.json': {
    refused: [/^type: must be "playbook", found "identity"$/],
  },
  'oasis-tcs/Common-Objects/Identity/identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a.json':
    NOT_A_PLAYBOOK,
  'oasis-tcs/Examples/CACAO-2.0/identity-object.json': {
    refused: [/^type: must be "playbook", found "identity"$/, /^spec_version: must be "cacao-2.0"/],
  },
  'oasis-tcs/Examples/CACAO-2.0/basic-example-1.json': {
    refused: [
      /^workflow\.action--6398eb05-3eb8-43f5-87d3-f24e07492a41\.commands\[0\]\.type: ssh commands are not supported: .* \(step "Block MAC address"\)$/,
    ],
  },
  'oasis-tcs/Examples/CACAO-2.0/locky-bart-mbc-examples.json': {
    refused: [
      /^workflow\.action--cdc2f237-8823-413b-8beb-84a612be0ae8\.commands\[0\]\.type: bash commands are not supported/,
      /^workflow\.action--3fdb51db-2548-4beb-ab7d-f52b3ab1e5ed\.commands\[0\]\.type: unknown command type ftp /,
      /\.commands\[0\]\.type: unknown command type subroutine \(step "Encrypt Files"\)/,
      /^workflow\.action--191bce6e-2fea-4a7e-b4a5-c0d96f129a8d\.targets\[0\]: target security-category--acc1cff5-af87-4caa-8529-84b08c187653 is not defined in target_definitions$/,
    ],
  },
  'oasis-tcs/Examples/CACAO-2.0/spec-3.1-example.json': {
    imports: (playbook, warnings) => {
      expect(playbook.id).toBe('find-malware-fuzzypanda');
      expect(playbook.vars).toEqual({ data_exfil_site: '1.2.3.4' });
      expect(playbook.steps).toHaveLength(1);
      expect(playbook.steps[0]).toMatchObject({
        id: 'ip_lookup',
        action: 'approval',
        with: { prompt: 'Look up IP ${{ vars.data_exfil_site }} in SIEM' },
        needs: [],
      });
      expect(warnings).toEqual([]);
    },
  },
  'oasis-tcs/Extensions/layout/examples/playbook--aa1898b6-5251-49b4-aeb7-fd5e912583ff.json': {
    refused: [
      /^workflow\.switch-condition--72c55a11-5091-4714-8050-baa854d72eda\.type: switch-condition steps are not supported: their conditions are STIX patterns/,
    ],
  },
  'oasis-tcs/Extensions/layout/extension-definition/extension-definition--418ee24c-9cb1-46d9-afa5-309e01aabc7f.json':
    { refused: [/^type: must be "playbook", found "extension-definition"$/] },
  'oasis-tcs/Extensions/layout/schemas/canvas.json': NOT_A_PLAYBOOK,
  'oasis-tcs/Extensions/layout/schemas/connection.json': NOT_A_PLAYBOOK,
  'oasis-tcs/Extensions/layout/schemas/coordinates.json': NOT_A_PLAYBOOK,
  'oasis-tcs/Extensions/layout/schemas/layout.json': NOT_A_PLAYBOOK,
  'soarca/examples/fin-playbook.json': {
    refused: [
      /^workflow\.action--2fd6bca0-24ed-4d74-8eae-da126a84f7c4\.agent: not a CACAO identifier \(type--uuid\): "soarca-fin-pong-f896bb3b-bb37-429e-8ece-2d4286cf326d"$/,
      /^workflow\.action--2fd6bca0-24ed-4d74-8eae-da126a84f7c4\.commands\[0\]\.type: unknown command type pong /,
    ],
  },
  'soarca/examples/http-playbook.json': {
    imports: (playbook) => {
      expect(playbook.id).toBe('example-http');
      expect(playbook.name).toBe('Example http');
      expect(playbook.description).toBe('This playbook is to demonstrate the http functionality');
      expect(playbook.steps).toEqual([
        {
          id: 'get',
          name: 'get',
          action: 'http.request',
          // "GET get HTTP1.1" against the http-api target's dname httpbin.org, port 80.
          with: { url: 'http://httpbin.org/get' },
          needs: [],
          when: 'success',
          max_parallel: 5,
          timeout: '60s',
          continue_on_error: false,
        },
      ]);
    },
  },
  'soarca/examples/manual-playbook.json': {
    imports: (playbook, warnings) => {
      expect(playbook.steps.map((s) => [s.id, s.action, s.with, s.needs])).toEqual([
        [
          'manual',
          'approval',
          { prompt: 'prepare Falcon for hyperspeed jump', timeout: '100s' },
          [],
        ],
      ]);
      expect(warnings).toEqual([
        'step "manual": out_args are ignored (later steps read a step\'s result as steps.<id>.output)',
      ]);
    },
  },
  'soarca/examples/openc2-playbook.json': {
    refused: [
      /^workflow\.action--eb9372d4-d524-49fc-bf24-be26ea084779\.commands\[0\]\.type: openc2 commands are not supported \(step "openc2"\)$/,
    ],
  },
  'soarca/examples/powershell-playbook.json': {
    refused: [/\.commands\[0\]\.type: powershell commands are not supported: /],
  },
  'soarca/examples/ssh-playbook.json': {
    refused: [
      /^workflow\.action--eb9372d4-d524-49fc-bf24-be26ea084779\.commands\[0\]\.type: ssh commands are not supported: .*\(step "Execute command"\)$/,
      /^workflow\.action--88f4c4df-fa96-44e6-b310-1c06d193ea55\.commands\[0\]\.type: ssh commands are not supported: .*\(step "Touch file"\)$/,
    ],
  },
  'soarca/test/playbooks/changed-playbook.json': {
    refused: [/^workflow: must be an object of workflow steps keyed by step id, found an array$/],
  },
  'soarca/test/playbooks/infinite_playbook.json': {
    refused: [
      /^workflow\.action--6b23c237-ade8-4d00-9aa1-75999738d557\.on_completion: the workflow loops: action--6b23c237-ade8-4d00-9aa1-75999738d557 → action--6b23c237-ade8-4d00-9aa1-75999738d557$/,
    ],
  },
  // SOARCA refuses its agent's malformed contact e-mail; contact details are not read here.
  'soarca/test/playbooks/invalid_email_playbook.json': { imports: SOARCA_MAIN_FLOW },
  'soarca/test/playbooks/invalid_playbook.json': {
    refused: [
      /^agent_definitions\.http-api--7e9174ec-a293-43df-a72d-471c79e276bf\.type: an http-api--… agent must have type "http-api", found "invalid"$/,
    ],
  },
  'soarca/test/playbooks/missing_step_playbook.json': {
    refused: [
      /^workflow\.action--2190f685-1857-44ac-ad0e-0ded6c6ef3ce\.on_completion: step end--6b23c237-ade8-4d00-9aa1-75999738d558 does not exist$/,
    ],
  },
  'soarca/test/playbooks/parallels_playbook.json': {
    imports: (playbook, warnings) => {
      // The parallel step fans out to one action and one end step; the ends disappear.
      expect(playbook.steps.map((s) => [s.id, s.with, s.needs])).toEqual([
        ['bia_for_cve', { url: 'http://__bia_address__/analysisreport/__cve__' }, []],
      ]);
      expect(warnings).toContain(
        'workflow_start parallel--a76dbc32-b739-427b-ae13-4ec703d5797e is a parallel step, not a start step; the workflow starts with it',
      );
    },
  },
  'soarca/test/playbooks/playbook.json': {
    imports: (playbook, warnings) => {
      SOARCA_MAIN_FLOW(playbook, warnings);
      expect(playbook.vars).toEqual({ var1: 'A random string' });
      // The step's constant step variable __bia_address__ is written in; elsewhere it is unknown.
      expect(playbook.steps[1]?.with).toEqual({
        url: 'http://192.168.0.1/analysisreport/__cve__',
      });
      expect(playbook.steps[3]?.with).toEqual({
        url: 'http://__bia_address__/analysisreport/__coa_list__',
      });
      expect(warnings).toContain(
        'workflow_exception end--40131926-89e9-44df-a018-5f92f2df7914 is not in the workflow; ignored',
      );
    },
  },
};

describe.skipIf(testdata === undefined)(`the CACAO testdata${skipped}`, () => {
  const root = testdata ?? '';
  const examples = join(root, 'examples');
  const read = (file: string): unknown => JSON.parse(readFileSync(join(examples, file), 'utf8'));

  it('is the set SOURCE.txt lists (51 schema files, 30 example files)', () => {
    expect(jsonFiles(join(root, 'schemas'))).toHaveLength(51);
    expect(jsonFiles(examples)).toEqual(Object.keys(EXAMPLES).sort());
  });

  it('validates the examples as SOURCE.txt "Mode A" says (13 valid playbooks, 4 invalid)', () => {
    const validate = playbookValidator(root);
    const playbooks = jsonFiles(examples).filter(
      (file) => (read(file) as { type?: unknown }).type === 'playbook',
    );
    expect(playbooks).toHaveLength(17);
    expect(playbooks.filter((file) => validate(read(file)).length > 0)).toEqual([
      'oasis-tcs/Extensions/layout/examples/playbook--aa1898b6-5251-49b4-aeb7-fd5e912583ff.json',
      'soarca/examples/fin-playbook.json',
      'soarca/test/playbooks/changed-playbook.json',
      'soarca/test/playbooks/invalid_playbook.json',
    ]);
  });

  for (const [file, expectation] of Object.entries(EXAMPLES))
    it(`${'imports' in expectation ? 'imports' : 'refuses'} ${file}`, () => {
      const document = read(file);
      if ('imports' in expectation) {
        const { playbook, warnings } = importCacao(document, { catalog, source: file });
        expectation.imports(playbook, warnings);
        return;
      }
      const { message, issues } = refusal(document);
      expect(message).toMatch(/^doc\.json: /);
      for (const pattern of expectation.refused)
        expect(issues).toContainEqual(expect.stringMatching(pattern));
    });

  it('exports documents that validate against the published schema', () => {
    const validate = playbookValidator(root);
    for (const playbook of PLAYBOOKS()) {
      expect(validate(exportCacao(playbook, { now: NOW })), playbook.id).toEqual([]);
      expect(
        validate(exportCacao(playbook, { now: NOW, ids: randomUUID, createdBy: 'alice' })),
        playbook.id,
      ).toEqual([]);
    }
  });

  it('re-exports an imported example that still validates and reads back the same', () => {
    const validate = playbookValidator(root);
    const { playbook } = importCacao(read('soarca/test/playbooks/playbook.json'), { catalog });
    const document = exportCacao(playbook, { now: NOW });
    expect(validate(document)).toEqual([]);
    expect(importCacao(document, { catalog }).playbook).toStrictEqual(playbook);
  });
});

// ---------------------------------------------------------------------------------------------
// Our playbooks, out to CACAO and back.

const RESPONSE = `id: contain-powershell
name: Contain encoded PowerShell
description: Isolates a host after approval, blocks its IPs and tells everyone.
trigger:
  alert:
    severities: [high, critical]
    tags: [attack.t1059.001]
    where: alert.host.name != "build-01"
vars:
  channel: "#soc"
  threshold: 3
  ratio: 0.5
  escalate: true
  owner: { team: ir, shift: night }
  hosts: [a, b]
  nothing: null
steps:
  - id: tell
    name: Tell the SOC
    action: slack.post
    with:
      webhook: { secret: slack/soc }
      text: "Alert \${{ alert.title }} on \${{ alert.host.name }} for \${{ vars.channel }}"
  - id: approve
    needs: [tell]
    action: approval
    with: { prompt: "Isolate \${{ alert.host.name }}?", approvers: [soc-lead], timeout: 15m, default: reject }
  - id: isolate
    name: Isolate the host
    needs: [approve]
    if: \${{ steps.approve.output.approved }}
    action: http.request
    with:
      url: "https://edr.example.com/api/v1/hosts/\${{ alert.host.name }}/isolate"
      method: POST
      headers: { Authorization: { secret: edr/token }, X-Team: "\${{ vars.channel }}" }
      body: { reason: "playbook", ticket: "\${{ alert.id }}" }
      expect_status: [200, 202]
    timeout: 30s
    retry: { attempts: 3, delay: 2s }
  - id: page
    needs: [isolate]
    when: failure
    action: pagerduty.event
    with:
      routing_key: { secret: pagerduty/soc }
      summary: "Could not isolate \${{ alert.host.name }}"
      source: claytom
      severity: critical
  - id: block_ips
    name: Block the IPs
    needs: [approve]
    for_each: alert.observables[kind = "ip"].value
    max_parallel: 2
    action: webhook.send
    with: { url: "https://fw.example.com/block", payload: { ip: "\${{ item }}" } }
  - id: wrap_up
    needs: [isolate, block_ips]
    when: always
    continue_on_error: true
    action: http.request
    with: { url: "https://tickets.example.com/api/close?channel=\${{ vars.channel }}" }
  - id: cool_down
    needs: [wrap_up]
    action: wait
    with: { duration: 5m }
  - id: mail
    needs: [cool_down]
    action: sendgrid.mail
    with:
      api_key: { secret: sendgrid/key }
      from: soc@example.com
      to: [ciso@example.com]
      subject: Host isolated
      text: "Multi-line\\nreport"
  - id: sms
    needs: [cool_down]
    action: twilio.sms
    with:
      account_sid: AC0123456789abcdef0123456789abcdef
      auth_token: { secret: twilio/token }
      from: "+15550000000"
      to: "+15550000001"
      body: Host isolated
`;

const NIGHTLY = `id: nightly-sweep
name: Nightly sweep
description: ""
enabled: false
trigger:
  schedule: { cron: "0 2 * * *" }
vars: { channel: "#night", base: "https://intel.example.com" }
steps:
  - id: fetch
    action: http.request
    with: { url: "\${{ vars.base }}/feeds/latest", headers: { Accept: application/json } }
  - id: post
    name: Post results
    needs: [fetch]
    action: http.request
    with:
      url: http://10.0.0.7:8080/ingest
      method: PUT
      headers: { Content-Type: text/plain }
      body: "line one\\nline two"
  - id: escalate
    needs: [fetch]
    action: playbook.run
    with: { playbook: contain-powershell, vars: { channel: "\${{ vars.channel }}" } }
  - id: confirm
    needs: [post, escalate]
    action: approval
    with: { prompt: "Sweep done.\\nClose it?" }
`;

const FAN_IN = `id: fan-in
name: "Fan in: check & report"
trigger: { manual: true }
steps:
  - id: a
    name: Check host
    action: http.request
    with: { url: "https://a.example.com/x" }
  - id: b
    name: Check-host
    needs: [a]
    action: http.request
    with: { url: "https://b.example.com/" }
  - id: c
    needs: [a]
    action: http.request
    with: { url: "https://c.example.com/c" }
  - id: d
    needs: [c, b]
    action: http.request
    with: { url: "https://d.example.com/d" }
  - id: e
    needs: [a]
    when: always
    action: http.request
    with: { url: "https://e.example.com/e" }
  - id: f
    needs: [a]
    when: failure
    action: http.request
    with: { url: "https://f.example.com/f" }
  - id: g
    when: always
    action: http.request
    with: { url: "https://g.example.com/g" }
  - id: t
    name: Check
    action: approval
    with: { prompt: First check }
  - id: check_2
    name: Check
    needs: [t]
    action: approval
    with: { prompt: Second check }
`;

const SIMPLE = `id: simple-lookup
name: Simple lookup
trigger: { manual: true }
vars: { host: "intel.example.com" }
steps:
  - id: look_up
    name: Look up
    action: http.request
    with:
      url: "https://intel.example.com/api/v2/lookup?host=\${{ vars.host }}"
      method: POST
      headers: { X-Api: "1" }
      body: "host=\${{ vars.host }}"
  - id: ask
    name: Ask
    needs: [look_up]
    when: failure
    action: approval
    with: { prompt: "Lookup failed; go on?", timeout: 2h }
`;

function PLAYBOOKS(): PlaybookDefinition[] {
  return [
    ours('response.yaml', RESPONSE),
    ours('nightly.yaml', NIGHTLY),
    ours('fan-in.yaml', FAN_IN),
    ours('simple.yaml', SIMPLE),
  ];
}

const workflowOf = (document: CacaoDocument): Record<string, Record<string, unknown>> =>
  document.workflow as Record<string, Record<string, unknown>>;
const stepKey = (playbook: string, step: string, type = 'action'): string =>
  `${type}--${uuidV5(`step:${playbook}:${step}`)}`;

describe('CACAO export and import of our playbooks', () => {
  it('gives back each playbook exactly (import of export)', () => {
    for (const playbook of PLAYBOOKS()) {
      const { playbook: back, warnings } = importCacao(exportCacao(playbook, { now: NOW }), {
        catalog,
      });
      expect(back, playbook.id).toStrictEqual(playbook);
      expect(warnings, playbook.id).toEqual([]);
      const random = exportCacao(playbook, { now: NOW, ids: randomUUID, createdBy: 'alice' });
      expect(importCacao(random, { catalog }).playbook, playbook.id).toStrictEqual(playbook);
    }
  });

  it('exports the same document twice (derived UUIDv5 ids), and random ids on request', () => {
    const [playbook] = PLAYBOOKS();
    if (playbook === undefined) throw new Error('no playbook');
    const once = exportCacao(playbook, { now: NOW });
    expect(exportCacao(playbook, { now: NOW })).toStrictEqual(once);
    expect(once.id).toBe(`playbook--${uuidV5('playbook:contain-powershell')}`);
    expect(once.created).toBe('2025-01-31T12:00:00.250Z');
    expect(once.modified).toBe(once.created);
    const random = exportCacao(playbook, { now: NOW, ids: randomUUID });
    expect(random.id).not.toBe(once.id);
    expect(Object.keys(workflowOf(random))[1]).toMatch(/^action--[0-9a-f]{8}-[0-9a-f]{4}-4/);
  });

  it('writes http.request, approval and playbook.run as CACAO commands and steps', () => {
    const document = exportCacao(ours('simple.yaml', SIMPLE), { now: NOW });
    const workflow = workflowOf(document);
    const lookUp = workflow[stepKey('simple-lookup', 'look_up')];
    const ask = workflow[stepKey('simple-lookup', 'ask')];
    const [target] = (lookUp?.targets ?? []) as string[];
    expect(lookUp).toMatchObject({
      type: 'action',
      name: 'Look up',
      commands: [
        {
          type: 'http-api',
          command: 'POST /api/v2/lookup?host=__host__:value HTTP/1.1',
          headers: { 'X-Api': ['1'] },
          content: 'host=__host__:value',
        },
      ],
      timeout: 60_000,
      on_success:
        document.workflow_start === undefined ? '' : `end--${uuidV5('end:simple-lookup')}`,
      on_failure: stepKey('simple-lookup', 'ask'),
    });
    expect((document.target_definitions as Record<string, unknown>)[target ?? '']).toEqual({
      type: 'http-api',
      name: 'intel.example.com',
      address: { url: ['https://intel.example.com'] },
    });
    expect(ask).toMatchObject({
      commands: [{ type: 'manual', command: 'Lookup failed; go on?' }],
      timeout: 7_200_000,
    });
    expect(document.playbook_variables).toEqual({
      __host__: { type: 'string', value: 'intel.example.com', constant: true },
    });
    // CACAO says all of it: no step carries the extension; the playbook's holds trigger and vars.
    expect(Object.values(workflow).filter((step) => 'step_extensions' in step)).toEqual([]);
    expect(
      Object.keys((document.playbook_extensions as Record<string, object>)[EXTENSION_ID] ?? {}),
    ).toEqual(['trigger', 'vars', 'native_digest']);

    const nightly = workflowOf(exportCacao(ours('nightly.yaml', NIGHTLY), { now: NOW }));
    expect(nightly[stepKey('nightly-sweep', 'escalate', 'playbook-action')]).toMatchObject({
      type: 'playbook-action',
      playbook_id: `playbook--${uuidV5('playbook:contain-powershell')}`,
      in_args: ['__channel__'],
    });
  });

  it('carries what CACAO cannot say in the x-claytom extension', () => {
    const document = exportCacao(ours('response.yaml', RESPONSE), { now: NOW });
    const workflow = workflowOf(document);
    const extension = (step: string): unknown =>
      (workflow[stepKey('contain-powershell', step)]?.step_extensions as Record<string, unknown>)[
        EXTENSION_ID
      ];
    expect(workflow[stepKey('contain-powershell', 'page')]?.commands).toEqual([
      {
        type: 'x-claytom-action',
        command: 'pagerduty.event',
        description:
          'Runs the ClayTom SecOps action pagerduty.event; its inputs are in the x-claytom step extension.',
      },
    ]);
    // page runs on isolate's on_failure (its when is in the graph) and has no name: CACAO's
    // name is its id (so its id is in the graph too), and the extension removes the name.
    expect(extension('page')).toMatchObject({ with: { source: 'claytom' }, name: null });
    expect(Object.keys(extension('page') as object).sort()).toEqual(['name', 'with']);
    expect(extension('approve')).toMatchObject({ with: { approvers: ['soc-lead'] } });
    expect(extension('isolate')).toMatchObject({
      condition: '${{ steps.approve.output.approved }}',
      retry: { attempts: 3, backoff: 'exponential', delay: '2s' },
      with: { expect_status: [200, 202] },
      native_digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(extension('block_ips')).toMatchObject({
      for_each: 'alert.observables[kind = "ip"].value',
    });
    // slack.post with a written-out webhook would be an http-api POST; a secret one is not.
    expect(workflow[stepKey('contain-powershell', 'tell')]?.commands).toMatchObject([
      { type: 'x-claytom-action', command: 'slack.post' },
    ]);
    expect(workflow[stepKey('contain-powershell', 'block_ips')]?.commands).toEqual([
      {
        type: 'http-api',
        command: 'POST /block HTTP/1.1',
        headers: { 'Content-Type': ['application/json'] },
        content: '{"ip":"${{ item }}"}',
      },
    ]);
    const playbookExtension = (document.playbook_extensions as Record<string, unknown>)[
      EXTENSION_ID
    ];
    expect(playbookExtension).toMatchObject({
      trigger: { alert: { severities: ['high', 'critical'] } },
      playbook_id: 'contain-powershell',
    });
    expect((document.extension_definitions as Record<string, unknown>)[EXTENSION_ID]).toMatchObject(
      {
        type: 'extension-definition',
        name: 'x-claytom',
        version: '1.0.0',
      },
    );
  });

  it('reads an exported document without its extensions as any CACAO importer would', () => {
    const playbook = ours('simple.yaml', SIMPLE);
    const document = exportCacao(playbook, { now: NOW });
    delete document.extension_definitions;
    delete document.playbook_extensions;
    expect(importCacao(document, { catalog }).playbook).toStrictEqual(playbook);

    const fanIn = exportCacao(ours('fan-in.yaml', FAN_IN), { now: NOW });
    delete fanIn.playbook_extensions;
    for (const step of Object.values(workflowOf(fanIn))) delete step.step_extensions;
    const { playbook: plain } = importCacao(fanIn, { catalog });
    expect(plain.id).toBe('fan-in-check-report');
    expect(plain.steps.map((s) => [s.id, s.needs, s.when])).toEqual([
      ['check_host', [], 'success'],
      ['check_host_2', ['check_host'], 'success'],
      ['c', ['check_host'], 'success'],
      ['d', ['check_host_2', 'c'], 'success'],
      ['e', ['check_host'], 'always'],
      ['f', ['check_host'], 'failure'],
      // A root step's `when` is not in the graph: only the extension keeps `always`.
      ['g', [], 'success'],
      ['check', [], 'success'],
      ['check_2', ['check'], 'success'],
    ]);
  });

  it('uses a changed CACAO command over a stale extension, with a warning', () => {
    const document = exportCacao(ours('simple.yaml', SIMPLE), { now: NOW });
    const lookUp = workflowOf(document)[stepKey('simple-lookup', 'look_up')] ?? {};
    lookUp.step_extensions = {
      [EXTENSION_ID]: {
        with: { url: 'https://old.example.com/' },
        native_digest: 'sha256:0',
      },
    };
    (lookUp.commands as Record<string, unknown>[])[0] = {
      type: 'http-api',
      command: 'GET /api/v3/lookup HTTP/1.1',
    };
    const { playbook, warnings } = importCacao(document, { catalog });
    expect(playbook.steps[0]?.with).toEqual({ url: 'https://intel.example.com/api/v3/lookup' });
    expect(warnings).toEqual([
      `${stepKey('simple-lookup', 'look_up')}: its command changed after the x-claytom extension was written; the command is used, the extension's action and with are not`,
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// CACAO documents written here: the step types and shapes the public examples do not show.

const u = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const START = `start--${u(1)}`;
const END = `end--${u(2)}`;
const A = `action--${u(10)}`;
const B = `action--${u(11)}`;
const C = `action--${u(12)}`;
const API = `http-api--${u(20)}`;

function cacao(
  workflow: Record<string, Record<string, unknown>>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: `playbook--${u(99)}`,
    name: 'Hand written',
    created_by: `identity--${u(98)}`,
    created: '2025-01-01T00:00:00.000Z',
    modified: '2025-01-01T00:00:00.000Z',
    workflow_start: START,
    workflow: { [END]: { type: 'end' }, ...workflow },
    target_definitions: {
      [API]: {
        type: 'http-api',
        name: 'API',
        address: { dname: ['api.example.com'] },
        port: '443',
      },
    },
    ...extra,
  };
}
const get = (
  name: string,
  path: string,
  pointers: Record<string, unknown>,
): Record<string, unknown> => ({
  type: 'action',
  name,
  commands: [{ type: 'http-api', command: `GET ${path} HTTP/1.1` }],
  targets: [API],
  ...pointers,
});

describe('CACAO import of hand-written documents', () => {
  it('turns the graph into needs: parallel fan-out, join, on_failure, both outcomes', () => {
    const P = `parallel--${u(30)}`;
    const P2 = `parallel--${u(31)}`;
    const D = `action--${u(13)}`;
    const { playbook } = importCacao(
      cacao({
        [START]: { type: 'start', on_completion: A },
        [A]: get('Query', '/q', { on_completion: P }),
        [P]: { type: 'parallel', next_steps: [B, C], on_completion: END },
        [B]: get('Left', '/l', { on_success: D, on_failure: P2 }),
        [C]: get('Right', '/r', { on_completion: D }),
        [P2]: { type: 'parallel', next_steps: [`action--${u(14)}`, END], on_completion: END },
        [`action--${u(14)}`]: get('Clean up', '/cleanup', { on_completion: END }),
        [D]: get('Report', '/report', { on_completion: END }),
      }),
      { catalog },
    );
    expect(playbook.steps.map((s) => [s.id, s.with, s.needs, s.when])).toEqual([
      ['query', { url: 'https://api.example.com/q' }, [], 'success'],
      ['left', { url: 'https://api.example.com/l' }, ['query'], 'success'],
      ['right', { url: 'https://api.example.com/r' }, ['query'], 'success'],
      ['clean_up', { url: 'https://api.example.com/cleanup' }, ['left'], 'failure'],
      ['report', { url: 'https://api.example.com/report' }, ['left', 'right'], 'success'],
    ]);

    const both = importCacao(
      cacao({
        [START]: { type: 'start', on_completion: A },
        [A]: get('Try', '/try', { on_success: B, on_failure: B }),
        [B]: get('Always', '/always', { on_completion: END }),
      }),
      { catalog },
    ).playbook;
    expect(both.steps[1]).toMatchObject({ needs: ['try'], when: 'always' });
  });

  it('reads http-api details: headers, content_b64, url addresses, variables, delay and timeout', () => {
    const { playbook, warnings } = importCacao(
      cacao(
        {
          [START]: { type: 'start', on_completion: A },
          [A]: {
            type: 'action',
            name: 'Post',
            delay: 90_000,
            timeout: 45_000,
            agent: `http-api--${u(21)}`,
            step_variables: { __case__: { type: 'string', value: 'C-1', constant: true } },
            commands: [
              {
                type: 'http-api',
                command: 'POST /cases/__case__:value?team=__team__:value HTTP/1.1',
                headers: { Accept: ['application/json', 'text/plain'], 'X-Count': ['__n__:value'] },
                content_b64: Buffer.from('{"note":"__team__:value"}').toString('base64'),
              },
            ],
            on_completion: END,
          },
        },
        {
          agent_definitions: {
            [`http-api--${u(21)}`]: {
              type: 'http-api',
              name: 'Cases',
              address: { url: ['https://cases.example.com/api/'] },
            },
          },
          playbook_variables: {
            __team__: { type: 'string', value: 'blue' },
            __n__: { type: 'integer', value: '7' },
            '__on-call__': { type: 'bool', value: 'true' },
            __extra__: { type: 'dictionary', value: '{"a":1}' },
            __rate__: { type: 'float', value: '0.25' },
            __unknown__: { type: 'uuid', value: null },
          },
        },
      ),
      { catalog },
    );
    expect(playbook.vars).toEqual({
      team: 'blue',
      n: 7,
      on_call: true,
      extra: { a: 1 },
      rate: 0.25,
      unknown: null,
    });
    expect(playbook.steps).toEqual([
      expect.objectContaining({
        id: 'post_delay',
        action: 'wait',
        with: { duration: '90s' },
        needs: [],
      }),
      expect.objectContaining({
        id: 'post',
        action: 'http.request',
        needs: ['post_delay'],
        timeout: '45s',
        with: {
          url: 'https://cases.example.com/api/cases/C-1?team=${{ vars.team }}',
          method: 'POST',
          headers: { Accept: 'application/json, text/plain', 'X-Count': '${{ vars.n }}' },
          body: '{"note":"${{ vars.team }}"}',
        },
      }),
    ]);
    expect(warnings).toEqual([]);
  });

  it('imports playbook-action steps as playbook.run', () => {
    const PA = `playbook-action--${u(40)}`;
    const child = `playbook--${u(41)}`;
    const document = cacao(
      {
        [START]: { type: 'start', on_completion: PA },
        [PA]: {
          type: 'playbook-action',
          name: 'Contain',
          playbook_id: child,
          in_args: ['__host__'],
          on_completion: END,
        },
      },
      { playbook_variables: { __host__: { type: 'string', value: 'wks-9' } } },
    );
    const mapped = importCacao(document, {
      catalog,
      playbooks: new Map([[child, 'contain-host']]),
    });
    expect(mapped.playbook.steps[0]).toMatchObject({
      id: 'contain',
      action: 'playbook.run',
      with: { playbook: 'contain-host', vars: { host: '${{ vars.host }}' } },
    });
    expect(mapped.warnings).toEqual([]);
    const unmapped = importCacao(document, { catalog });
    expect(unmapped.playbook.steps[0]?.with).toMatchObject({ playbook: 'cacao-00000000' });
    expect(unmapped.warnings).toEqual([
      `step "Contain" runs CACAO playbook ${child}, taken to be playbook cacao-00000000 (map CACAO ids to playbook ids with the playbooks option)`,
    ]);
  });

  it('refuses if-, while- and switch-condition steps (STIX patterning is not evaluated)', () => {
    for (const type of ['if-condition', 'while-condition', 'switch-condition']) {
      const key = `${type}--${u(50)}`;
      const { issues } = refusal(
        cacao({
          [START]: { type: 'start', on_completion: key },
          [key]: {
            type,
            name: 'Branch',
            condition: "[ipv4-addr:value = '10.0.0.1']",
            switch: '__x__:value',
            cases: { a: A },
            on_true: A,
            on_completion: END,
          },
          [A]: get('Then', '/then', { on_completion: END }),
        }),
      );
      expect(issues).toContain(
        `workflow.${key}.type: ${type} steps are not supported: their conditions are STIX patterns, which ClayTom SecOps does not evaluate (step "Branch")`,
      );
    }
  });

  it('refuses what it cannot take, naming the JSON path', () => {
    expect(refusal([]).issues).toEqual([': a CACAO playbook is a JSON object, found an array']);
    expect(refusal('playbook').message).toBe(
      'doc.json: a CACAO playbook is a JSON object, found a string',
    );
    const valid = cacao({
      [START]: { type: 'start', on_completion: A },
      [A]: get('Query', '/q', { on_completion: END }),
    });
    expect(refusal({ ...valid, type: 'intrusion-set' }).issues).toEqual([
      'type: must be "playbook", found "intrusion-set"',
    ]);
    expect(refusal({ ...valid, spec_version: 'cacao-1.0' }).issues).toEqual([
      'spec_version: must be "cacao-2.0" (CACAO 2.0 is read), found "cacao-1.0"',
    ]);
    expect(
      refusal(
        cacao({
          [START]: { type: 'start', on_completion: A },
          [A]: get('Query', '/q', { on_completion: `action--${u(77)}` }),
        }),
      ).issues,
    ).toEqual([`workflow.${A}.on_completion: step action--${u(77)} does not exist`]);
    expect(
      refusal(
        cacao({
          [START]: { type: 'start', on_completion: A },
          [A]: get('One', '/1', { on_completion: B }),
          [B]: get('Two', '/2', { on_success: A, on_failure: END }),
        }),
      ).issues,
    ).toEqual([`workflow.${B}.on_success: the workflow loops: ${A} → ${B} → ${A}`]);
    const { message, issues } = refusal(
      cacao({
        [START]: { type: 'start', on_completion: A },
        [A]: {
          type: 'action',
          name: 'Kube',
          commands: [{ type: 'kubectl', command: 'get pods' }],
          on_completion: END,
        },
      }),
    );
    expect(issues).toEqual([
      `workflow.${A}.commands[0].type: unknown command type kubectl (step "Kube"); supported: http-api, manual`,
    ]);
    expect(message).toBe(`doc.json: ${issues[0] ?? ''}`);
  });

  it('refuses graphs it cannot express: mixed outcomes, steps after a parallel, exception handlers', () => {
    const P = `parallel--${u(30)}`;
    expect(
      refusal(
        cacao({
          [START]: { type: 'start', on_completion: A },
          [A]: get('One', '/1', { on_success: B, on_failure: C }),
          [B]: get('Two', '/2', { on_completion: C }),
          [C]: get('Three', '/3', { on_completion: END }),
        }),
      ).issues,
    ).toEqual([
      `workflow.${C}: step "Three" follows ${A} on failure and ${B} on success: a step has one condition for all the steps it waits for`,
    ]);
    expect(
      refusal(
        cacao({
          [START]: { type: 'start', on_completion: P },
          [P]: { type: 'parallel', next_steps: [A, B], on_completion: C },
          [A]: get('One', '/1', { on_completion: END }),
          [B]: get('Two', '/2', { on_completion: END }),
          [C]: get('Three', '/3', { on_completion: END }),
        }),
      ).issues,
    ).toEqual([
      `workflow.${P}.on_completion: only an end step can follow a parallel step (found ${C}): lead each branch to the step that comes next instead`,
    ]);
    expect(
      refusal(
        cacao(
          {
            [START]: { type: 'start', on_completion: A },
            [A]: get('One', '/1', { on_completion: END }),
            [B]: get('Handler', '/h', { on_completion: END }),
          },
          { workflow_exception: B },
        ),
      ).issues,
    ).toEqual([
      `workflow_exception: exception handlers are not supported (${B} is an action step): handle failures with on_failure and point workflow_exception at an end step`,
    ]);
  });

  it('places problems the shared playbook checks find at their CACAO path', () => {
    const M = `action--${u(60)}`;
    // The schema first (parsePlaybook checks inputs once the schema holds).
    expect(
      refusal(
        cacao({
          [START]: { type: 'start', on_completion: A },
          [A]: get('Slow', '/slow', { timeout: 2 * 86_400_000, on_completion: B }),
          [B]: {
            ...get('Retry', '/retry', { on_completion: END }),
            step_extensions: { [EXTENSION_ID]: { retry: { attempts: 0 } } },
          },
        }),
      ).issues,
    ).toEqual([
      `workflow.${A}.timeout: timeout: at most 1d`,
      `workflow.${B}.step_extensions.${EXTENSION_ID}.retry.attempts: Too small: expected number to be >=1`,
    ]);
    expect(
      refusal(
        cacao({
          [START]: { type: 'start', on_completion: M },
          [M]: {
            type: 'action',
            name: 'Ask',
            timeout: 40 * 86_400_000,
            commands: [{ type: 'manual', command: '' }],
            on_completion: B,
          },
          [B]: {
            type: 'action',
            name: 'Bad URL',
            commands: [{ type: 'http-api', command: 'GET http://exa mple.com/ HTTP/1.1' }],
            on_completion: END,
          },
        }),
      ).issues,
    ).toEqual([
      `workflow.${M}.commands[0]: approval input prompt: Too small: expected string to have >=1 characters`,
      `workflow.${M}.timeout: approval input timeout: at most 30d`,
      `workflow.${B}.commands[0]: http.request input url: Invalid URL`,
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Generated playbooks: any valid playbook comes back exactly, and exports schema-valid CACAO.

const ID_POOL = ['a', 'b', 'check', 'check_2', 'check_3', 'check_host', 'step_1', 'look_up', 't'];
const NAME_POOL = [
  'Check',
  'check',
  'Check host',
  'Check-host',
  '1st step',
  'Look up',
  'T',
  'café',
];
const JSON_VALUE = fc.jsonValue({ maxDepth: 2 });

const inputs = fc.oneof(
  fc.record({
    action: fc.constant('http.request'),
    with: fc.record(
      {
        url: fc.constantFrom(
          'https://a.example.com/x',
          'https://a.example.com',
          'https://a.example.com/',
          'http://10.0.0.1:8080/p?q=1',
          'https://h.example.com/${{ vars.v }}/x?y=${{ alert.id }}',
          '${{ vars.base }}/x',
          'http://localhost:9000/',
          'h${{ vars.v }}',
        ),
        method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', '${{ vars.v }}'),
        headers: fc.dictionary(
          fc.constantFrom('X-A', 'Content-Type', 'Accept'),
          fc.oneof(
            fc.constantFrom('1', 'application/json', '${{ vars.v }}'),
            fc.constant({ secret: 'api/key' }),
          ),
        ),
        body: fc.oneof(fc.string(), JSON_VALUE, fc.constant({ token: { secret: 'x/y' } })),
        expect_status: fc.constant([200, 204]),
      },
      { requiredKeys: ['url'] },
    ),
  }),
  fc.record({
    action: fc.constant('approval'),
    with: fc.record(
      {
        prompt: fc.constantFrom('ok?', 'multi\nline', 'Use ${{ vars.v }}?', 'Go __v__?'),
        timeout: fc.constantFrom('15m', '60m', '1h', '60s', '1d'),
        approvers: fc.array(fc.constantFrom('soc-lead', 'ir'), { maxLength: 2 }),
        default: fc.constantFrom('approve', 'reject'),
      },
      { requiredKeys: ['prompt'] },
    ),
  }),
  fc.record({
    action: fc.constant('wait'),
    with: fc.record({ duration: fc.constantFrom('5m', '90s') }),
  }),
  fc.record({
    action: fc.constant('slack.post'),
    with: fc.record({
      webhook: fc.oneof(
        fc.constant('https://hooks.slack.com/services/T0/B0/x'),
        fc.constant({ secret: 'slack/soc' }),
      ),
      text: fc.constantFrom('hi ${{ vars.v }}', 'x'),
    }),
  }),
  fc.record({
    action: fc.constant('webhook.send'),
    with: fc.record(
      {
        url: fc.constant('https://hook.example.com/h'),
        payload: JSON_VALUE,
        signing_key: fc.constant('0123456789abcdef0'),
      },
      { requiredKeys: ['url', 'payload'] },
    ),
  }),
  fc.record({
    action: fc.constant('playbook.run'),
    with: fc.record(
      {
        playbook: fc.constantFrom('other-pb', 'x'),
        vars: fc.dictionary(
          fc.constantFrom('v', 'w', 'a-b'),
          fc.constantFrom('${{ vars.v }}', 'lit'),
        ),
      },
      { requiredKeys: ['playbook'] },
    ),
  }),
);

const generated = fc
  .uniqueArray(fc.oneof(fc.constantFrom(...ID_POOL), fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/)), {
    minLength: 1,
    maxLength: 8,
  })
  .chain((ids) =>
    fc.record({
      id: fc.constantFrom('pb-1', 'fan-in', 'x'),
      name: fc.constantFrom('Fan in', 'PB 1', '!!!', 'x'),
      description: fc.option(fc.constantFrom('', 'Does things.'), { nil: undefined }),
      enabled: fc.boolean(),
      trigger: fc.constantFrom(
        { manual: true },
        { schedule: { cron: '0 2 * * *' } },
        { alert: { severities: ['high'], where: 'alert.host.name != "x"' } },
      ),
      vars: fc.record(
        {
          v: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
          base: fc.constant('https://b.example.com'),
          more: JSON_VALUE,
        },
        { requiredKeys: ['v', 'base'] },
      ),
      order: fc.shuffledSubarray(
        ids.map((_, index) => index),
        { minLength: ids.length, maxLength: ids.length },
      ),
      steps: fc.tuple(
        ...ids.map((id, index) =>
          fc.record(
            {
              id: fc.constant(id),
              name: fc.constantFrom(...NAME_POOL),
              needs: fc
                .uniqueArray(fc.nat({ max: Math.max(index - 1, 0) }), {
                  maxLength: index === 0 ? 0 : 3,
                })
                .map((picks) => picks.map((pick) => ids[pick] ?? id)),
              when: fc.constantFrom('success', 'failure', 'always'),
              if: fc.constant('${{ vars.v }}'),
              for_each: fc.constant('vars.more'),
              max_parallel: fc.integer({ min: 1, max: 10 }),
              timeout: fc.constantFrom('60s', '1m', '30s', '2h', '500ms'),
              retry: fc.record({
                attempts: fc.integer({ min: 1, max: 5 }),
                delay: fc.constantFrom('1s', '2s'),
              }),
              continue_on_error: fc.boolean(),
              step: inputs,
            },
            { requiredKeys: ['id', 'needs', 'step'] },
          ),
        ),
      ),
    }),
  )
  .map(({ order, steps, ...rest }) =>
    ours(
      'generated.json',
      JSON.stringify({
        ...rest,
        steps: order.map((index) => {
          const { step, ...fields } = steps[index] ?? { step: { action: 'wait', with: {} } };
          return { ...fields, ...step };
        }),
      }),
    ),
  );

describe('CACAO round trip of generated playbooks', () => {
  const validate = testdata === undefined ? undefined : playbookValidator(testdata);
  it(`gives each back exactly${validate === undefined ? '' : ', from schema-valid CACAO'}`, () => {
    fc.assert(
      fc.property(generated, fc.boolean(), (playbook, random) => {
        const document = exportCacao(playbook, {
          now: NOW,
          ...(random ? { ids: randomUUID } : {}),
        });
        if (validate !== undefined) expect(validate(document)).toEqual([]);
        const back = importCacao(document, { catalog });
        expect(back.playbook).toStrictEqual(playbook);
        expect(back.warnings).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('UUIDv5', () => {
  it('matches the RFC 9562 example', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});
