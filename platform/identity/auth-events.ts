/**
 * What happened during authentication, for the audit log and metrics. Events carry no secret:
 * no password, client secret, token or hash.
 */
export type AuthEvent =
  | {
      readonly type: 'login.succeeded';
      readonly at: number;
      readonly tenantId: string;
      readonly userId: string;
      readonly username: string;
      readonly method: 'password' | 'oidc';
    }
  | {
      readonly type: 'login.failed';
      readonly at: number;
      readonly tenantId: string;
      readonly username: string;
      readonly userId?: string;
      readonly method: 'password' | 'oidc';
      readonly reason:
        | 'unknown_user'
        | 'bad_password'
        | 'locked_out'
        | 'account_locked'
        | 'no_password'
        | 'not_provisioned'
        | 'provider_error';
    }
  | {
      readonly type: 'account.locked_out';
      readonly at: number;
      readonly tenantId: string;
      readonly userId: string;
      readonly username: string;
      readonly until: number;
    }
  | {
      readonly type: 'client.authenticated';
      readonly at: number;
      readonly tenantId: string;
      readonly agentId: string;
      readonly clientId: string;
      /** True when the previous secret (inside its rotation grace period) was used. */
      readonly previousSecret: boolean;
    }
  | {
      readonly type: 'client.failed';
      readonly at: number;
      readonly clientId: string;
      readonly tenantId?: string;
      readonly agentId?: string;
      readonly reason: 'unknown_client' | 'bad_secret' | 'disabled';
    }
  | {
      readonly type: 'refresh.reuse_detected';
      readonly at: number;
      readonly tenantId: string;
      readonly userId: string;
      readonly familyId: string;
    }
  | {
      readonly type: 'logout';
      readonly at: number;
      readonly tenantId: string;
      readonly userId: string;
      readonly familyId?: string;
    };

/** Receives auth events; a rejection fails the request (the audit log must not miss one). */
export type AuthEventSink = (event: AuthEvent) => void | Promise<void>;
