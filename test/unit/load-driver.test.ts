import { outcomeOf, runLoad } from '../../tools/load/driver';
import { freshShare, parseMix } from '../../tools/load/mix';

describe('outcomeOf', () => {
  it('names an answer by its error type, a timeout as timeout, anything else as a network error', () => {
    expect(outcomeOf({ name: 'TaskNotFoundException', $metadata: { httpStatusCode: 400 } })).toBe('TaskNotFoundException');
    expect(outcomeOf({ name: 'TimeoutError', $metadata: {} })).toBe('timeout');
    expect(outcomeOf({ code: 'ECONNREFUSED', name: 'Error', $metadata: {} })).toBe('network:ECONNREFUSED');
  });
});

describe('parseMix', () => {
  it('reads kind=weight pairs and the share that uses fresh tasks', () => {
    const mix = parseMix('finished=70,failed=20,unknown=10');
    expect(mix).toEqual([
      { kind: 'finished', weight: 70 },
      { kind: 'failed', weight: 20 },
      { kind: 'unknown', weight: 10 },
    ]);
    expect(freshShare(mix)).toBeCloseTo(0.9);
  });
  it.each(['done=1', 'finished=-1', 'finished=x', 'finished=0'])('refuses %s', (text) => {
    expect(() => parseMix(text)).toThrow(/mix/);
  });
});

describe('runLoad', () => {
  it('counts outcomes and stops at the request bound', async () => {
    let n = 0;
    const result = await runLoad({
      next: () => () =>
        n++ % 2 ? Promise.resolve() : Promise.reject(Object.assign(new Error('x'), { name: 'InvalidRequestException', $metadata: { httpStatusCode: 400 } })),
      concurrency: 3,
      durationSec: 60,
      requests: 10,
    });
    expect(result).toMatchObject({ requests: 10, stoppedBy: 'requests', outcomes: { ok: 5, InvalidRequestException: 5 } });
  });
});
