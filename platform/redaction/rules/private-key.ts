import type { SecretRule } from '../secret-rule.ts';

const BEGIN = /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/g;
const END = /-----END (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/g;

export const privateKeyRule: SecretRule = {
  id: 'private-key',
  description:
    'PEM/OpenSSH/PGP private key block, BEGIN through END, also with newlines escaped as \\n',
  specificity: 'format',
  anchors: ['-----BEGIN [A-Z ]{0,16}PRIVATE KEY'],
  find(text, report) {
    BEGIN.lastIndex = 0;
    for (let begin = BEGIN.exec(text); begin !== null; begin = BEGIN.exec(text)) {
      END.lastIndex = begin.index + begin[0].length;
      const end = END.exec(text);
      // No END marker (a truncated line): everything after BEGIN may be key material.
      const stop = end === null ? text.length : end.index + end[0].length;
      report(begin.index, stop);
      BEGIN.lastIndex = stop;
    }
  },
};
