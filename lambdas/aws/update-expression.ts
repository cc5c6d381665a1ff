/**
 * Builds the expression part of a DynamoDB `UpdateItem` request: `SET`,
 * `REMOVE` and `ADD` clauses, a condition, and the placeholder maps they use.
 *
 * Why one builder: every adapter that writes the credentials table (the
 * transition writer, the outbox store, restore, the checkpoint store) needs
 * the same bookkeeping — attribute names behind `#` placeholders (so reserved
 * words and any stored name are safe), values behind `:` placeholders, clauses
 * joined in DynamoDB's grammar, and no empty `ExpressionAttributeValues` (which
 * DynamoDB rejects). Writing that by hand in each adapter let them drift.
 */

/** The expression fields of an `UpdateItem` request, ready to spread into its input. */
export interface UpdateExpressionParts {
  readonly UpdateExpression: string;
  /** Absent when no condition was added. */
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  /** Absent when no value placeholder was used. */
  readonly ExpressionAttributeValues?: Record<string, unknown>;
}

/**
 * Collects clauses and placeholders for one `UpdateItem`. Name placeholders
 * are reused per attribute name (`#a0`, `#a1`, …); every value gets its own
 * (`:v0`, `:v1`, …). Methods return `this`, so calls can be chained.
 */
export class UpdateExpressionBuilder {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};
  private readonly nameOf = new Map<string, string>();
  private valueCount = 0;
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly adds: string[] = [];
  private readonly conditions: string[] = [];

  /** The placeholder for a top-level attribute name (the same one each time for the same name). */
  name(attribute: string): string {
    let placeholder = this.nameOf.get(attribute);
    if (placeholder === undefined) {
      placeholder = `#a${this.nameOf.size}`;
      this.nameOf.set(attribute, placeholder);
      this.names[placeholder] = attribute;
    }
    return placeholder;
  }

  /** A new placeholder bound to `value`. */
  value(value: unknown): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** `SET attribute = value`. */
  set(attribute: string, value: unknown): this {
    return this.setExpression(this.name(attribute), this.value(value));
  }

  /**
   * `SET path = expression`, both written with placeholders from {@link name}
   * and {@link value} (e.g. `list_append(if_not_exists(#a0, :v0), :v1)`).
   */
  setExpression(path: string, expression: string): this {
    this.sets.push(`${path} = ${expression}`);
    return this;
  }

  /** `REMOVE attribute`. */
  remove(attribute: string): this {
    return this.removePath(this.name(attribute));
  }

  /** `REMOVE path`, a document path written with placeholders (e.g. `#a0[3]`). */
  removePath(path: string): this {
    this.removes.push(path);
    return this;
  }

  /** `ADD attribute value` (adds to a number, or to a set). */
  add(attribute: string, value: unknown): this {
    this.adds.push(`${this.name(attribute)} ${this.value(value)}`);
    return this;
  }

  /** One more condition, written with placeholders; all conditions must hold (`AND`). */
  condition(expression: string): this {
    this.conditions.push(expression);
    return this;
  }

  /**
   * A condition that `attribute` still holds `read`, the value a read found: still absent when absent, still NULL
   * when a stored NULL (a parser reads it as "not set"; it must still be NULL at write time), else equal.
   */
  conditionUnchanged(attribute: string, read: unknown): this {
    const name = this.name(attribute);
    if (read === undefined) return this.condition(`attribute_not_exists(${name})`);
    if (read === null) return this.condition(`attribute_type(${name}, ${this.value('NULL')})`);
    return this.condition(`${name} = ${this.value(read)}`);
  }

  /** True when no `SET`, `REMOVE` or `ADD` clause was added (such a request would be rejected). */
  get isEmpty(): boolean {
    return this.sets.length === 0 && this.removes.length === 0 && this.adds.length === 0;
  }

  /** The request fields: clauses in `SET`, `REMOVE`, `ADD` order, each in the order it was added. */
  build(): UpdateExpressionParts {
    const clauses = [
      this.sets.length > 0 && `SET ${this.sets.join(', ')}`,
      this.removes.length > 0 && `REMOVE ${this.removes.join(', ')}`,
      this.adds.length > 0 && `ADD ${this.adds.join(', ')}`,
    ];
    return {
      UpdateExpression: clauses.filter(Boolean).join(' '),
      ...(this.conditions.length > 0 && { ConditionExpression: this.conditions.join(' AND ') }),
      ExpressionAttributeNames: { ...this.names },
      ...(this.valueCount > 0 && { ExpressionAttributeValues: { ...this.values } }),
    };
  }
}
