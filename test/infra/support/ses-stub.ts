/**
 * A local HTTP stand-in for SESv2's `SendEmail`, so the bundled relay sends
 * through the real SDK client with only its endpoint changed
 * (`HANDLER_ENV.sesEndpoint`). SESv2 is REST-JSON: `SendEmail` is
 * `POST /v2/email/outbound-emails` with a JSON body, answered with
 * `{"MessageId": …}`. The stub accepts every email, and records each one (its
 * sender, recipients, configuration set and tags, and the message id it
 * answered: what SES's bounce and complaint events name) and every request,
 * for the artifact test's role check (test/infra/support/required-permissions.ts).
 * Any other request is recorded as its method and path, and refused (404), so
 * the role check names it instead of missing it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** SESv2's `SendEmail` route. */
const SEND_EMAIL_PATH = '/v2/email/outbound-emails';

/** One request as SES received it: its action (`SendEmail`, else its method and path) and what IAM reads of it. */
export interface SesRequest {
  readonly action: string;
  /** `FromEmailAddress` of a `SendEmail`. */
  readonly fromEmailAddress?: string;
  /** `ConfigurationSetName` of a `SendEmail`, when it names one. */
  readonly configurationSetName?: string;
}

/** One email as SES accepted it. */
export interface SentEmail {
  /** The id the stub answered with (SES events name the email by it: `mail.messageId`). */
  readonly messageId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly configurationSetName?: string;
  /** `EmailTags`, name → value. */
  readonly tags: Readonly<Record<string, string>>;
}

/** A running stub. */
export interface SesStub {
  /** Where to point the client: `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Every request so far, in arrival order. */
  readonly requests: SesRequest[];
  /** Every email accepted so far, in arrival order. */
  readonly sent: SentEmail[];
  stop(): Promise<void>;
}

/** The fields of a `SendEmail` body the stub reads. */
interface SendEmailBody {
  readonly FromEmailAddress?: string;
  readonly Destination?: { readonly ToAddresses?: readonly string[] };
  readonly ConfigurationSetName?: string;
  readonly EmailTags?: readonly { readonly Name: string; readonly Value: string }[];
}

/** Records one `SendEmail` and returns the message id to answer with. */
function accept(body: SendEmailBody, requests: SesRequest[], sent: SentEmail[]): string {
  const from = body.FromEmailAddress ?? '';
  const configurationSetName = body.ConfigurationSetName;
  requests.push({
    action: 'SendEmail',
    fromEmailAddress: from,
    ...(configurationSetName !== undefined && { configurationSetName }),
  });
  const messageId = `0100019a-${randomUUID()}-000000`;
  sent.push({
    messageId,
    from,
    to: body.Destination?.ToAddresses ?? [],
    ...(configurationSetName !== undefined && { configurationSetName }),
    tags: Object.fromEntries((body.EmailTags ?? []).map((tag) => [tag.Name, tag.Value])),
  });
  return messageId;
}

/** Starts the stub on a free local port. */
export async function startSesStub(): Promise<SesStub> {
  const requests: SesRequest[] = [];
  const sent: SentEmail[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== SEND_EMAIL_PATH) {
        requests.push({ action: `${req.method} ${req.url}` });
        res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'NotFoundException' });
        res.end(JSON.stringify({ message: `SES stub: no route ${req.method} ${req.url}` }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SendEmailBody;
      const messageId = accept(body, requests, sent);
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify({ MessageId: messageId }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    sent,
    stop: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
