import type { Migration } from '../storage/index.ts';

export const identityMigrations: readonly Migration[] = [
  {
    module: 'platform',
    id: '0001',
    name: 'api tokens',
    up: `
      CREATE TABLE platform_api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        token_hint TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT,
        revoked_at BIGINT
      );
      CREATE TABLE platform_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    module: 'platform',
    id: '0002',
    name: 'people, agents, signing keys, refresh tokens, revocations, oidc logins',
    // One script for both dialects: integers are BIGINT (ms timestamps) or INTEGER (flags and
    // counters), JSON lists are TEXT. Every table of tenant data has tenant_id NOT NULL; signing
    // keys are the installation's own (one issuer, one JWKS) and belong to no tenant.
    up: `
      CREATE TABLE platform_users (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        username TEXT NOT NULL,
        display_name TEXT,
        password_hash TEXT,
        roles TEXT NOT NULL,
        locked INTEGER NOT NULL DEFAULT 0,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        lockouts INTEGER NOT NULL DEFAULT 0,
        locked_until BIGINT,
        oidc_issuer TEXT,
        oidc_subject TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        last_login_at BIGINT,
        UNIQUE (tenant_id, username),
        UNIQUE (tenant_id, oidc_issuer, oidc_subject)
      );
      CREATE TABLE platform_agents (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        client_id TEXT NOT NULL UNIQUE,
        secret_hash TEXT NOT NULL,
        secret_hint TEXT NOT NULL,
        previous_secret_hash TEXT,
        previous_secret_expires_at BIGINT,
        roles TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        secret_rotated_at BIGINT NOT NULL,
        last_used_at BIGINT,
        UNIQUE (tenant_id, name)
      );
      CREATE TABLE platform_signing_keys (
        kid TEXT PRIMARY KEY,
        generation INTEGER NOT NULL UNIQUE,
        alg TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        private_key_sealed TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        not_before BIGINT NOT NULL,
        not_after BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE TABLE platform_refresh_families (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        user_id TEXT NOT NULL REFERENCES platform_users (id) ON DELETE CASCADE,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        revoked_at BIGINT,
        revoked_reason TEXT
      );
      CREATE INDEX platform_refresh_families_user ON platform_refresh_families (tenant_id, user_id);
      CREATE INDEX platform_refresh_families_expiry ON platform_refresh_families (expires_at);
      CREATE TABLE platform_refresh_tokens (
        token_hash TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        family_id TEXT NOT NULL REFERENCES platform_refresh_families (id) ON DELETE CASCADE,
        created_at BIGINT NOT NULL,
        idle_expires_at BIGINT NOT NULL,
        rotated_at BIGINT
      );
      CREATE INDEX platform_refresh_tokens_family ON platform_refresh_tokens (family_id);
      CREATE TABLE platform_revoked_tokens (
        jti TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        revoked_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE TABLE platform_revoked_subjects (
        tenant_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        revoked_before BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, subject)
      );
      CREATE TABLE platform_oidc_logins (
        state_hash TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        nonce TEXT NOT NULL,
        code_verifier TEXT NOT NULL,
        binding_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
    `,
  },
];
