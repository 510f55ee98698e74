import { decodeInput } from '../../lambda/model/decode';
import { codePointLength } from '../../lambda/model/violations';
import { LIMITS, SET_TASK_STATUS_INPUT } from '../../lambda/operations/set-task-status';

/** The InvalidRequestException message for an input, or undefined when it is valid. */
const validationMessage = (input: Record<string, string | undefined>): string | undefined => {
  const decoded = decodeInput(JSON.stringify(input), SET_TASK_STATUS_INPUT);
  if (decoded.ok) return undefined;
  expect(decoded.error.type).toBe('InvalidRequestException');
  return decoded.error.message;
};

const valid = { taskId: 'task-1', taskStatus: 'FINISHED' };
const messageFor = (input: Record<string, string | undefined>) => {
  return validationMessage({ ...valid, ...input });
};
const astral = (n: number) => '\u{1F600}'.repeat(n);
const PATTERN = 'Member must satisfy regular expression pattern: [\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*';

describe('taskId', () => {
  it('is required, in the words AWS uses', () => {
    expect(messageFor({ taskId: undefined })).toBe("1 validation error detected: Value null at 'taskId' failed to satisfy constraint: Member must not be null");
  });
  it('has at least 1 character', () => {
    expect(messageFor({ taskId: '' })).toBe(
      "1 validation error detected: Value at 'taskId' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });
  it('has at most 2048 characters, counted as code points', () => {
    expect(messageFor({ taskId: 'a'.repeat(LIMITS.taskId) })).toBeUndefined();
    expect(messageFor({ taskId: astral(LIMITS.taskId) })).toBeUndefined();
    expect(messageFor({ taskId: 'a'.repeat(LIMITS.taskId + 1) })).toContain('Member must have length less than or equal to 2048');
    expect(messageFor({ taskId: astral(LIMITS.taskId + 1) })).toContain('less than or equal to 2048');
  });
  it.each([
    ['NUL', 'a\u0000b'],
    ['a C0 control other than CR LF TAB', 'a\u001fb'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', 'a\udc00'],
    ['U+FFFE', '\ufffe'],
  ])('rejects %s by the documented pattern', (_, taskId) => {
    expect(messageFor({ taskId })).toBe(`1 validation error detected: Value at 'taskId' failed to satisfy constraint: ${PATTERN}`);
  });
  it('accepts CR, LF, TAB, U+FFFD and paired surrogates', () => {
    expect(messageFor({ taskId: 'a\r\n\tb\ufffd\u{10FFFF}' })).toBeUndefined();
  });
});

describe('taskStatus', () => {
  it('is required', () => {
    expect(messageFor({ taskStatus: undefined })).toBe(
      "1 validation error detected: Value null at 'taskStatus' failed to satisfy constraint: Member must not be null",
    );
  });
  it.each(['FINISHED', 'FAILED', 'FALSE'])('accepts %s', (taskStatus) => {
    expect(messageFor({ taskStatus })).toBeUndefined();
  });
  it.each(['finished', 'RUNNING', 'CANCELED', '', 'FALSE '])('rejects %j and echoes it with the enum set', (taskStatus) => {
    expect(messageFor({ taskStatus })).toBe(
      `1 validation error detected: Value '${taskStatus}' at 'taskStatus' failed to satisfy constraint: Member must satisfy enum value set: [FINISHED, FAILED, FALSE]`,
    );
  });
});

describe('errorStackTrace', () => {
  it('may be empty and has at most 4095 characters (the API page; the SDK model says 1024)', () => {
    expect(messageFor({ errorStackTrace: '' })).toBeUndefined();
    expect(messageFor({ errorStackTrace: 'x'.repeat(LIMITS.errorStackTrace) })).toBeUndefined();
    expect(messageFor({ errorStackTrace: astral(4095) })).toBeUndefined();
    expect(messageFor({ errorStackTrace: 'x'.repeat(4096) })).toBe(
      "1 validation error detected: Value at 'errorStackTrace' failed to satisfy constraint: Member must have length less than or equal to 4095",
    );
  });
  it('follows the pattern', () => {
    expect(messageFor({ errorStackTrace: 'at x\n\tat y\r\n' })).toBeUndefined();
    expect(messageFor({ errorStackTrace: 'bell\u0007' })).toContain(PATTERN);
  });
});

describe('errorId', () => {
  it('must not start with Service_', () => {
    expect(messageFor({ errorId: 'Service_Timeout' })).toBe(
      "1 validation error detected: Value at 'errorId' failed to satisfy constraint: Member must not start with 'Service_', which is reserved by the service",
    );
    expect(messageFor({ errorId: 'service_Timeout' })).toBeUndefined();
    expect(messageFor({ errorId: 'My_Service_Error' })).toBeUndefined();
  });
  it("has at most 1024 characters and follows the pattern (the model's string shape)", () => {
    expect(messageFor({ errorId: 'e'.repeat(LIMITS.errorId) })).toBeUndefined();
    expect(messageFor({ errorId: 'e'.repeat(1025) })).toContain('less than or equal to 1024');
    expect(messageFor({ errorId: 'e\u0000' })).toContain(PATTERN);
  });
});

describe('errorMessage', () => {
  it('has at most 65536 characters (our bound: it keeps the items under 400 KB)', () => {
    expect(messageFor({ errorMessage: astral(LIMITS.errorMessage) })).toBeUndefined();
    expect(messageFor({ errorMessage: 'm'.repeat(LIMITS.errorMessage + 1) })).toBe(
      "1 validation error detected: Value at 'errorMessage' failed to satisfy constraint: Member must have length less than or equal to 65536",
    );
  });
  it('takes any text DynamoDB can store, control characters included, but no lone surrogate', () => {
    expect(messageFor({ errorMessage: '\u0000\u0007\ufffe' })).toBeUndefined();
    expect(messageFor({ errorMessage: 'x\ud83d' })).toContain('Member must be well-formed Unicode text');
  });
});

describe('several violations', () => {
  it('are counted and listed in member order, separated by "; "', () => {
    expect(validationMessage({ taskStatus: 'DONE', errorId: 'Service_x' })).toBe(
      "3 validation errors detected: Value null at 'taskId' failed to satisfy constraint: Member must not be null; " +
        "Value 'DONE' at 'taskStatus' failed to satisfy constraint: Member must satisfy enum value set: [FINISHED, FAILED, FALSE]; " +
        "Value at 'errorId' failed to satisfy constraint: Member must not start with 'Service_', which is reserved by the service",
    );
  });
  it('do not echo long values', () => {
    expect(validationMessage({ taskId: 't', taskStatus: 'X'.repeat(65) })).toMatch(/^1 validation error detected: Value at 'taskStatus'/);
  });
});

describe('codePointLength', () => {
  it('counts a surrogate pair once and a lone surrogate once', () => {
    expect(codePointLength('a\u{1F600}b')).toBe(3);
    expect(codePointLength('\ud800\ud800')).toBe(2);
    expect(codePointLength('\udc00\ud800')).toBe(2);
  });
});
