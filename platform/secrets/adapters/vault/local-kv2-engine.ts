import type { Clock } from '../../../clock/index.ts';

/** A response of the local KV v2 engine: an HTTP status and Vault's JSON body, if any. */
export interface Kv2Reply {
  readonly status: number;
  readonly body?: unknown;
}

interface VersionState {
  created: number;
  deleted: number | undefined;
  destroyed: boolean;
  data: Record<string, unknown> | undefined;
}

interface KeyState {
  current: number;
  oldest: number;
  created: number;
  updated: number;
  maxVersions: number;
  casRequired: boolean;
  customMetadata: Record<string, string> | null;
  versions: Map<number, VersionState>;
}

/** Mount-level settings (`/{mount}/config`). */
export interface Kv2Config {
  maxVersions: number;
  casRequired: boolean;
}

/** Vault keeps this many versions when neither the key nor the mount sets a number. */
const DEFAULT_MAX_VERSIONS = 10;

const time = (ms: number | undefined): string =>
  ms === undefined ? '' : new Date(ms).toISOString();

/** Vault's error body. `[]` is what Vault sends for a plain 404. */
export const errorReply = (status: number, ...errors: string[]): Kv2Reply => ({
  status,
  body: { errors },
});

const NO_CONTENT: Kv2Reply = { status: 204 };

/** Parses a `TypeCommaIntSlice` field: an array of integers or a comma-separated string. */
function intSlice(raw: unknown): number[] | undefined {
  if (raw === undefined || raw === null) return [];
  const items = typeof raw === 'string' ? raw.split(',').filter((s) => s !== '') : raw;
  if (!Array.isArray(items)) return undefined;
  const out: number[] = [];
  for (const item of items as unknown[]) {
    const n = typeof item === 'string' ? Number(item.trim()) : item;
    if (typeof n !== 'number' || !Number.isInteger(n)) return undefined;
    out.push(n);
  }
  return out;
}

/**
 * One KV v2 mount held in memory, following the plugin's documented behaviour
 * (hashicorp/vault-plugin-secrets-kv): versions, check-and-set, max_versions pruning, soft
 * delete, undelete, destroy, metadata and LIST. Only for tests.
 */
export function createKv2Mount(clock: Clock, envelope: (data: unknown) => unknown) {
  const keys = new Map<string, KeyState>();
  const config: Kv2Config = { maxVersions: 0, casRequired: false };

  const isDeleted = (v: VersionState): boolean =>
    v.deleted !== undefined && v.deleted <= clock.now();

  const versionMeta = (k: KeyState, n: number, v: VersionState) => ({
    created_time: time(v.created),
    custom_metadata: k.customMetadata,
    deletion_time: time(v.deleted),
    destroyed: v.destroyed,
    version: n,
  });

  const versionsArg = (body: Record<string, unknown>, message: string): number[] | Kv2Reply => {
    const versions = intSlice(body.versions);
    if (versions === undefined)
      return errorReply(400, 'error converting input for field "versions"');
    if (versions.length === 0) return errorReply(400, message);
    return versions;
  };

  /** Applies `apply` to each listed version that exists; unknown paths and versions are skipped. */
  const eachVersion = (
    path: string,
    body: Record<string, unknown>,
    message: string,
    apply: (v: VersionState) => void,
  ): Kv2Reply => {
    const versions = versionsArg(body, message);
    if (!Array.isArray(versions)) return versions;
    const k = keys.get(path);
    if (k === undefined) return NO_CONTENT;
    for (const n of versions) {
      const v = k.versions.get(n);
      if (v !== undefined) apply(v);
    }
    return NO_CONTENT;
  };

  return {
    config,

    readConfig(): Kv2Reply {
      return {
        status: 200,
        body: envelope({
          max_versions: config.maxVersions,
          cas_required: config.casRequired,
          delete_version_after: '0s',
        }),
      };
    },

    writeConfig(body: Record<string, unknown>): Kv2Reply {
      if (typeof body.max_versions === 'number') config.maxVersions = body.max_versions;
      if (typeof body.cas_required === 'boolean') config.casRequired = body.cas_required;
      return NO_CONTENT;
    },

    read(path: string, versionParam: string | null): Kv2Reply {
      const k = keys.get(path);
      if (k === undefined) return errorReply(404);
      const asked = versionParam === null || versionParam === '' ? 0 : Number(versionParam);
      if (!Number.isInteger(asked))
        return errorReply(400, 'error converting input for field "version"');
      const n = asked > 0 ? asked : k.current;
      const v = k.versions.get(n);
      if (v === undefined) return errorReply(404);
      const meta = versionMeta(k, n, v);
      // Deleted or destroyed: 404, but with the version's metadata, as Vault answers.
      if (isDeleted(v) || v.destroyed)
        return { status: 404, body: envelope({ data: null, metadata: meta }) };
      return { status: 200, body: envelope({ data: v.data, metadata: meta }) };
    },

    write(path: string, body: Record<string, unknown>): Kv2Reply {
      const data = body.data;
      if (typeof data !== 'object' || data === null || Array.isArray(data))
        return errorReply(400, 'no data provided');
      const now = clock.now();
      const k: KeyState = keys.get(path) ?? {
        current: 0,
        oldest: 0,
        created: now,
        updated: now,
        maxVersions: 0,
        casRequired: false,
        customMetadata: null,
        versions: new Map(),
      };
      const options = body.options;
      const casRaw =
        typeof options === 'object' && options !== null
          ? (options as Record<string, unknown>).cas
          : undefined;
      if (casRaw !== undefined) {
        const cas = typeof casRaw === 'string' ? Number(casRaw) : casRaw;
        if (typeof cas !== 'number' || !Number.isInteger(cas))
          return errorReply(400, 'error parsing check-and-set parameter');
        if (cas !== k.current)
          return errorReply(400, 'check-and-set parameter did not match the current version');
      } else if (config.casRequired || k.casRequired) {
        return errorReply(400, 'check-and-set parameter required for this call');
      }
      k.current += 1;
      const v: VersionState = {
        created: now,
        deleted: undefined,
        destroyed: false,
        data: structuredClone(data as Record<string, unknown>),
      };
      k.versions.set(k.current, v);
      k.updated = now;
      keys.set(path, k);
      // AddVersion: keep max(key, mount) versions, or 10 when both are 0.
      const keep = Math.max(k.maxVersions, config.maxVersions) || DEFAULT_MAX_VERSIONS;
      if (k.current - k.oldest >= keep) {
        const cutoff = k.current - keep;
        for (let i = k.oldest; i <= cutoff; i++) k.versions.delete(i);
        k.oldest = cutoff + 1;
      }
      return { status: 200, body: envelope(versionMeta(k, k.current, v)) };
    },

    deleteLatest(path: string): Kv2Reply {
      const k = keys.get(path);
      const v = k?.versions.get(k.current);
      if (v !== undefined && !v.destroyed && !isDeleted(v)) v.deleted = clock.now();
      return NO_CONTENT;
    },

    deleteVersions(path: string, body: Record<string, unknown>): Kv2Reply {
      return eachVersion(path, body, 'No version number provided', (v) => {
        if (!v.destroyed && !isDeleted(v)) v.deleted = clock.now();
      });
    },

    undelete(path: string, body: Record<string, unknown>): Kv2Reply {
      return eachVersion(path, body, 'No version number provided', (v) => {
        if (!v.destroyed) v.deleted = undefined;
      });
    },

    destroy(path: string, body: Record<string, unknown>): Kv2Reply {
      // Vault words this one error in lower case.
      return eachVersion(path, body, 'no version number provided', (v) => {
        if (!v.destroyed) {
          v.destroyed = true;
          v.data = undefined;
        }
      });
    },

    readMetadata(path: string): Kv2Reply {
      const k = keys.get(path);
      if (k === undefined) return errorReply(404);
      const versions = Object.fromEntries(
        [...k.versions].map(([n, v]) => [
          String(n),
          { created_time: time(v.created), deletion_time: time(v.deleted), destroyed: v.destroyed },
        ]),
      );
      return {
        status: 200,
        body: envelope({
          cas_required: k.casRequired,
          created_time: time(k.created),
          current_version: k.current,
          custom_metadata: k.customMetadata,
          delete_version_after: '0s',
          max_versions: k.maxVersions,
          oldest_version: k.oldest,
          updated_time: time(k.updated),
          versions,
        }),
      };
    },

    writeMetadata(path: string, body: Record<string, unknown>): Kv2Reply {
      const now = clock.now();
      const k: KeyState = keys.get(path) ?? {
        current: 0,
        oldest: 0,
        created: now,
        updated: now,
        maxVersions: 0,
        casRequired: false,
        customMetadata: null,
        versions: new Map(),
      };
      if (body.max_versions !== undefined) {
        if (typeof body.max_versions !== 'number' || !Number.isInteger(body.max_versions))
          return errorReply(400, 'error converting input for field "max_versions"');
        k.maxVersions = body.max_versions;
      }
      if (body.cas_required !== undefined) {
        if (typeof body.cas_required !== 'boolean')
          return errorReply(400, 'error converting input for field "cas_required"');
        k.casRequired = body.cas_required;
      }
      const custom = body.custom_metadata;
      if (typeof custom === 'object' && custom !== null && !Array.isArray(custom)) {
        k.customMetadata = Object.fromEntries(
          Object.entries(custom).map(([key, v]) => [key, String(v)]),
        );
      }
      keys.set(path, k);
      return NO_CONTENT;
    },

    deleteMetadata(path: string): Kv2Reply {
      keys.delete(path);
      return NO_CONTENT;
    },

    /** LIST: direct children of a folder, sub-folders with a trailing `/`; 404 when none. */
    list(folder: string): Kv2Reply {
      const prefix = folder === '' || folder.endsWith('/') ? folder : `${folder}/`;
      const children = new Set<string>();
      for (const key of keys.keys()) {
        if (!key.startsWith(prefix)) continue;
        const rest = key.slice(prefix.length);
        const slash = rest.indexOf('/');
        children.add(slash === -1 ? rest : rest.slice(0, slash + 1));
      }
      if (children.size === 0) return errorReply(404);
      return { status: 200, body: envelope({ keys: [...children].sort() }) };
    },
  };
}

/** One in-memory KV v2 mount. */
export type Kv2Mount = ReturnType<typeof createKv2Mount>;
