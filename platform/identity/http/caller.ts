import { IdentityError } from '../api-tokens.ts';
import type { Principal } from '../api-tokens.ts';

/** The principal of a `permission` route (the router always sets it; this narrows the type). */
export function callerOf(principal: Principal | undefined): Principal {
  if (!principal) throw new IdentityError('IDENTITY_UNAUTHENTICATED', 'no principal');
  return principal;
}
