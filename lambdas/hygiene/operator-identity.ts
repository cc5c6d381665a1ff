/**
 * Who an operator's record names (a restore, an exemption, a guard approval,
 * an operator's sweep): the name the command was given or found, and beside
 * it the AWS caller identity's ARN from STS, which the name may only claim
 * (docs/data-model.md, "History"). One shape and one rendering, so every
 * record an operator leaves says who really acted in the same way. Pure.
 */

/** Who acted, as an operator's record keeps it. */
export interface OperatorIdentity {
  /** As named: `--by`, else `PC_HYGIENE_OPERATOR`, else the AWS caller identity's ARN, else the OS user. */
  readonly by: string;
  /**
   * The AWS caller identity's ARN (STS) of whoever ran the command, whatever
   * `by` says; absent for a local table (`--endpoint`), when STS could not be
   * reached, or in a record written before this field existed.
   */
  readonly callerArn?: string;
}

/**
 * Who acted, for text: the name, then the caller ARN recorded with it when
 * that says something else (`alice (caller arn:aws:sts::…)`), so a typed
 * `--by` never stands alone against AWS.
 */
export function operatorText(who: OperatorIdentity): string {
  return who.callerArn !== undefined && who.callerArn !== who.by
    ? `${who.by} (caller ${who.callerArn})`
    : who.by;
}
