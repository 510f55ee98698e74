import { decodeInput } from '../../lambda/model/decode';
import { FIELD_LIST, list, optional, SHAPES, structure, TAG_LIST } from '../../lambda/model/shapes';

const SHAPE = structure({
  taskId: optional(SHAPES.taskId),
  errorMessage: optional({ kind: 'string' }),
  flag: optional(SHAPES.boolean),
  limit: optional(SHAPES.int),
  startTimestamp: optional(SHAPES.timestamp),
  fields: optional(FIELD_LIST),
  tags: optional(TAG_LIST),
  ids: optional(list(SHAPES.id)),
});
const decode = (body: string) => decodeInput(body, SHAPE);
const invalid = (body: string) => {
  const d = decode(body);
  if (d.ok) throw new Error('expected a refusal');
  return d.error;
};

describe('decodeInput: JSON types', () => {
  it('keeps modeled members and ignores unknown members', () => {
    expect(decode('{"taskId":"t","flag":false,"limit":3,"startTimestamp":1.5,"other":[1,{"x":2}]}')).toEqual({
      ok: true,
      input: { taskId: 't', flag: false, limit: 3, startTimestamp: 1.5 },
    });
  });
  it('treats null members as absent and an empty body as {}', () => {
    expect(decode('{"taskId":null,"errorMessage":null}')).toEqual({ ok: true, input: {} });
    expect(decode('')).toEqual({ ok: true, input: {} });
    expect(decode('  \n')).toEqual({ ok: true, input: {} });
  });
  it.each([
    ['{"taskId": 5}', "Member 'taskId' must be a JSON string, not a number."],
    ['{"errorMessage": ["a"]}', "Member 'errorMessage' must be a JSON string, not an array."],
    ['{"flag": "true"}', "Member 'flag' must be a JSON boolean, not a string."],
    ['{"limit": 1.5}', "Member 'limit' must be an integer, not a number."],
    ['{"startTimestamp": "2026-01-01"}', "Member 'startTimestamp' must be a number of seconds since the epoch, not a string."],
    ['{"fields": {}}', "Member 'fields' must be a JSON array, not an object."],
    ['{"fields": ["k"]}', "Member 'fields.1.member' must be a JSON object, not a string."],
    ['{"fields": [{"key": "k", "stringValue": 7}]}', "Member 'fields.1.member.stringValue' must be a JSON string, not a number."],
    ['[]', 'The request body must be a JSON object.'],
    ['"text"', 'The request body must be a JSON object.'],
    ['null', 'The request body must be a JSON object.'],
    ['{"taskId": "t"', 'The request body is not valid JSON.'],
    ['\u0000', 'The request body is not valid JSON.'],
  ])('rejects %j with SerializationException', (body, message) => {
    expect(decode(body)).toEqual({ ok: false, error: { type: 'SerializationException', message } });
  });
  it('answers a type error before any constraint violation', () => {
    expect(invalid('{"taskId": "", "limit": "x"}').type).toBe('SerializationException');
  });
});

describe('decodeInput: constraints of nested members', () => {
  it('names list members by their 1-based position, as AWS does', () => {
    expect(invalid('{"fields": [{"key": "a"}, {"stringValue": "v"}]}')).toEqual({
      type: 'InvalidRequestException',
      message: "1 validation error detected: Value null at 'fields.2.member.key' failed to satisfy constraint: Member must not be null",
    });
  });
  it('refuses null list elements', () => {
    expect(invalid('{"ids": ["a", null]}').message).toBe(
      "1 validation error detected: Value null at 'ids.2.member' failed to satisfy constraint: Member must not be null",
    );
  });
  it('checks list sizes', () => {
    const tags = JSON.stringify(Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: '' })));
    expect(invalid(`{"tags": ${tags}}`).message).toBe(
      "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
  });
  it('lists at most ten violations, then says how many more', () => {
    const ids = JSON.stringify(Array.from({ length: 25 }, () => ''));
    const { message } = invalid(`{"ids": ${ids}}`);
    expect(message.startsWith('25 validation errors detected: ')).toBe(true);
    expect(message.match(/failed to satisfy constraint/g)).toHaveLength(10);
    expect(message.endsWith('; and 15 more')).toBe(true);
  });
});
