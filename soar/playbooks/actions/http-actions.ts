import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { OutboundHttp, OutboundResponse } from '../../../platform/outbound/index.ts';
import type { ActionContext, ActionDefinition } from './action.ts';

/** Where the vendor APIs live (overridable for a proxy, a regional endpoint or a test server). */
export interface IntegrationEndpoints {
  readonly pagerduty: string;
  readonly sendgrid: string;
  readonly twilio: string;
}

export const DEFAULT_ENDPOINTS: IntegrationEndpoints = {
  pagerduty: 'https://events.pagerduty.com',
  sendgrid: 'https://api.sendgrid.com',
  twilio: 'https://api.twilio.com',
};

const url = z.url().max(2_048);
const headers = z
  .record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/), z.string().max(8_192))
  .default({});

/** Reads a response body as JSON when it is JSON, else as text (capped). */
export function bodyOf(response: OutboundResponse): unknown {
  const text = response.text();
  if ((response.headers['content-type'] ?? '').includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text.slice(0, 4_000);
    }
  }
  return text.slice(0, 4_000);
}

/** Fails the attempt (to be retried) when the peer answers with an error status. */
export function expectSuccess(integration: string, response: OutboundResponse): void {
  if (response.status >= 200 && response.status < 300) return;
  const detail = response.text().slice(0, 300).replace(/\s+/g, ' ');
  throw new Error(
    `${integration} answered ${String(response.status)}${detail === '' ? '' : `: ${detail}`}`,
  );
}

export const postJson = async (
  http: OutboundHttp,
  target: string,
  body: unknown,
  context: ActionContext,
  extra: Record<string, string> = {},
): Promise<OutboundResponse> =>
  http.request(target, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': context.idempotencyKey,
      ...extra,
    },
    body: JSON.stringify(body),
    signal: context.signal,
  });

/** The HTTP-based built-in actions, all through the SSRF-guarded outbound client. */
export function httpActions(
  http: OutboundHttp,
  endpoints: IntegrationEndpoints = DEFAULT_ENDPOINTS,
): ActionDefinition<never>[] {
  const request: ActionDefinition<{
    url: string;
    method: string;
    headers: Record<string, string>;
    body?: unknown;
    expect_status?: number[] | undefined;
  }> = {
    name: 'http.request',
    description: 'An HTTP request; the output holds the status, headers and body (JSON when JSON).',
    integration: 'http',
    idempotent: false,
    input: z.strictObject({
      url,
      method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
      headers,
      body: z.unknown().optional(),
      expect_status: z.array(z.int().min(100).max(599)).optional(),
    }),
    async run(input, context) {
      const body =
        input.body === undefined
          ? undefined
          : typeof input.body === 'string'
            ? input.body
            : JSON.stringify(input.body);
      const response = await http.request(input.url, {
        method: input.method,
        headers: {
          'idempotency-key': context.idempotencyKey,
          ...(body !== undefined && typeof input.body !== 'string'
            ? { 'content-type': 'application/json' }
            : {}),
          ...input.headers,
        },
        ...(body === undefined ? {} : { body }),
        signal: context.signal,
      });
      if (
        input.expect_status !== undefined
          ? !input.expect_status.includes(response.status)
          : response.status >= 400
      )
        expectSuccess('the server', {
          ...response,
          status: response.status >= 400 ? response.status : 599,
        });
      return { status: response.status, headers: response.headers, body: bodyOf(response) };
    },
  };

  const webhook: ActionDefinition<{
    url: string;
    payload: unknown;
    signing_key?: string | undefined;
  }> = {
    name: 'webhook.send',
    description:
      'POSTs a JSON payload; with a signing key, `X-ClayTom-Signature: sha256=<hex>` is the HMAC-SHA256 of `<timestamp>.<body>`.',
    integration: 'webhook',
    idempotent: true,
    input: z.strictObject({
      url,
      payload: z.unknown(),
      signing_key: z.string().min(16).optional(),
    }),
    async run(input, context) {
      const body = JSON.stringify(input.payload ?? null);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature =
        input.signing_key === undefined
          ? {}
          : {
              'x-claytom-timestamp': timestamp,
              'x-claytom-signature': `sha256=${createHmac('sha256', input.signing_key).update(`${timestamp}.${body}`).digest('hex')}`,
            };
      const response = await http.request(input.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': context.idempotencyKey,
          ...signature,
        },
        body,
        signal: context.signal,
      });
      expectSuccess('the webhook', response);
      return { status: response.status };
    },
  };

  const slack: ActionDefinition<{ webhook: string; text: string; blocks?: unknown[] | undefined }> =
    {
      name: 'slack.post',
      description:
        'Posts a message through a Slack incoming webhook (keep the webhook URL in /secrets).',
      integration: 'slack',
      idempotent: false,
      input: z.strictObject({
        webhook: url,
        text: z.string().min(1).max(40_000),
        blocks: z.array(z.unknown()).max(50).optional(),
      }),
      async run(input, context) {
        const response = await postJson(
          http,
          input.webhook,
          { text: input.text, ...(input.blocks === undefined ? {} : { blocks: input.blocks }) },
          context,
        );
        expectSuccess('Slack', response);
        return { status: response.status, body: response.text().slice(0, 200) };
      },
    };

  const pagerduty: ActionDefinition<{
    routing_key: string;
    event_action: 'trigger' | 'acknowledge' | 'resolve';
    dedup_key?: string | undefined;
    summary?: string | undefined;
    source?: string | undefined;
    severity: 'critical' | 'error' | 'warning' | 'info';
    custom_details?: Record<string, unknown> | undefined;
  }> = {
    name: 'pagerduty.event',
    description:
      'Sends a PagerDuty Events API v2 event (the routing key from /secrets); dedup key defaults to the run and step.',
    integration: 'pagerduty',
    idempotent: true,
    input: z
      .strictObject({
        routing_key: z.string().min(20).max(64),
        event_action: z.enum(['trigger', 'acknowledge', 'resolve']).default('trigger'),
        dedup_key: z.string().min(1).max(255).optional(),
        summary: z.string().min(1).max(1_024).optional(),
        source: z.string().min(1).max(255).optional(),
        severity: z.enum(['critical', 'error', 'warning', 'info']).default('error'),
        custom_details: z.record(z.string(), z.unknown()).optional(),
      })
      .refine(
        (input) =>
          input.event_action !== 'trigger' ||
          (input.summary !== undefined && input.source !== undefined),
        {
          message: 'a trigger needs summary and source',
        },
      ),
    async run(input, context) {
      const event = {
        routing_key: input.routing_key,
        event_action: input.event_action,
        dedup_key: input.dedup_key ?? context.idempotencyKey,
        ...(input.event_action === 'trigger'
          ? {
              payload: {
                summary: input.summary,
                source: input.source,
                severity: input.severity,
                ...(input.custom_details === undefined
                  ? {}
                  : { custom_details: input.custom_details }),
              },
            }
          : {}),
      };
      const response = await postJson(http, `${endpoints.pagerduty}/v2/enqueue`, event, context);
      expectSuccess('PagerDuty', response);
      const answer = bodyOf(response) as { dedup_key?: string; status?: string };
      return { status: answer.status ?? null, dedup_key: answer.dedup_key ?? event.dedup_key };
    },
  };

  const sendgrid: ActionDefinition<{
    api_key: string;
    from: string;
    to: string[];
    subject: string;
    text: string;
  }> = {
    name: 'sendgrid.mail',
    description:
      'Sends a plain-text mail through SendGrid v3 mail/send (the API key from /secrets).',
    integration: 'sendgrid',
    idempotent: false,
    input: z.strictObject({
      api_key: z.string().min(10),
      from: z.email(),
      to: z.array(z.email()).min(1).max(100),
      subject: z.string().min(1).max(998),
      text: z.string().min(1).max(100_000),
    }),
    async run(input, context) {
      const response = await postJson(
        http,
        `${endpoints.sendgrid}/v3/mail/send`,
        {
          personalizations: [{ to: input.to.map((email) => ({ email })) }],
          from: { email: input.from },
          subject: input.subject,
          content: [{ type: 'text/plain', value: input.text }],
          custom_args: { claytom_run: context.runId, claytom_step: context.stepId },
        },
        context,
        { authorization: `Bearer ${input.api_key}` },
      );
      expectSuccess('SendGrid', response);
      return { status: response.status, message_id: response.headers['x-message-id'] ?? null };
    },
  };

  const twilio: ActionDefinition<{
    account_sid: string;
    auth_token: string;
    from: string;
    to: string;
    body: string;
  }> = {
    name: 'twilio.sms',
    description: 'Sends an SMS through Twilio Messages (the auth token from /secrets).',
    integration: 'twilio',
    idempotent: false,
    input: z.strictObject({
      account_sid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'a Twilio account SID (AC + 32 hex)'),
      auth_token: z.string().min(16),
      from: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number'),
      to: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number'),
      body: z.string().min(1).max(1_600),
    }),
    async run(input, context) {
      const form = new URLSearchParams({ From: input.from, To: input.to, Body: input.body });
      const response = await http.request(
        `${endpoints.twilio}/2010-04-01/Accounts/${input.account_sid}/Messages.json`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${input.account_sid}:${input.auth_token}`).toString('base64')}`,
            'i-twilio-idempotency-token': context.idempotencyKey,
          },
          body: form.toString(),
          signal: context.signal,
        },
      );
      expectSuccess('Twilio', response);
      const answer = bodyOf(response) as { sid?: string; status?: string };
      return { sid: answer.sid ?? null, status: answer.status ?? null };
    },
  };

  return [request, webhook, slack, pagerduty, sendgrid, twilio] as ActionDefinition<never>[];
}
