export { createSyslogServer } from './syslog-server.ts';
export type { ListenAddress, SyslogServer, SyslogServerOptions } from './syslog-server.ts';
export type { SyslogLogger, SyslogMessage, SyslogPeer, SyslogSink } from './syslog-message.ts';
export type { SyslogMetricListener, SyslogStatName, SyslogStats } from './syslog-stats.ts';
export { SyslogFramer } from './syslog-framer.ts';
export type { Framing, FramerEvent, FramerLimits, FramingErrorReason } from './syslog-framer.ts';
