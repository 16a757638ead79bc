import type { SecretRule } from '../secret-rule.ts';
import { awsAccessKeyIdRule, awsSecretAccessKeyRule } from './aws.ts';
import { claytomTokenRule } from './claytom.ts';
import { commandLinePasswordRule } from './command-line.ts';
import { githubFineGrainedPatRule, githubTokenRule } from './github.ts';
import { googleApiKeyRule } from './google.ts';
import { httpAuthorizationRule, httpCookieRule } from './http-headers.ts';
import { jwtRule } from './jwt.ts';
import { npmTokenRule } from './npm.ts';
import { privateKeyRule } from './private-key.ts';
import { secretAssignmentRule } from './secret-assignment.ts';
import { sendgridApiKeyRule } from './sendgrid.ts';
import { slackTokenRule, slackWebhookRule } from './slack.ts';
import { stripeSecretKeyRule, stripeWebhookSecretRule } from './stripe.ts';
import { twilioAccountSidRule, twilioApiKeySidRule, twilioAuthTokenRule } from './twilio.ts';
import { urlPasswordRule } from './url-password.ts';

/** Every built-in rule. Order breaks ties between equally specific rules on the same span. */
export const defaultSecretRules: readonly SecretRule[] = Object.freeze([
  privateKeyRule,
  awsAccessKeyIdRule,
  awsSecretAccessKeyRule,
  githubTokenRule,
  githubFineGrainedPatRule,
  slackTokenRule,
  slackWebhookRule,
  stripeSecretKeyRule,
  stripeWebhookSecretRule,
  twilioApiKeySidRule,
  twilioAccountSidRule,
  twilioAuthTokenRule,
  sendgridApiKeyRule,
  googleApiKeyRule,
  npmTokenRule,
  claytomTokenRule,
  jwtRule,
  urlPasswordRule,
  httpAuthorizationRule,
  httpCookieRule,
  commandLinePasswordRule,
  secretAssignmentRule,
]);
