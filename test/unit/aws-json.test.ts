import { decodeInput, encodeError, encodeResult, readOperation } from '../../lambda/protocol/aws-json';
import { SET_TASK_STATUS_MEMBERS } from '../../lambda/operations/set-task-status';

const decode = (body: string) => decodeInput(body, SET_TASK_STATUS_MEMBERS);

describe('readOperation', () => {
  it('takes the operation from X-Amz-Target', () => {
    expect(readOperation({ 'x-amz-target': 'DataPipeline.SetTaskStatus' })).toBe('SetTaskStatus');
  });
  it.each([undefined, '', 'SetTaskStatus', 'DynamoDB_20120810.GetItem', 'datapipeline.SetTaskStatus'])('finds none in %j', (target) => {
    expect(readOperation({ 'x-amz-target': target })).toBeUndefined();
  });
});

describe('decodeInput', () => {
  it('keeps modeled string members and ignores unknown members', () => {
    expect(decode('{"taskId":"t","taskStatus":"FAILED","errorId":"e","other":[1,{"x":2}]}')).toEqual({
      ok: true,
      input: { taskId: 't', taskStatus: 'FAILED', errorId: 'e' },
    });
  });
  it('treats null members as absent and an empty body as {}', () => {
    expect(decode('{"taskId":null,"errorMessage":null}')).toEqual({ ok: true, input: {} });
    expect(decode('')).toEqual({ ok: true, input: {} });
    expect(decode('  \n')).toEqual({ ok: true, input: {} });
  });
  it.each([
    ['{"taskId": 5}', "Member 'taskId' must be a JSON string, not a number."],
    ['{"taskStatus": true}', "Member 'taskStatus' must be a JSON string, not a boolean."],
    ['{"errorMessage": ["a"]}', "Member 'errorMessage' must be a JSON string, not an array."],
    ['{"errorStackTrace": {}}', "Member 'errorStackTrace' must be a JSON string, not an object."],
    ['[]', 'The request body must be a JSON object.'],
    ['"text"', 'The request body must be a JSON object.'],
    ['null', 'The request body must be a JSON object.'],
    ['{"taskId": "t"', 'The request body is not valid JSON.'],
    ['\u0000', 'The request body is not valid JSON.'],
  ])('rejects %j with SerializationException', (body, message) => {
    expect(decode(body)).toEqual({ ok: false, error: { type: 'SerializationException', message } });
  });
});

describe('encoding', () => {
  it('answers success with 200, {}, the JSON 1.1 content type and the request id', () => {
    expect(encodeResult({}, 'rid')).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'rid' },
      body: '{}',
    });
  });
  it.each([
    ['InvalidRequestException', 400],
    ['TaskNotFoundException', 400],
    ['SerializationException', 400],
    ['InternalServiceError', 500],
    ['RequestEntityTooLargeException', 413],
  ])('answers %s with status %i, __type, message and x-amzn-ErrorType', (type, status) => {
    const res = encodeError({ type, message: 'm' }, 'rid');
    expect(res.statusCode).toBe(status);
    expect(res.headers).toEqual({ 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'rid', 'x-amzn-ErrorType': type });
    expect(JSON.parse(res.body)).toEqual({ __type: type, message: 'm' });
  });
});
