import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SyslogFramer } from './syslog-framer.ts';
import type { FramerEvent, FramerLimits } from './syslog-framer.ts';

const encoder = new TextEncoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);
const LIMITS: FramerLimits = { maxMessageBytes: 1024, maxFrameBytes: 200_000 };

/** Feeds the chunks and the end of stream; returns every event. */
function frame(
  chunks: readonly (string | Uint8Array)[],
  limits: FramerLimits = LIMITS,
): FramerEvent[] {
  const framer = new SyslogFramer(limits);
  const events = chunks.flatMap((chunk) =>
    framer.push(typeof chunk === 'string' ? bytes(chunk) : chunk),
  );
  return [...events, ...framer.end()];
}

const texts = (events: readonly FramerEvent[]): string[] =>
  events.flatMap((event) => (event.kind === 'message' ? [event.text] : []));
const errors = (events: readonly FramerEvent[]): string[] =>
  events.flatMap((event) => (event.kind === 'framing-error' ? [event.reason] : []));

/** Splits bytes into single-byte chunks: every possible split point at once. */
const byteByByte = (text: string): Uint8Array[] => Array.from(bytes(text), (b) => Uint8Array.of(b));

describe('SyslogFramer: non-transparent framing', () => {
  it('ends a message at LF, CRLF or NUL', () => {
    const events = frame(['<13>one\n<13>two\r\n<13>three\0<13>four\n']);
    expect(texts(events)).toEqual(['<13>one', '<13>two', '<13>three', '<13>four']);
    expect(events.every((e) => e.kind === 'message' && e.framing === 'non-transparent')).toBe(true);
  });

  it('skips empty frames such as blank lines', () => {
    expect(texts(frame(['\n\r\n\0<13>a\n\n']))).toEqual(['<13>a']);
  });

  it('keeps a CR that is not part of the trailer', () => {
    expect(texts(frame(['<13>a\rb\n']))).toEqual(['<13>a\rb']);
  });

  it('keeps a BOM and replaces invalid UTF-8 with U+FFFD instead of failing', () => {
    const invalid = Uint8Array.of(0x3c, 0x31, 0x33, 0x3e, 0xff, 0xc3, 0x0a); // "<13>" FF, a lone lead byte, LF
    expect(texts(frame([invalid, '<13>\uFEFFwith BOM\n']))).toEqual([
      '<13>\uFFFD\uFFFD',
      '<13>\uFEFFwith BOM',
    ]);
  });

  it('delivers a final unterminated message when the stream ends', () => {
    expect(texts(frame(['<13>first\n<13>last without LF']))).toEqual([
      '<13>first',
      '<13>last without LF',
    ]);
  });
});

describe('SyslogFramer: octet-counted framing', () => {
  it('reads MSG-LEN SP SYSLOG-MSG frames back to back', () => {
    const events = frame(['5 hello6 world!11 <13>1 - - x']);
    expect(texts(events)).toEqual(['hello', 'world!', '<13>1 - - x']);
    expect(events.every((e) => e.kind === 'message' && e.framing === 'octet-counted')).toBe(true);
  });

  it('lets a frame contain LF and NUL', () => {
    expect(texts(frame(['7 a\nb\0c\nd1 z']))).toEqual(['a\nb\0c\nd', 'z']);
  });

  it('counts bytes, not characters', () => {
    const msg = 'héllo 日本 🚀';
    expect(texts(frame([`${bytes(msg).length} ${msg}2 ok`]))).toEqual([msg, 'ok']);
  });

  it('drops a trailing LF counted inside the frame, as rsyslog does', () => {
    expect(texts(frame(['6 hello\n7 hello\r\n']))).toEqual(['hello', 'hello']);
  });

  it('detects the framing per message', () => {
    const stream = '5 hello<13>plain one\n3 abc<14>plain two\r\n4 last';
    expect(texts(frame([stream]))).toEqual([
      'hello',
      '<13>plain one',
      'abc',
      '<14>plain two',
      'last',
    ]);
    expect(texts(frame(byteByByte(stream)))).toEqual([
      'hello',
      '<13>plain one',
      'abc',
      '<14>plain two',
      'last',
    ]);
  });

  it('reports an incomplete frame at end of stream and delivers what arrived', () => {
    const events = frame(['5 hello10 short']);
    expect(errors(events)).toEqual(['incomplete-frame']);
    expect(events.filter((e) => e.kind === 'message')).toEqual([
      { kind: 'message', text: 'hello', framing: 'octet-counted' },
      { kind: 'message', text: 'short', framing: 'octet-counted', truncated: 'incomplete' },
    ]);
  });
});

describe('SyslogFramer: chunk boundaries', () => {
  it('reassembles frames split at every byte, including inside UTF-8 characters and headers', () => {
    const msg = '<13>1 2026-01-01T00:00:00Z h app - - - ünïcødé 日本語 🚀';
    const stream = `${bytes(msg).length} ${msg}${msg}\n${msg}\r\n`;
    expect(texts(frame(byteByByte(stream)))).toEqual([msg, msg, msg]);
  });

  it('returns many frames from one chunk in order', () => {
    const many = Array.from({ length: 1000 }, (_, i) => `<13>message ${i}`);
    const stream = many.map((m, i) => (i % 2 === 0 ? `${m}\n` : `${m.length} ${m}`)).join('');
    expect(texts(frame([stream]))).toEqual(many);
  });

  it('does not depend on the caller keeping its chunk intact', () => {
    const framer = new SyslogFramer(LIMITS);
    const chunk = bytes('<13>reused buf');
    framer.push(chunk);
    chunk.fill(0x41);
    expect(texts([...framer.push(bytes('fer\n'))])).toEqual(['<13>reused buffer']);
  });
});

describe('SyslogFramer: oversize messages (truncated like rsyslog discardTruncatedMsg=on)', () => {
  const small: FramerLimits = { maxMessageBytes: 16, maxFrameBytes: 200_000 };

  it('truncates a long non-transparent message and discards the rest up to the delimiter', () => {
    const events = frame(['<13>0123456789abcdefghij\n<13>next\n'], small);
    expect(events).toEqual([
      {
        kind: 'message',
        text: '<13>0123456789ab',
        framing: 'non-transparent',
        truncated: 'oversize',
      },
      { kind: 'message', text: '<13>next', framing: 'non-transparent' },
    ]);
  });

  it('truncates a long octet-counted message and skips the rest by count', () => {
    const long = '<13>0123456789abcdefghij\n<13>not a message';
    const events = frame([`${bytes(long).length} ${long}4 next`], small);
    expect(events).toEqual([
      {
        kind: 'message',
        text: '<13>0123456789ab',
        framing: 'octet-counted',
        truncated: 'oversize',
      },
      { kind: 'message', text: 'next', framing: 'octet-counted' },
    ]);
  });

  it('accepts a message of exactly maxMessageBytes, with or without CRLF', () => {
    const exact = '<13>0123456789ab';
    const events = frame([`${exact}\n${exact}\r\n16 ${exact}`], small);
    expect(events.map((e) => (e.kind === 'message' ? e.truncated : e.reason))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(texts(events)).toEqual([exact, exact, exact]);
  });

  it('never cuts a UTF-8 character in half', () => {
    const msg = '<13>abcdefghij日本'; // 14 ASCII bytes then 3-byte characters: the cut falls inside 日
    expect(texts(frame([`${msg}\n`], small))).toEqual(['<13>abcdefghij']);
    expect(texts(frame([`${bytes(msg).length} ${msg}`], small))).toEqual(['<13>abcdefghij']);
  });

  it('holds at most maxMessageBytes + 2 bytes whatever the input', () => {
    const framer = new SyslogFramer(small);
    const junk = new Uint8Array(1024 * 1024).fill(0x41); // 1 MiB without a delimiter
    const events = [
      ...framer.push(junk),
      ...framer.push(junk),
      ...framer.push(bytes('\n<13>ok\n')),
    ];
    expect(events).toEqual([
      { kind: 'message', text: 'A'.repeat(16), framing: 'non-transparent', truncated: 'oversize' },
      { kind: 'message', text: '<13>ok', framing: 'non-transparent' },
    ]);
  });
});

describe('SyslogFramer: garbage frame headers', () => {
  it('falls back to non-transparent framing for an absurd octet count without allocating it', () => {
    const events = frame(['99999999999999999999 <13>garbage\n<13>next\n']);
    expect(errors(events)).toEqual(['frame-too-large']);
    expect(texts(events)).toEqual(['99999999999999999999 <13>garbage', '<13>next']);
  });

  it('treats a count above maxFrameBytes as garbage', () => {
    const events = frame(['300000 <13>x\n'], { maxMessageBytes: 1024, maxFrameBytes: 200_000 });
    expect(errors(events)).toEqual(['frame-too-large']);
    expect(texts(events)).toEqual(['300000 <13>x']);
  });

  it('bounds a header of endless leading zeros', () => {
    const events = frame(['0'.repeat(100_000), ' x\n'], {
      maxMessageBytes: 64,
      maxFrameBytes: 200_000,
    });
    expect(errors(events)).toEqual(['frame-too-large']);
    expect(texts(events)).toEqual(['0'.repeat(64)]);
  });

  it('rejects a zero octet count', () => {
    const events = frame(['0 <13>x\n<13>y\n']);
    expect(errors(events)).toEqual(['zero-length']);
    expect(texts(events)).toEqual(['0 <13>x', '<13>y']);
  });

  it('reads a message that merely starts with digits as non-transparent', () => {
    const events = frame(['2026-01-01T00:00:00Z host app: hello\n123\n<13>next\n']);
    expect(errors(events)).toEqual(['bad-delimiter', 'bad-delimiter']);
    expect(texts(events)).toEqual(['2026-01-01T00:00:00Z host app: hello', '123', '<13>next']);
  });

  it('survives random bytes and never delivers more than maxMessageBytes', () => {
    const limits: FramerLimits = { maxMessageBytes: 32, maxFrameBytes: 100 };
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }), (chunks) => {
        const events = frame(chunks, limits);
        for (const event of events) {
          // Each byte decodes to at most one UTF-16 unit (invalid ones to U+FFFD).
          if (event.kind === 'message') expect(event.text.length).toBeLessThanOrEqual(32);
        }
      }),
    );
  });
});

describe('SyslogFramer: property', () => {
  // A non-transparent message cannot contain its delimiters, start with a digit (that selects
  // octet counting) or end with CR (taken as part of CRLF); an octet-counted one may contain
  // anything but a trailer (trailing LF/NUL), which is stripped like rsyslog does.
  const content = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });
  const lfMessage = content
    .map((text) => text.replace(/[\n\0]/g, ' '))
    .filter((text) => !/^\d/.test(text) && !text.endsWith('\r'));
  const octetMessage = content.filter((text) => !text.endsWith('\n') && !text.endsWith('\0'));
  const framed = fc.oneof(
    fc.record({ text: octetMessage, wire: fc.constant(null) }).map(({ text }) => ({
      text,
      wire: `${bytes(text).length} ${text}`,
    })),
    fc
      .record({ text: lfMessage, trailer: fc.constantFrom('\n', '\r\n', '\0') })
      .map(({ text, trailer }) => ({
        text,
        wire: text + trailer,
      })),
  );

  it('returns exactly the messages sent, in order, however the stream is framed and split', () => {
    fc.assert(
      fc.property(
        fc.array(framed, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (messages, cuts) => {
          const stream = bytes(messages.map((m) => m.wire).join(''));
          const points = [
            ...new Set(cuts.map((c) => (stream.length === 0 ? 0 : c % stream.length))),
          ].sort((a, b) => a - b);
          const chunks = [0, ...points].map((start, i) =>
            stream.subarray(start, points[i] ?? stream.length),
          );
          const events = frame(chunks);
          expect(errors(events)).toEqual([]);
          expect(texts(events)).toEqual(messages.map((m) => m.text));
        },
      ),
      { numRuns: 500 },
    );
  });
});
