import { cefParser } from './cef.ts';
import { cloudtrailParser } from './cloudtrail.ts';
import { ecsParser } from './ecs.ts';
import { evtxDumpParser } from './evtx-dump.ts';
import { githubAuditParser } from './github-audit.ts';
import { jsonParser } from './json.ts';
import { k8sAuditParser } from './k8s-audit.ts';
import type { ConcreteParserId } from './parse-result.ts';
import type { Parser } from './parser.ts';
import { syslogParser } from './syslog.ts';
import { textParser } from './text.ts';
import { winlogbeatParser } from './winlogbeat.ts';

/** Every parser by id. */
export const parsers: Readonly<Record<ConcreteParserId, Parser>> = {
  ecs: ecsParser,
  syslog: syslogParser,
  cef: cefParser,
  cloudtrail: cloudtrailParser,
  'k8s-audit': k8sAuditParser,
  winlogbeat: winlogbeatParser,
  'evtx-dump': evtxDumpParser,
  'github-audit': githubAuditParser,
  json: jsonParser,
  text: textParser,
};

/**
 * The order `auto` tries parsers in: specific JSON shapes before the generic ones (a CloudTrail
 * record or a Winlogbeat document is also valid ECS-ish JSON), CEF before syslog before text.
 */
export const JSON_DETECTION_ORDER: readonly Parser[] = [
  cloudtrailParser,
  k8sAuditParser,
  evtxDumpParser,
  githubAuditParser,
  winlogbeatParser,
  ecsParser,
  jsonParser,
];
export const TEXT_DETECTION_ORDER: readonly Parser[] = [cefParser, syslogParser, textParser];
