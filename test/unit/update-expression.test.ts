/**
 * The shared UpdateItem expression builder: placeholders, clause grammar and
 * the fields it leaves out (DynamoDB rejects an empty value map).
 */
import { describe, expect, it } from 'vitest';
import { UpdateExpressionBuilder } from '../../lambdas/aws/update-expression';

describe('UpdateExpressionBuilder', () => {
  it('writes SET, REMOVE and ADD clauses in that order, with one name placeholder per attribute', () => {
    const update = new UpdateExpressionBuilder();

    update.add('count', 1).remove('flag').set('name', 'x').set('other', 'y');
    update.condition(`${update.name('name')} = ${update.value('old')}`);

    expect(update.build()).toEqual({
      UpdateExpression: 'SET #a2 = :v1, #a3 = :v2 REMOVE #a1 ADD #a0 :v0',
      ConditionExpression: '#a2 = :v3',
      ExpressionAttributeNames: { '#a0': 'count', '#a1': 'flag', '#a2': 'name', '#a3': 'other' },
      ExpressionAttributeValues: { ':v0': 1, ':v1': 'x', ':v2': 'y', ':v3': 'old' },
    });
  });

  it('joins conditions with AND and takes paths and expressions built from its placeholders', () => {
    const update = new UpdateExpressionBuilder();
    const list = update.name('list');

    update.setExpression(
      list,
      `list_append(if_not_exists(${list}, ${update.value([])}), ${update.value([1])})`,
    );
    update.removePath(`${list}[3]`);
    update
      .condition(`attribute_exists(${update.name('id')})`)
      .condition(`size(${list}) = ${update.value(4)}`);

    expect(update.build()).toEqual({
      UpdateExpression: 'SET #a0 = list_append(if_not_exists(#a0, :v0), :v1) REMOVE #a0[3]',
      ConditionExpression: 'attribute_exists(#a1) AND size(#a0) = :v2',
      ExpressionAttributeNames: { '#a0': 'list', '#a1': 'id' },
      ExpressionAttributeValues: { ':v0': [], ':v1': [1], ':v2': 4 },
    });
  });

  it('leaves out the condition and the value map when none was used', () => {
    const update = new UpdateExpressionBuilder().remove('a').remove('b');

    expect(update.build()).toEqual({
      UpdateExpression: 'REMOVE #a0, #a1',
      ExpressionAttributeNames: { '#a0': 'a', '#a1': 'b' },
    });
  });

  it('says when it holds no clause', () => {
    const update = new UpdateExpressionBuilder();
    update.condition(`attribute_exists(${update.name('id')})`);

    expect(update.isEmpty).toBe(true);
    expect(update.set('a', 1).isEmpty).toBe(false);
  });
});
