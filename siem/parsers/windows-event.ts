import { ECS_VERSION, distinct } from './ecs-draft.ts';
import { objectAt, stringAt, stringsOf, textAt, toInteger } from './json-access.ts';
import { ObjectPatch } from './object-patch.ts';
import type { JsonObject } from './parser.ts';
import type { WindowsMapping } from './windows-mapping.ts';
import { securityMapping } from './windows-security.ts';
import { sysmonMapping } from './windows-sysmon.ts';
import { dataValue } from './windows-values.ts';

const DATASETS: Readonly<Record<string, readonly [module: string, dataset: string]>> = {
  security: ['system', 'system.security'],
  system: ['system', 'system.system'],
  application: ['system', 'system.application'],
  'microsoft-windows-sysmon/operational': ['windows', 'windows.sysmon_operational'],
  'microsoft-windows-powershell/operational': ['windows', 'windows.powershell_operational'],
  'windows powershell': ['windows', 'windows.powershell'],
  forwardedevents: ['windows', 'windows.forwarded'],
};

/** The same by the channel names Windows writes, read without lower-casing each event's. */
const DATASETS_AS_SPELLED: ReadonlyMap<string, readonly [module: string, dataset: string]> =
  new Map(
    [
      'Security',
      'System',
      'Application',
      'Microsoft-Windows-Sysmon/Operational',
      'Microsoft-Windows-PowerShell/Operational',
      'Windows PowerShell',
      'ForwardedEvents',
    ].flatMap((name) => {
      const entry = DATASETS[name.toLowerCase()];
      return entry === undefined ? [] : [[name, entry] as const];
    }),
  );

/**
 * Fills in a Windows event shaped as Winlogbeat ships it (`winlog.*`, `event.code`, ...) with what
 * Elastic's Windows/System/Sysmon pipelines add: dataset, categorisation, and ECS user, process,
 * network, file, registry and group fields from `winlog.event_data`, which itself stays untouched.
 * Fields the document already has are kept; `event.action` is replaced for events this mapping
 * knows (the original stays in `winlog.task`). Both the winlogbeat and the evtx-dump parser end here.
 * The fields go into `document`, a patch of the event: the event's own objects are never changed,
 * only the ones on the written paths are copied.
 */
export function enrichWindowsEvent(document: ObjectPatch): void {
  const winlog = document.object('winlog');
  const event = document.object('event');
  const code = textAt(event, 'code') ?? textAt(winlog, 'event_id');
  const channel = stringAt(winlog, 'channel');
  const provider = stringAt(winlog, 'provider_name');
  const data = objectAt(winlog, 'event_data') ?? {};
  const dataset =
    channel === undefined
      ? undefined
      : (DATASETS_AS_SPELLED.get(channel) ?? DATASETS[channel.toLowerCase()]);
  let mapping: WindowsMapping | undefined;
  if (code !== undefined) {
    if (provider === 'Microsoft-Windows-Sysmon') mapping = sysmonMapping(code, data);
    else if (provider === 'Microsoft-Windows-Security-Auditing' || channel === 'Security') {
      mapping = securityMapping(code, data, objectAt(winlog, 'user_data'));
    } else if (code === '4104' && provider === 'Microsoft-Windows-PowerShell') {
      mapping = powershellScriptBlock(data);
    }
  }

  // The order of writes is the order new names take in the document.
  const ecs = document.object('ecs');
  document.setPatch(
    'ecs',
    new ObjectPatch(ecs).set('version', stringAt(ecs, 'version') ?? ECS_VERSION),
  );
  document.setPatch(
    'event',
    new ObjectPatch(event)
      .set('kind', stringAt(event, 'kind') ?? 'event')
      .set('code', code)
      .set('provider', stringAt(event, 'provider') ?? provider)
      .set('module', stringAt(event, 'module') ?? dataset?.[0] ?? 'windows')
      .set('dataset', stringAt(event, 'dataset') ?? dataset?.[1])
      .set(
        'outcome',
        mapping?.outcome ?? stringAt(event, 'outcome') ?? outcomeOf(stringsOf(winlog?.keywords)),
      )
      .set('category', mapping?.category)
      .set('type', mapping?.type)
      .set('action', mapping?.action),
  );
  const host = document.object('host');
  document.setPatch(
    'host',
    new ObjectPatch(host).set('name', stringAt(host, 'name') ?? stringAt(winlog, 'computer_name')),
  );
  document.setPatch(
    'winlog',
    new ObjectPatch(winlog)
      .set('event_id', code)
      .set('record_id', textAt(winlog, 'record_id'))
      .merge('logon', mapping?.logon),
  );
  document.setPatch(
    'user',
    new ObjectPatch(document.get('user'))
      .set('id', mapping?.user?.id ?? stringAt(objectAt(winlog, 'user'), 'identifier'))
      .set('name', mapping?.user?.name)
      .set('domain', mapping?.user?.domain)
      .merge('effective', mapping?.effective)
      .merge('target', mapping?.target),
  );
  mapping?.write(document);

  const names = distinct([mapping?.user?.name, mapping?.target?.name, mapping?.effective?.name]);
  if (names !== undefined) {
    document.setPatch('related', new ObjectPatch(document.get('related')).set('user', names));
  }
}

function outcomeOf(keywords: readonly string[]): string | undefined {
  if (keywords.includes('Audit Failure')) return 'failure';
  if (keywords.includes('Audit Success')) return 'success';
  return undefined;
}

function powershellScriptBlock(data: JsonObject): WindowsMapping {
  return {
    category: undefined,
    type: undefined,
    action: undefined,
    outcome: undefined,
    user: undefined,
    effective: undefined,
    target: undefined,
    logon: undefined,
    write: (document) => {
      const powershell = new ObjectPatch(document.get('powershell'));
      powershell
        .setPatch(
          'file',
          new ObjectPatch(powershell.get('file'))
            .set('script_block_text', dataValue(data, 'ScriptBlockText'))
            .set('script_block_id', dataValue(data, 'ScriptBlockId')),
        )
        .set('sequence', toInteger(dataValue(data, 'MessageNumber')))
        .set('total', toInteger(dataValue(data, 'MessageTotal')));
      document.setPatch('powershell', powershell);
      document.setPatch(
        'file',
        new ObjectPatch(document.get('file')).set('path', dataValue(data, 'Path')),
      );
    },
  };
}
