import { describe, expect, it } from 'vitest';
import { isSecOpsError } from '../../platform/errors/index.ts';
import { parseMappings } from './logsource-mapping.ts';

/** The error `parseMappings` throws for the files, with its details. */
function errorOf(files: { name: string; text: string }[]): {
  code: string;
  message: string;
  details: Readonly<Record<string, unknown>>;
} {
  try {
    parseMappings(files);
  } catch (error) {
    if (!isSecOpsError(error)) throw error;
    return { code: error.code, message: error.message, details: error.details };
  }
  return expect.fail('expected DETECTION_MAPPING_INVALID');
}

const valid = `logsources:
  - product: windows
    filter:
      - winlog.channel: { exists: true }
`;

describe('invalid mapping files', () => {
  it('names file and line of a YAML syntax error', () => {
    const error = errorOf([{ name: 'broken.yaml', text: 'logsources:\n  - product: [windows\n' }]);
    expect(error.code).toBe('DETECTION_MAPPING_INVALID');
    expect(error.details.file).toBe('broken.yaml');
    expect(error.message).toMatch(/^broken\.yaml:\d+:\d+: not valid YAML/);
  });

  it('names the line and field of a value of the wrong shape', () => {
    const text = `logsources:
  - product: windows
    category: process_creation
    filter:
      - winlog.channel: Microsoft-Windows-Sysmon/Operational
        event.code: { equals: 1 }
`;
    const error = errorOf([{ name: 'windows.yaml', text }]);
    expect(error.code).toBe('DETECTION_MAPPING_INVALID');
    expect(error.details).toMatchObject({
      file: 'windows.yaml',
      line: 6,
      field: expect.stringMatching(/^logsources\[0\]\.filter\[0\]\["event\.code"\]/),
    });
    expect(error.message).toContain('windows.yaml:6:');
  });

  it('names the line of an unknown key', () => {
    const text = `logsources:
  - product: windows
    filter: all
    feilds:
      Image: process.executable
`;
    const error = errorOf([{ name: 'typo.yaml', text }]);
    expect(error.details).toMatchObject({
      file: 'typo.yaml',
      line: 4,
      field: 'logsources[0].feilds',
    });
  });

  it('rejects a logsource without product, category or service, and a missing filter', () => {
    const none = errorOf([{ name: 'a.yaml', text: 'logsources:\n  - filter: all\n' }]);
    expect(none.details).toMatchObject({ file: 'a.yaml', line: 2, field: 'logsources[0]' });
    expect(none.message).toContain('needs a product, a category or a service');
    const noFilter = errorOf([{ name: 'b.yaml', text: 'logsources:\n  - product: zeek\n' }]);
    expect(noFilter.details).toMatchObject({ line: 2, field: 'logsources[0].filter' });
  });

  it('rejects unknown placeholders and {rest} outside prefix entries', () => {
    const text = `logsources:
  - product: aws
    filter: all
    fields:
      eventName: event.action
      requestParameters: 'aws.{rest}'
    default: ['aws.{feild}']
`;
    const error = errorOf([{ name: 'aws.yaml', text }]);
    expect(error.details).toMatchObject({
      line: 6,
      field: 'logsources[0].fields.requestParameters[0]',
    });
    const unknown = errorOf([
      {
        name: 'aws.yaml',
        text: 'logsources:\n  - product: aws\n    filter: all\n    default: ["aws.{feild}"]\n',
      },
    ]);
    expect(unknown.message).toContain('unknown placeholder');
    expect(unknown.details).toMatchObject({ line: 4 });
  });

  it('rejects empty path segments', () => {
    const text = 'logsources:\n  - service: x\n    filter:\n      - event..module: x\n';
    const error = errorOf([{ name: 'x.yaml', text }]);
    expect(error.details).toMatchObject({ line: 4 });
    expect(error.message).toContain('no empty segments');
  });

  it('rejects a logsource declared twice, naming both places', () => {
    const error = errorOf([
      { name: 'one.yaml', text: valid },
      { name: 'two.yaml', text: `# again\n${valid}` },
    ]);
    expect(error.details).toMatchObject({ file: 'two.yaml', line: 3 });
    expect(error.message).toContain('already declared at one.yaml:2');
  });

  it('rejects an empty file', () => {
    const error = errorOf([{ name: 'empty.yaml', text: '# nothing\n' }]);
    expect(error.details).toMatchObject({ file: 'empty.yaml', line: 1 });
  });
});
