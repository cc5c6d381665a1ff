/**
 * A local HTTP stand-in for SESv2's `SendEmail`, so the bundled relay sends
 * through the real SDK client with only its endpoint changed
 * (`HANDLER_ENV.sesEndpoint`). SESv2 is REST-JSON: `SendEmail` is
 * `POST /v2/email/outbound-emails` with a JSON body, answered with
 * `{"MessageId": …}`. The stub accepts every email, and records each one (its
 * sender, recipients, configuration set and tags, and the message id it
 * answered: what SES's bounce and complaint events name) and every request
 * (with what IAM reads of it: its sender, configuration set and kind of
 * content), for the artifact test's role check (test/infra/support/required-permissions.ts).
 * A test can have it refuse the next `SendEmail`s with an SES error
 * (`refuseNext`), as REST-JSON writes one (the status, `x-amzn-errortype` and
 * a `message`): the request is recorded, the email is not; and run something
 * of its own before the refusal is answered (what happened elsewhere while
 * SES held the send).
 * Any other request is recorded as its method and path, and refused (404), so
 * the role check names it instead of missing it.
 */
import { randomUUID } from 'node:crypto';
import { listenLocally } from './local-http-server';

/** SESv2's `SendEmail` route. */
const SEND_EMAIL_PATH = '/v2/email/outbound-emails';

/** One request as SES received it: its action (`SendEmail`, else its method and path) and what IAM reads of it. */
export interface SesRequest {
  readonly action: string;
  /** `FromEmailAddress` of a `SendEmail`. */
  readonly fromEmailAddress?: string;
  /** `ConfigurationSetName` of a `SendEmail`, when it names one. */
  readonly configurationSetName?: string;
  /** Which kind of `Content` a `SendEmail` has (IAM authorizes a `Raw` one as `ses:SendRawEmail`). */
  readonly content?: SesContentKind;
}

/** The kinds of a `SendEmail`'s `Content`: exactly one is set. */
export type SesContentKind = 'Raw' | 'Simple' | 'Template';

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
  /**
   * Answers the next `SendEmail` not yet refused with `refusal` instead of accepting it, once `meanwhile` (when
   * given) is done.
   */
  refuseNext(refusal: SesRefusal, meanwhile?: () => Promise<void>): void;
  stop(): Promise<void>;
}

/** An error SES answers a `SendEmail` with: its HTTP status, its error type, its message. */
export interface SesRefusal {
  readonly status: number;
  readonly errorType: string;
  readonly message: string;
}

/**
 * SES's answer while the account's sending is paused: a client error the relay's sender does not retry
 * (`lambdas/aws/ses-email-sender.ts`), so the relay fails the record at once, and its redelivery may send.
 */
export const SENDING_PAUSED: SesRefusal = {
  status: 400,
  errorType: 'SendingPausedException',
  message: 'Email sending is disabled for your entire Amazon SES account.',
};

/** The fields of a `SendEmail` body the stub reads. */
interface SendEmailBody {
  readonly FromEmailAddress?: string;
  readonly Destination?: { readonly ToAddresses?: readonly string[] };
  readonly ConfigurationSetName?: string;
  readonly Content?: Readonly<Partial<Record<SesContentKind, unknown>>>;
  readonly EmailTags?: readonly { readonly Name: string; readonly Value: string }[];
}

/** One `SendEmail` as recorded: what IAM reads of it. */
function recorded(body: SendEmailBody): SesRequest {
  const configurationSetName = body.ConfigurationSetName;
  const content = (['Raw', 'Simple', 'Template'] as const).find((kind) => body.Content?.[kind] !== undefined);
  return {
    action: 'SendEmail',
    fromEmailAddress: body.FromEmailAddress ?? '',
    ...(configurationSetName !== undefined && { configurationSetName }),
    ...(content !== undefined && { content }),
  };
}

/** Keeps one accepted email and returns the message id to answer with. */
function accept(body: SendEmailBody, sent: SentEmail[]): string {
  const from = body.FromEmailAddress ?? '';
  const configurationSetName = body.ConfigurationSetName;
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
  const refusals: { refusal: SesRefusal; meanwhile?: () => Promise<void> }[] = [];
  const server = await listenLocally(async (req, body, res) => {
    const refuse = ({ status, errorType, message }: SesRefusal): void => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': errorType });
      res.end(JSON.stringify({ message }));
    };
    if (req.method !== 'POST' || req.url !== SEND_EMAIL_PATH) {
      requests.push({ action: `${req.method} ${req.url}` });
      refuse({
        status: 404,
        errorType: 'NotFoundException',
        message: `SES stub: no route ${req.method} ${req.url}`,
      });
      return;
    }
    const email = JSON.parse(body.toString('utf8')) as SendEmailBody;
    requests.push(recorded(email));
    const refused = refusals.shift();
    if (refused !== undefined) {
      await refused.meanwhile?.();
      refuse(refused.refusal);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify({ MessageId: accept(email, sent) }));
  });
  return {
    endpoint: server.url,
    requests,
    sent,
    refuseNext: (refusal, meanwhile) => {
      refusals.push({ refusal, ...(meanwhile !== undefined && { meanwhile }) });
    },
    stop: server.close,
  };
}
