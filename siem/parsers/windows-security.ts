import { baseName, ipOrUndefined, portOrUndefined } from './field-values.ts';
import { toIntegerHexOrDecimal } from './json-access.ts';
import { ObjectPatch } from './object-patch.ts';
import type { JsonObject } from './parser.ts';
import { listOf } from './windows-mapping.ts';
import type { AccountFields, WindowsMapping } from './windows-mapping.ts';
import { dataValue } from './windows-values.ts';

/** ECS mappings of Windows Security log events (after Elastic's winlogbeat security pipeline). */

type Entry = readonly [category: readonly string[], type: readonly string[], action: string];

const CATEGORIES: Readonly<Record<string, Entry>> = {
  '1102': [['iam'], ['admin', 'change'], 'audit-log-cleared'],
  '4624': [['authentication'], ['start'], 'logged-in'],
  '4625': [['authentication'], ['start'], 'logon-failed'],
  '4634': [['authentication'], ['end'], 'logged-out'],
  '4647': [['authentication'], ['end'], 'logged-out'],
  '4648': [['authentication'], ['start'], 'logged-in-explicit'],
  '4672': [['iam'], ['admin'], 'logged-in-special'],
  '4688': [['process'], ['start'], 'created-process'],
  '4689': [['process'], ['end'], 'exited-process'],
  '4697': [['iam', 'configuration'], ['admin', 'change'], 'service-installed'],
  '4698': [['iam', 'configuration'], ['creation', 'admin'], 'scheduled-task-created'],
  '4719': [['iam', 'configuration'], ['admin', 'change'], 'changed-audit-config'],
  '4720': [['iam'], ['user', 'creation'], 'added-user-account'],
  '4722': [['iam'], ['user', 'change'], 'enabled-user-account'],
  '4723': [['iam'], ['user', 'change'], 'changed-password'],
  '4724': [['iam'], ['user', 'change'], 'reset-password'],
  '4725': [['iam'], ['user', 'deletion'], 'disabled-user-account'],
  '4726': [['iam'], ['user', 'deletion'], 'deleted-user-account'],
  '4727': [['iam'], ['group', 'creation'], 'added-group-account'],
  '4728': [['iam'], ['group', 'change'], 'added-member-to-group'],
  '4729': [['iam'], ['group', 'change'], 'removed-member-from-group'],
  '4730': [['iam'], ['group', 'deletion'], 'deleted-group-account'],
  '4731': [['iam'], ['group', 'creation'], 'added-group-account'],
  '4732': [['iam'], ['group', 'change'], 'added-member-to-group'],
  '4733': [['iam'], ['group', 'change'], 'removed-member-from-group'],
  '4734': [['iam'], ['group', 'deletion'], 'deleted-group-account'],
  '4735': [['iam'], ['group', 'change'], 'modified-group-account'],
  '4738': [['iam'], ['user', 'change'], 'modified-user-account'],
  '4740': [['iam'], ['user', 'change'], 'locked-out-user-account'],
  '4754': [['iam'], ['group', 'creation'], 'added-group-account'],
  '4756': [['iam'], ['group', 'change'], 'added-member-to-group'],
  '4757': [['iam'], ['group', 'change'], 'removed-member-from-group'],
  '4767': [['iam'], ['user', 'change'], 'unlocked-user-account'],
  '4768': [['authentication'], ['start'], 'kerberos-authentication-ticket-requested'],
  '4769': [['authentication'], ['start'], 'kerberos-service-ticket-requested'],
  '4771': [['authentication'], ['start'], 'kerberos-preauth-failed'],
  '4776': [['authentication'], ['start'], 'credential-validated'],
};

const LOGON_TYPES: Readonly<Record<string, string>> = {
  '2': 'Interactive',
  '3': 'Network',
  '4': 'Batch',
  '5': 'Service',
  '7': 'Unlock',
  '8': 'NetworkCleartext',
  '9': 'NewCredentials',
  '10': 'RemoteInteractive',
  '11': 'CachedInteractive',
};

const TARGET_IS_ACTOR = new Set(['4624', '4625', '4634', '4647', '4768', '4769', '4771', '4776']);
const USER_ACCOUNT_EVENTS = new Set([
  '4720',
  '4722',
  '4723',
  '4724',
  '4725',
  '4726',
  '4738',
  '4740',
  '4767',
]);
const GROUP_EVENTS = new Set([
  '4727',
  '4728',
  '4729',
  '4730',
  '4731',
  '4732',
  '4733',
  '4734',
  '4735',
  '4754',
  '4756',
  '4757',
]);

/** The mapping of one Security event: categorisation, user/target/group, source, process, logon. */
export function securityMapping(
  code: string,
  data: JsonObject,
  userData: JsonObject | undefined,
): WindowsMapping {
  const entry = Object.hasOwn(CATEGORIES, code) ? CATEGORIES[code] : undefined;
  const subject = account(data, 'Subject');
  const target = account(data, 'Target');
  const actor =
    code === '1102' ? account(userData, 'Subject') : TARGET_IS_ACTOR.has(code) ? target : subject;
  const logonType = dataValue(data, 'LogonType');
  const group = GROUP_EVENTS.has(code);
  return {
    category: listOf(entry?.[0]),
    type: listOf(entry?.[1]),
    action: entry?.[2],
    outcome: code === '4625' || code === '4771' ? 'failure' : undefined,
    // Explicit-credential logons, account and group changes are told from the subject's side.
    user: code === '4648' || USER_ACCOUNT_EVENTS.has(code) || group ? subject : actor,
    effective: code === '4648' ? target : undefined,
    target: USER_ACCOUNT_EVENTS.has(code)
      ? target
      : group
        ? { id: dataValue(data, 'MemberSid'), name: commonName(dataValue(data, 'MemberName')) }
        : undefined,
    logon: {
      id: dataValue(data, code === '4672' ? 'SubjectLogonId' : 'TargetLogonId'),
      type: logonType === undefined ? undefined : (LOGON_TYPES[logonType] ?? logonType),
    },
    write: (document) => {
      writeSecurityFields(document, code, data, group ? target : undefined);
    },
  };
}

/** source, group (for group changes), process. */
function writeSecurityFields(
  document: ObjectPatch,
  code: string,
  data: JsonObject,
  group: Account | undefined,
): void {
  const address = dataValue(data, 'IpAddress')?.replace(/^::ffff:/i, '');
  document.setPatch(
    'source',
    new ObjectPatch(document.get('source'))
      .set('ip', ipOrUndefined(address))
      .set('port', nonZero(portOrUndefined(dataValue(data, 'IpPort'))))
      .set('domain', dataValue(data, 'WorkstationName') ?? dataValue(data, 'Workstation')),
  );
  if (group !== undefined) {
    document.setPatch(
      'group',
      new ObjectPatch(document.get('group'))
        .set('name', group.name)
        .set('domain', group.domain)
        .set('id', group.id),
    );
  }
  const process = new ObjectPatch(document.get('process'));
  if (code === '4688') {
    const executable = dataValue(data, 'NewProcessName');
    const parent = dataValue(data, 'ParentProcessName');
    process
      .set('executable', executable)
      .set('name', baseName(executable))
      .set('pid', toIntegerHexOrDecimal(dataValue(data, 'NewProcessId')))
      .set('command_line', dataValue(data, 'CommandLine'))
      .setPatch(
        'parent',
        new ObjectPatch(process.get('parent'))
          .set('executable', parent)
          .set('name', baseName(parent))
          .set('pid', toIntegerHexOrDecimal(dataValue(data, 'ProcessId'))),
      );
  } else {
    const executable = dataValue(data, 'ProcessName');
    process
      .set('executable', executable)
      .set('name', baseName(executable))
      .set('pid', toIntegerHexOrDecimal(dataValue(data, 'ProcessId')));
  }
  document.setPatch('process', process);
}

interface Account extends AccountFields {
  readonly name: string | undefined;
  readonly domain: string | undefined;
  readonly id: string | undefined;
}

function account(data: JsonObject | undefined, prefix: 'Subject' | 'Target'): Account {
  return prefix === 'Subject'
    ? {
        name: dataValue(data, 'SubjectUserName'),
        domain: dataValue(data, 'SubjectDomainName'),
        id: dataValue(data, 'SubjectUserSid') ?? dataValue(data, 'SubjectSid'),
      }
    : {
        name: dataValue(data, 'TargetUserName'),
        domain: dataValue(data, 'TargetDomainName'),
        id: dataValue(data, 'TargetUserSid') ?? dataValue(data, 'TargetSid'),
      };
}

/** `CN=Jane Doe,OU=Staff,DC=example,DC=com` → `Jane Doe`; other names as they are. */
function commonName(member: string | undefined): string | undefined {
  if (member === undefined) return undefined;
  const match = /^CN=((?:\\,|[^,])+)/i.exec(member);
  return match?.[1]?.replaceAll('\\,', ',') ?? member;
}

function nonZero(port: number | undefined): number | undefined {
  return port === 0 ? undefined : port;
}
