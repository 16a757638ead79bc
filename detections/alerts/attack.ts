/**
 * MITRE ATT&CK (Enterprise) references in Sigma tags: `attack.t1059.001` names a technique,
 * `attack.execution` a tactic (Sigma writes tactic names lower-case with dashes; older rules use
 * underscores). Groups (`attack.g0016`), software (`attack.s0002`) and other namespaces are not
 * tactics or techniques and are ignored here.
 */

/** An Enterprise ATT&CK tactic: its id (`TA0002`), name and the short name tags use. */
export interface AttackTactic {
  readonly id: string;
  readonly name: string;
}

interface TacticEntry extends AttackTactic {
  readonly shortName: string;
}

/**
 * The Enterprise tactics of ATT&CK v19 (April 2026), in matrix order, with the short names tags
 * use. v19 retired Defense Evasion and split it into Stealth (which kept its id, TA0005) and
 * Defense Impairment (TA0112).
 */
const ENTRIES: readonly TacticEntry[] = [
  { id: 'TA0043', name: 'Reconnaissance', shortName: 'reconnaissance' },
  { id: 'TA0042', name: 'Resource Development', shortName: 'resource-development' },
  { id: 'TA0001', name: 'Initial Access', shortName: 'initial-access' },
  { id: 'TA0002', name: 'Execution', shortName: 'execution' },
  { id: 'TA0003', name: 'Persistence', shortName: 'persistence' },
  { id: 'TA0004', name: 'Privilege Escalation', shortName: 'privilege-escalation' },
  { id: 'TA0005', name: 'Stealth', shortName: 'stealth' },
  { id: 'TA0112', name: 'Defense Impairment', shortName: 'defense-impairment' },
  { id: 'TA0006', name: 'Credential Access', shortName: 'credential-access' },
  { id: 'TA0007', name: 'Discovery', shortName: 'discovery' },
  { id: 'TA0008', name: 'Lateral Movement', shortName: 'lateral-movement' },
  { id: 'TA0009', name: 'Collection', shortName: 'collection' },
  { id: 'TA0011', name: 'Command and Control', shortName: 'command-and-control' },
  { id: 'TA0010', name: 'Exfiltration', shortName: 'exfiltration' },
  { id: 'TA0040', name: 'Impact', shortName: 'impact' },
];

/** The Enterprise tactics of ATT&CK v19, in matrix order. */
export const ENTERPRISE_TACTICS: readonly AttackTactic[] = ENTRIES.map(({ id, name }) => ({
  id,
  name,
}));

/** Retired short names still found in rules, and the tactic whose id they had. */
const RETIRED: Readonly<Record<string, string>> = { 'defense-evasion': 'TA0005' };

const BY_ID: ReadonlyMap<string, TacticEntry> = new Map(ENTRIES.map((t) => [t.id, t]));
const BY_NAME: ReadonlyMap<string, TacticEntry> = new Map([
  ...ENTRIES.map((t) => [t.shortName, t] as const),
  ...Object.entries(RETIRED).flatMap(([name, id]) => {
    const entry = BY_ID.get(id);
    return entry ? [[name, entry] as const] : [];
  }),
]);

const TECHNIQUE = /^t(\d{4})(?:\.(\d{3}))?$/i;
const TACTIC_ID = /^ta\d{4}$/i;

/** What an alert says about ATT&CK: tactics (matrix order) and technique ids (`T1059.001`). */
export interface AttackMapping {
  readonly tactics: readonly AttackTactic[];
  readonly techniques: readonly string[];
}

/**
 * The tactic a text names: an id (`TA0006`, any case), a short name in either spelling
 * (`credential-access`, `credential_access`), a name (`Credential Access`), or a Sigma tag
 * (`attack.credential-access`). Undefined when it names none.
 */
export function toTactic(text: string): AttackTactic | undefined {
  const bare = text.trim().replace(/^attack\./i, '');
  if (TACTIC_ID.test(bare)) return publicTactic(BY_ID.get(bare.toUpperCase()));
  return publicTactic(BY_NAME.get(bare.toLowerCase().replaceAll(/[\s_]+/g, '-')));
}

/**
 * The technique id a text names (`T1059`, `t1059.001`, `attack.t1059.001`), upper-cased, or
 * undefined. Ids are not checked against the ATT&CK catalogue: rules may cite newer ones.
 */
export function toTechnique(text: string): string | undefined {
  const match = TECHNIQUE.exec(text.trim().replace(/^attack\./i, ''));
  if (!match) return undefined;
  return match[2] === undefined ? `T${match[1] ?? ''}` : `T${match[1] ?? ''}.${match[2]}`;
}

/** The tactics and techniques of a rule's tags; each listed once. */
export function attackOf(tags: readonly string[]): AttackMapping {
  const tactics = new Set<string>();
  const techniques: string[] = [];
  for (const tag of tags) {
    if (!/^attack\./i.test(tag.trim())) continue;
    const technique = toTechnique(tag);
    if (technique !== undefined) {
      if (!techniques.includes(technique)) techniques.push(technique);
      continue;
    }
    const tactic = toTactic(tag);
    if (tactic) tactics.add(tactic.id);
  }
  return {
    tactics: ENTERPRISE_TACTICS.filter((t) => tactics.has(t.id)),
    techniques,
  };
}

function publicTactic(entry: TacticEntry | undefined): AttackTactic | undefined {
  return entry === undefined ? undefined : { id: entry.id, name: entry.name };
}
