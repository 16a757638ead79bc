import { verbatim } from './ecs-draft.ts';
import type { Draft } from './ecs-draft.ts';
import { toInteger } from './json-access.ts';
import type { SyslogHeader } from './syslog-header.ts';

const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const;

/** RFC 5424 severity names, also used as `log.level`. */
const SEVERITIES = [
  'emergency',
  'alert',
  'critical',
  'error',
  'warning',
  'notice',
  'informational',
  'debug',
] as const;

/**
 * The ECS fields of a syslog header: `log.syslog.*` (priority, facility, severity, hostname,
 * appname, procid, msgid, structured_data, version), `log.level`, `host.hostname`,
 * `process.name`/`pid` and `event.sequence`. Problems reading the header go to `error.message`
 * with the whole line as `event.original`.
 */
export function syslogFields(header: SyslogHeader, line: string): Draft {
  const { priority } = header;
  const facility = priority === undefined ? undefined : priority >> 3;
  const severity = priority === undefined ? undefined : priority & 7;
  const severityName = severity === undefined ? undefined : SEVERITIES[severity];
  const partial = header.issues.length > 0;
  return {
    log: {
      level: severityName,
      syslog: {
        priority,
        facility: {
          code: facility,
          name: facility === undefined ? undefined : FACILITIES[facility],
        },
        severity: { code: severity, name: severityName },
        hostname: header.hostname,
        appname: header.appName,
        procid: header.procId,
        msgid: header.msgId,
        structured_data: verbatim(header.structuredData),
        version: header.version === undefined ? undefined : String(header.version),
      },
    },
    host: { hostname: header.hostname },
    process: { name: header.appName, pid: toInteger(header.procId) },
    event: { sequence: header.sequence, original: partial ? line : undefined },
    error: partial ? { message: [...header.issues] } : undefined,
  };
}
