// Anchors shared by several rules. The scanner tests each distinct anchor once, so rules that
// share one cost a single regex in the prefilter.

const KEY_CHARS = '[A-Za-z0-9_.-]{0,48}';
/** Start of a command-line word: line start, whitespace, a quote, or an escaped newline. */
const WORD_START = '(?:^|[\\s"\'`]|\\\\[ntr])';

/**
 * A word that makes a key secret-bearing (see `isSecretFieldName`), inside a key followed by a
 * separator (`password=`, `"token":`, `Authorization:`, `<secret>`) or by whitespace and a
 * 40-character value (`aws_secret_access_key wJalr...`).
 */
export const SECRET_KEY_CONTEXT = `(?i:pass|pwd|secret|token|key|auth|cookie|cred|session|privkey)${KEY_CHARS}(?:\\\\?["'\\]]?\\s{0,3}[:=>]|\\s{1,8}\\\\?["']?[A-Za-z0-9/+]{40})`;

/**
 * A command-line option that can carry a secret: a secret-named one (`--password`,
 * `-storepass`, `--aws-secret-access-key`, `-hashes`) or a short flag some tool uses for a
 * password (`-p`, `-a`, `-w`, `-P`, `-u`, `-U`, `--user`). Pivots on the dash.
 */
export const COMMAND_OPTION = `-(?<=${WORD_START}-)-?(?:[A-Za-z0-9_.-]{0,30}(?i:pass|pwd|secret|token|key|auth|cred|hashes)|[pPawuU]|user|proxy-user)`;

/** A Windows switch carrying a secret: `/pass:`, `/password:` (cmdkey), `/ntlm:`, `/rc4:` (mimikatz). */
export const WINDOWS_SECRET_SWITCH =
  '/(?i:pass|password|passwd|pwd|ntlm|rc4|aes128|aes256|ticket|certpassword):';

/** `user:password@` (URL userinfo, impacket targets); pivots on the rare '@'. */
export const USERINFO_AT = '@(?<=:[^\\s/]{1,256}@)';
