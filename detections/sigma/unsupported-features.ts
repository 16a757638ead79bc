/**
 * The Sigma features this engine knowingly does not run, declared as data. A rule that needs one
 * is reported with the feature's name and not loaded; `secops rules check` and the corpus test
 * count rules per feature. Anything else that fails to load is a bug or an invalid rule.
 */
export const UNSUPPORTED_FEATURES: Readonly<Record<string, string>> = {
  placeholder:
    'an `expand` placeholder (%name%) with no value configured: matching it as a wildcard would match wrongly',
  re: 'a regular expression JavaScript cannot express (mid-pattern inline flags, possessive quantifiers, ...)',
  base64: 'base64 of a value with wildcards',
  base64offset: 'base64offset of a value with wildcards',
  fieldref: 'fieldref combined with a modifier other than contains/startswith/endswith/cased',
  action: 'Sigma v1 rule collections (action: global/reset/repeat)',
  timeframe: 'Sigma v1 detection.timeframe (use a correlation rule)',
  aggregation: "Sigma v1 aggregation expressions in the condition ('| count() by ...')",
  condition: "'N of' with N other than 1 (not in the specification)",
  filter: 'Sigma filter (meta) rules',
};
