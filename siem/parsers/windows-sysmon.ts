import { baseName, ipOrUndefined, portOrUndefined } from './field-values.ts';
import { toInteger } from './json-access.ts';
import { ObjectPatch } from './object-patch.ts';
import type { JsonObject } from './parser.ts';
import { listOf } from './windows-mapping.ts';
import type { WindowsMapping } from './windows-mapping.ts';
import { dataValue, parseHashes, splitAccount } from './windows-values.ts';

/** ECS mappings of Sysmon events (after Elastic's sysmon pipeline; raw fields stay in event_data). */

type Entry = readonly [category: readonly string[], type: readonly string[], action: string];

const EVENTS: Readonly<Record<string, Entry>> = {
  '1': [['process'], ['start'], 'Process creation'],
  '2': [['file'], ['change'], 'File creation time changed'],
  '3': [['network'], ['start', 'connection'], 'Network connection'],
  '5': [['process'], ['end'], 'Process terminated'],
  '6': [['driver'], ['start'], 'Driver loaded'],
  '7': [['process'], ['change'], 'Image loaded'],
  '8': [['process'], ['change'], 'CreateRemoteThread'],
  '10': [['process'], ['access'], 'ProcessAccess'],
  '11': [['file'], ['creation'], 'File created'],
  '12': [['configuration', 'registry'], ['change'], 'Registry object added or deleted'],
  '13': [['configuration', 'registry'], ['change'], 'Registry value set'],
  '14': [['configuration', 'registry'], ['change'], 'Registry object renamed'],
  '15': [['file'], ['access'], 'File stream created'],
  '22': [['network'], ['protocol', 'info'], 'Dns query'],
  '23': [['file'], ['deletion'], 'File Delete archived'],
  '26': [['file'], ['deletion'], 'File Delete logged'],
};

/** Events whose `Hashes` describe a file rather than the acting process. */
const FILE_HASH_EVENTS = new Set(['6', '7', '15', '23', '26']);
/** Events about a file (`TargetFilename`, or `ImageLoaded` for drivers and images). */
const FILE_EVENTS = new Set(['2', '6', '7', '11', '15', '23', '26']);

export function sysmonMapping(code: string, data: JsonObject): WindowsMapping {
  const entry = Object.hasOwn(EVENTS, code) ? EVENTS[code] : undefined;
  const user = splitAccount(dataValue(data, 'User'));
  return {
    category: listOf(entry?.[0]),
    type: listOf(entry?.[1]),
    action: entry?.[2],
    outcome: undefined,
    user: { name: user.name, domain: user.domain },
    effective: undefined,
    target: undefined,
    logon: undefined,
    write: (document) => {
      writeSysmonFields(document, code, data);
    },
  };
}

/** rule, process, related.hash, then source/destination/network, file, registry or dns. */
function writeSysmonFields(document: ObjectPatch, code: string, data: JsonObject): void {
  // ProcessAccess (10) and CreateRemoteThread (8) name the acting process Source*.
  const source = code === '8' || code === '10';
  const executable = dataValue(data, source ? 'SourceImage' : 'Image');
  const { hash, imphash } = parseHashes(dataValue(data, 'Hashes'));
  const fileHashes = FILE_HASH_EVENTS.has(code);
  document.setPatch('rule', patchOf(document, 'rule').set('name', dataValue(data, 'RuleName')));

  const process = patchOf(document, 'process')
    .set(
      'entity_id',
      source
        ? (dataValue(data, 'SourceProcessGuid') ?? dataValue(data, 'SourceProcessGUID'))
        : (dataValue(data, 'ProcessGuid') ?? dataValue(data, 'ProcessGUID')),
    )
    .set('pid', toInteger(dataValue(data, source ? 'SourceProcessId' : 'ProcessId')))
    .set('executable', executable)
    .set('name', baseName(executable))
    .merge('hash', fileHashes ? undefined : hash);
  const pe = patchOf(process, 'pe').set('imphash', fileHashes ? undefined : imphash);
  if (code === '1') {
    pe.set('original_file_name', dataValue(data, 'OriginalFileName'))
      .set('company', dataValue(data, 'Company'))
      .set('description', dataValue(data, 'Description'))
      .set('file_version', dataValue(data, 'FileVersion'))
      .set('product', dataValue(data, 'Product'));
  }
  process.setPatch('pe', pe);
  if (code === '1') {
    const parent = dataValue(data, 'ParentImage');
    process
      .set('command_line', dataValue(data, 'CommandLine'))
      .set('working_directory', dataValue(data, 'CurrentDirectory'))
      .setPatch(
        'parent',
        patchOf(process, 'parent')
          .set('entity_id', dataValue(data, 'ParentProcessGuid'))
          .set('pid', toInteger(dataValue(data, 'ParentProcessId')))
          .set('executable', parent)
          .set('name', baseName(parent))
          .set('command_line', dataValue(data, 'ParentCommandLine')),
      );
  }
  document.setPatch('process', process);
  document.setPatch('related', patchOf(document, 'related').set('hash', Object.values(hash)));

  if (code === '3') {
    const initiated = dataValue(data, 'Initiated');
    for (const [side, prefix] of [
      ['source', 'Source'],
      ['destination', 'Destination'],
    ] as const) {
      document.setPatch(
        side,
        patchOf(document, side)
          .set('ip', ipOrUndefined(dataValue(data, `${prefix}Ip`)))
          .set('port', portOrUndefined(dataValue(data, `${prefix}Port`)))
          .set('domain', dataValue(data, `${prefix}Hostname`)),
      );
    }
    document.setPatch(
      'network',
      patchOf(document, 'network')
        .set('transport', dataValue(data, 'Protocol')?.toLowerCase())
        .set(
          'direction',
          initiated === undefined
            ? undefined
            : initiated.toLowerCase() === 'true'
              ? 'egress'
              : 'ingress',
        ),
    );
  }
  const filePath = dataValue(data, code === '6' || code === '7' ? 'ImageLoaded' : 'TargetFilename');
  if (FILE_EVENTS.has(code) && filePath !== undefined) {
    const file = patchOf(document, 'file')
      .set('path', filePath)
      .set('name', baseName(filePath))
      .merge('hash', fileHashes ? hash : undefined);
    document.setPatch(
      'file',
      file.setPatch('pe', patchOf(file, 'pe').set('imphash', fileHashes ? imphash : undefined)),
    );
  }
  if (code === '12' || code === '13' || code === '14') {
    const path = dataValue(data, 'TargetObject');
    const details = dataValue(data, 'Details');
    const registry = patchOf(document, 'registry')
      .set('path', path)
      .set('hive', path?.split('\\')[0])
      .set('value', code === '13' ? baseName(path) : undefined);
    const strings = code === '13' && details !== undefined ? [details] : undefined;
    document.setPatch(
      'registry',
      registry.setPatch('data', patchOf(registry, 'data').set('strings', strings)),
    );
  }
  if (code === '22') {
    const dns = patchOf(document, 'dns');
    const question = patchOf(dns, 'question').set('name', dataValue(data, 'QueryName'));
    document.setPatch('dns', dns.setPatch('question', question));
  }
}

/** A patch of the object at `key` of `parent` (a new object when there is none). */
function patchOf(parent: ObjectPatch, key: string): ObjectPatch {
  return new ObjectPatch(parent.get(key));
}
