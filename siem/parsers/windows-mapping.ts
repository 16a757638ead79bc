import type { ObjectPatch } from './object-patch.ts';

/** ECS `user.*`-style fields of an account; members are written in their own order. */
export type AccountFields = Readonly<Record<string, string | undefined>>;

/**
 * What a provider's mapping (Sysmon, Security, PowerShell) adds to a Windows event. The shared
 * mapping (`enrichWindowsEvent`) writes `event.*`, `winlog.logon` and `user.*` in among its own
 * fields, then lets `write` add the provider's other field sets after them.
 */
export interface WindowsMapping {
  readonly category: string[] | undefined;
  readonly type: string[] | undefined;
  readonly action: string | undefined;
  /** Set only when the event id decides it (failed logons); otherwise the keywords do. */
  readonly outcome: string | undefined;
  /** `user.name`, `user.domain`, `user.id` (an absent id leaves the event's user SID). */
  readonly user:
    | {
        readonly name: string | undefined;
        readonly domain: string | undefined;
        readonly id?: string | undefined;
      }
    | undefined;
  /** `user.effective.*` (explicit credentials) or `user.target.*` (account and group changes). */
  readonly effective: AccountFields | undefined;
  readonly target: AccountFields | undefined;
  /** `winlog.logon.*`. */
  readonly logon:
    { readonly id: string | undefined; readonly type: string | undefined } | undefined;
  /** Adds the provider's other field sets (`process`, `source`, `file`, ...) in order. */
  readonly write: (document: ObjectPatch) => void;
}

/** A copy of a classification list (documents are changed downstream; the tables must not be). */
export function listOf(values: readonly string[] | undefined): string[] | undefined {
  return values === undefined ? undefined : [...values];
}
