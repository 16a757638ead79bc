/**
 * CEF extension keys: the dictionary's short names and their full names (as Elastic's decode_cef
 * stores them under `cef.extensions`), and the ECS field each full name maps to.
 */

/** Short key → full key, from the CEF extension dictionary. Full keys map to themselves. */
export const FULL_KEY_NAMES: Readonly<Record<string, string>> = {
  act: 'deviceAction',
  agt: 'agentAddress',
  ahost: 'agentHostName',
  aid: 'agentId',
  amac: 'agentMacAddress',
  app: 'applicationProtocol',
  art: 'agentReceiptTime',
  at: 'agentType',
  atz: 'agentTimeZone',
  av: 'agentVersion',
  cat: 'deviceEventCategory',
  catdt: 'categoryDeviceType',
  cnt: 'baseEventCount',
  dhost: 'destinationHostName',
  dlat: 'destinationGeoLatitude',
  dlong: 'destinationGeoLongitude',
  dmac: 'destinationMacAddress',
  dntdom: 'destinationNtDomain',
  dpid: 'destinationProcessId',
  dpriv: 'destinationUserPrivileges',
  dproc: 'destinationProcessName',
  dpt: 'destinationPort',
  dst: 'destinationAddress',
  dtz: 'deviceTimeZone',
  duid: 'destinationUserId',
  duser: 'destinationUserName',
  dvc: 'deviceAddress',
  dvchost: 'deviceHostName',
  dvcmac: 'deviceMacAddress',
  dvcpid: 'deviceProcessId',
  end: 'endTime',
  fname: 'filename',
  fsize: 'fileSize',
  in: 'bytesIn',
  msg: 'message',
  out: 'bytesOut',
  outcome: 'eventOutcome',
  proto: 'transportProtocol',
  request: 'requestUrl',
  rt: 'deviceReceiptTime',
  shost: 'sourceHostName',
  slat: 'sourceGeoLatitude',
  slong: 'sourceGeoLongitude',
  smac: 'sourceMacAddress',
  sntdom: 'sourceNtDomain',
  spid: 'sourceProcessId',
  spriv: 'sourceUserPrivileges',
  sproc: 'sourceProcessName',
  spt: 'sourcePort',
  src: 'sourceAddress',
  start: 'startTime',
  suid: 'sourceUserId',
  suser: 'sourceUserName',
  ...numbered('cs', 'deviceCustomString', 6),
  ...numbered('cn', 'deviceCustomNumber', 3),
  ...numbered('cfp', 'deviceCustomFloatingPoint', 4),
  ...numbered('c6a', 'deviceCustomIPv6Address', 4),
};

function numbered(short: string, full: string, count: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let n = 1; n <= count; n++) {
    out[`${short}${n}`] = `${full}${n}`;
    out[`${short}${n}Label`] = `${full}${n}Label`;
  }
  return out;
}

/** Custom fields that come with a `...Label` key naming them; mapped to `labels.<label>`. */
export const LABELLED_KEYS: ReadonlySet<string> = new Set([
  ...range('deviceCustomString', 6),
  ...range('deviceCustomNumber', 3),
  ...range('deviceCustomFloatingPoint', 4),
  ...range('deviceCustomIPv6Address', 4),
  'deviceCustomDate1',
  'deviceCustomDate2',
  'flexString1',
  'flexString2',
  'flexNumber1',
  'flexNumber2',
  'flexDate1',
]);

function range(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
}

export type CefValueType =
  'string' | 'lower' | 'ip' | 'port' | 'integer' | 'time' | 'mac' | 'outcome';

/** Full key → ECS field and how the value is typed (Elastic's CEF mapping, ECS fields only). */
export const ECS_TARGETS: Readonly<Record<string, readonly [field: string, type: CefValueType]>> = {
  agentReceiptTime: ['event.created', 'time'],
  applicationProtocol: ['network.protocol', 'lower'],
  bytesIn: ['source.bytes', 'integer'],
  bytesOut: ['destination.bytes', 'integer'],
  customerExternalID: ['organization.id', 'string'],
  customerURI: ['organization.name', 'string'],
  destinationAddress: ['destination.ip', 'ip'],
  destinationHostName: ['destination.domain', 'string'],
  destinationMacAddress: ['destination.mac', 'mac'],
  destinationPort: ['destination.port', 'port'],
  destinationTranslatedAddress: ['destination.nat.ip', 'ip'],
  destinationTranslatedPort: ['destination.nat.port', 'port'],
  destinationUserId: ['destination.user.id', 'string'],
  destinationUserName: ['destination.user.name', 'string'],
  destinationUserPrivileges: ['destination.user.group.name', 'string'],
  deviceAction: ['event.action', 'string'],
  deviceAddress: ['observer.ip', 'ip'],
  deviceExternalId: ['observer.name', 'string'],
  deviceHostName: ['observer.hostname', 'string'],
  deviceMacAddress: ['observer.mac', 'mac'],
  deviceProcessId: ['process.pid', 'integer'],
  deviceProcessName: ['process.name', 'string'],
  deviceReceiptTime: ['@timestamp', 'time'],
  deviceTimeZone: ['event.timezone', 'string'],
  endTime: ['event.end', 'time'],
  eventOutcome: ['event.outcome', 'outcome'],
  fileCreateTime: ['file.created', 'time'],
  fileId: ['file.inode', 'string'],
  fileModificationTime: ['file.mtime', 'time'],
  filename: ['file.name', 'string'],
  filePath: ['file.path', 'string'],
  fileSize: ['file.size', 'integer'],
  message: ['message', 'string'],
  requestClientApplication: ['user_agent.original', 'string'],
  requestMethod: ['http.request.method', 'string'],
  requestUrl: ['url.original', 'string'],
  sourceAddress: ['source.ip', 'ip'],
  sourceHostName: ['source.domain', 'string'],
  sourceMacAddress: ['source.mac', 'mac'],
  sourcePort: ['source.port', 'port'],
  sourceTranslatedAddress: ['source.nat.ip', 'ip'],
  sourceTranslatedPort: ['source.nat.port', 'port'],
  sourceUserId: ['source.user.id', 'string'],
  sourceUserName: ['source.user.name', 'string'],
  sourceUserPrivileges: ['source.user.group.name', 'string'],
  startTime: ['event.start', 'time'],
  transportProtocol: ['network.transport', 'lower'],
};
