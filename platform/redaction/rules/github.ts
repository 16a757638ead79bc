import type { SecretRule } from '../secret-rule.ts';
import { eachMatch } from './each-match.ts';
import { githubTokenChecksum } from './github-checksum.ts';

const CLASSIC =
  /(?<=^|[^A-Za-z0-9_]|\\[ntr])gh[pousr]_([A-Za-z0-9]{30})([A-Za-z0-9]{6})(?![A-Za-z0-9_])/g;

export const githubTokenRule: SecretRule = {
  id: 'github-token',
  description:
    'GitHub token (ghp_, gho_, ghu_, ghs_, ghr_ + 30 characters + valid CRC32 base62 checksum)',
  specificity: 'format',
  anchors: ['_(?<=gh[pousr]_)[A-Za-z0-9]{36}'],
  find(text, report) {
    eachMatch(CLASSIC, text, (m) => {
      const [token, body = '', checksum = ''] = m;
      if (githubTokenChecksum(body) === checksum) report(m.index, m.index + token.length);
    });
  },
};

// Fine-grained PATs are `github_pat_` + 22 + `_` + 59 today; the prefix alone is specific
// enough, so the body length is left open (bounded) for format changes.
const FINE_GRAINED = /(?<=^|[^A-Za-z0-9_]|\\[ntr])github_pat_[A-Za-z0-9_]{30,255}/g;

export const githubFineGrainedPatRule: SecretRule = {
  id: 'github-fine-grained-pat',
  description: 'GitHub fine-grained personal access token (github_pat_...)',
  specificity: 'format',
  anchors: ['_(?<=github_pat_)'],
  find(text, report) {
    eachMatch(FINE_GRAINED, text, (m) => report(m.index, m.index + m[0].length));
  },
};
