/** local/idle-collector.ts: one collection once the endpoint has had no request in flight for QUIET_MS. */
import { idleCollector, QUIET_MS } from '../../local/idle-collector';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const collector = () => {
  const collect = jest.fn();
  return { collect, c: idleCollector(collect) };
};

it('collects once, QUIET_MS after the last request in flight was answered', () => {
  const { collect, c } = collector();
  c.begin();
  c.begin();
  c.done();
  jest.advanceTimersByTime(10 * QUIET_MS);
  expect(collect).not.toHaveBeenCalled(); // one still in flight: a long poll keeps the endpoint busy
  c.done();
  jest.advanceTimersByTime(QUIET_MS - 1);
  expect(collect).not.toHaveBeenCalled();
  jest.advanceTimersByTime(1);
  expect(collect).toHaveBeenCalledTimes(1);
  jest.advanceTimersByTime(10 * QUIET_MS);
  expect(collect).toHaveBeenCalledTimes(1); // quiet since: nothing more to give back
});

it('a request that arrives during the quiet spell puts the collection off until it is answered', () => {
  const { collect, c } = collector();
  c.begin();
  c.done();
  jest.advanceTimersByTime(QUIET_MS - 1);
  c.begin();
  jest.advanceTimersByTime(10 * QUIET_MS);
  expect(collect).not.toHaveBeenCalled();
  c.done();
  jest.advanceTimersByTime(QUIET_MS);
  expect(collect).toHaveBeenCalledTimes(1);
});

it('never collects before any request, nor after stop()', () => {
  const { collect, c } = collector();
  jest.advanceTimersByTime(10 * QUIET_MS);
  c.begin();
  c.done();
  c.stop();
  jest.advanceTimersByTime(10 * QUIET_MS);
  expect(collect).not.toHaveBeenCalled();
});
