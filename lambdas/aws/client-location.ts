/**
 * Where an AWS SDK client connects, and the client settings that follow from
 * it, shared by the DynamoDB and SNS client modules (dynamodb-client.ts,
 * sns-client.ts) so a local endpoint, a region and a CLI profile are handled
 * one way.
 */

/** Where the service is. */
export interface ClientLocation {
  /** A non-default endpoint (DynamoDB Local, an SNS-compatible local server), e.g. `http://127.0.0.1:8000`. */
  readonly endpoint?: string;
  /** AWS region; defaults to the SDK's resolution (`AWS_REGION`, profile), or `us-east-1` with a custom endpoint. */
  readonly region?: string;
  /** A named profile of the shared AWS config files (the CLI's `--profile`); default: the SDK's (`AWS_PROFILE`). */
  readonly profile?: string;
}

/** Region used against a custom endpoint when none is configured (a local server ignores it). */
const LOCAL_REGION = 'us-east-1';

/**
 * The endpoint, region, profile and credentials settings of an SDK client for
 * `location`. With a custom `endpoint` and no AWS credentials in the
 * environment, fixed dummy credentials are used (a local server accepts any),
 * so the SDK does not go looking for instance credentials.
 */
export function clientLocationConfig(location: ClientLocation): {
  readonly endpoint?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
} {
  const { endpoint } = location;
  const region = location.region ?? (endpoint ? (process.env.AWS_REGION ?? LOCAL_REGION) : undefined);
  const needsDummyCredentials =
    endpoint !== undefined &&
    location.profile === undefined &&
    !process.env.AWS_ACCESS_KEY_ID &&
    !process.env.AWS_PROFILE;
  return {
    ...(endpoint !== undefined && { endpoint }),
    ...(region !== undefined && { region }),
    ...(location.profile !== undefined && { profile: location.profile }),
    ...(needsDummyCredentials && { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  };
}
