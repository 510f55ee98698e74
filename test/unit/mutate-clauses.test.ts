import { conditionMutants, mutantsIn } from '../../tools/mutate-clauses';

/** The names and values a condition uses: a mutant must use all of them (DynamoDB refuses an unused one). */
const operands = (condition: string) => [...new Set(condition.match(/[#:][A-Za-z0-9_]+/g))].sort();

describe('conditionMutants', () => {
  it('drops each clause of an AND, and turns each comparison', () => {
    expect(conditionMutants('#status = :waiting AND attribute_exists(#rk)').map((m) => m.description)).toEqual([
      'drops #status = :waiting',
      'drops attribute_exists(#rk)',
      '#status <> :waiting for #status = :waiting',
      'attribute_not_exists(#rk) for attribute_exists(#rk)',
    ]);
  });

  it('leaves each value out of an IN list, and negates it', () => {
    expect(conditionMutants('#s IN (:a, :b)').map((m) => m.text)).toEqual([
      '(#s IN (:b) OR (#s = :a AND NOT (#s = :a)))',
      '(#s IN (:a) OR (#s = :b AND NOT (#s = :b)))',
      'NOT (#s IN (:a, :b))',
    ]);
  });

  it('keeps every name and value of the original in every mutant', () => {
    for (const condition of [
      'contains(#pending, :one) AND #status = :waiting',
      '#status IN (:running, :timedout) AND #task = :task',
      'attribute_not_exists(#oid)',
    ]) {
      const mutants = conditionMutants(condition);
      expect(mutants.length).toBeGreaterThan(0);
      for (const m of mutants) {
        expect(operands(m.text)).toEqual(operands(condition));
        expect(m.text).not.toBe(condition);
      }
    }
  });
});

describe('mutantsIn', () => {
  const source = [
    'class S {',
    '  a() {',
    "    return this.update({ condition: '#x = :x' });",
    '  }',
    '  b() {',
    "    send({ ConditionExpression: 'attribute_exists(#y)' });",
    '  }',
    '}',
  ].join('\n');

  it('finds the conditions of the ranges only, with the line and the offset of their text', () => {
    const mutants = mutantsIn(['s.ts:5-7'], () => source);
    expect(mutants.map((m) => [m.line, m.original, m.mutated])).toEqual([[6, 'attribute_exists(#y)', 'attribute_not_exists(#y)']]);
    expect(source.slice(mutants[0].offset, mutants[0].offset + mutants[0].original.length)).toBe('attribute_exists(#y)');
  });
});
