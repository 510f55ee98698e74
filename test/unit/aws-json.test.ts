import { encodeError, encodeResult, readOperation } from '../../lambda/protocol/aws-json';

describe('readOperation', () => {
  it('takes the operation from X-Amz-Target', () => {
    expect(readOperation({ 'x-amz-target': 'DataPipeline.SetTaskStatus' })).toBe('SetTaskStatus');
  });
  it.each([undefined, '', 'SetTaskStatus', 'DynamoDB_20120810.GetItem', 'datapipeline.SetTaskStatus'])('finds none in %j', (target) => {
    expect(readOperation({ 'x-amz-target': target })).toBeUndefined();
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
