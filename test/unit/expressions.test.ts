/** Expressions (dp-pipeline-expressions, dp-expressions-functions), with the guide's own examples where it gives them. */
import type { Definition, Field, PipelineObject } from '../../lambda/definitions/definition';
import { evaluateFieldValues, evaluateTemplate } from '../../lambda/expressions/evaluate';
import { ExpressionError } from '../../lambda/expressions/errors';
import { scopesOf } from '../../lambda/definitions/expression-scope';

const obj = (id: string, fields: Record<string, string | { ref: string } | string[]>): PipelineObject => ({
  id,
  name: id,
  fields: Object.entries(fields).flatMap(([key, v]): Field[] =>
    Array.isArray(v) ? v.map((stringValue) => ({ key, stringValue })) : typeof v === 'string' ? [{ key, stringValue: v }] : [{ key, refValue: v.ref }],
  ),
});

const definition: Definition = {
  pipelineObjects: [
    obj('Default', { scheduleType: 'ondemand', workerGroup: 'wg', myDateTime: '2011-05-24T17:10:00' }),
    obj('Base', { myBucket: 's3://bucket' }),
    obj('Data', { type: 'S3DataNode', directoryPath: "#{myBucket}/#{format(@scheduledStartTime,'YYYY-MM-dd')}", parent: { ref: 'Base' } }),
    obj('Act', { type: 'ShellCommandActivity', command: 'cp #{input.directoryPath} /tmp', input: { ref: 'Data' }, myList: ['one', 'two'], myCount: '5' }),
    obj('Loop', { type: 'ShellCommandActivity', command: '#{myA}', myA: '#{myB}', myB: '#{myA}' }),
  ],
  parameterObjects: [
    {
      id: 'myGreeting',
      attributes: [
        { key: 'type', stringValue: 'String' },
        { key: 'default', stringValue: 'hello' },
      ],
    },
    { id: 'myTarget', attributes: [{ key: 'type', stringValue: 'String' }] },
  ],
  parameterValues: [{ id: 'myTarget', stringValue: 'world' }],
};
const instance: PipelineObject = obj('@Act_2026-11-29T10:00:00', {
  '@componentParent': { ref: 'Act' },
  '@scheduledStartTime': '2026-11-29T10:00:00',
  '@scheduledEndTime': '2026-11-29T11:00:00',
});
const scopes = scopesOf(definition, [instance]);
const on = (id: string, text: string) => evaluateTemplate(text, scopes.scopeOf(id)!);

describe("the date and time functions, on the guide's myDateTime (2011-05-24T17:10:00)", () => {
  it.each([
    ['#{day(myDateTime)}', '24'],
    ['#{dayOfYear(myDateTime)}', '144'],
    ['#{firstOfMonth(myDateTime)}', '2011-05-01T17:10:00'],
    ["#{format(myDateTime,'YYYY-MM-dd HH:mm:ss z')}", '2011-05-24 17:10:00 UTC'],
    ["#{format(myDateTime,'EEE, d MMM yyyy hh:mm a')}", 'Tue, 24 May 2011 05:10 PM'],
    ['#{hour(myDateTime)}', '17'],
    ['#{makeDate(2011,5,24)}', '2011-05-24T00:00:00'],
    ['#{makeDateTime(2011,5,24,14,21)}', '2011-05-24T14:21:00'],
    ['#{midnight(myDateTime)}', '2011-05-24T00:00:00'],
    ['#{minusDays(myDateTime,1)}', '2011-05-23T17:10:00'],
    ['#{minusHours(myDateTime,1)}', '2011-05-24T16:10:00'],
    ['#{minusMinutes(myDateTime,1)}', '2011-05-24T17:09:00'],
    ['#{minusMonths(myDateTime,1)}', '2011-04-24T17:10:00'],
    ['#{minusWeeks(myDateTime,1)}', '2011-05-17T17:10:00'],
    ['#{minusYears(myDateTime,1)}', '2010-05-24T17:10:00'],
    ['#{minute(myDateTime)}', '10'],
    ['#{month(myDateTime)}', '5'],
    ['#{plusDays(myDateTime,1)}', '2011-05-25T17:10:00'],
    ['#{plusHours(myDateTime,1)}', '2011-05-24T18:10:00'],
    ['#{plusMinutes(myDateTime,1)}', '2011-05-24T17:11:00'],
    ['#{plusMonths(myDateTime,1)}', '2011-06-24T17:10:00'],
    ['#{plusWeeks(myDateTime,1)}', '2011-05-31T17:10:00'],
    ['#{plusYears(myDateTime,1)}', '2012-05-24T17:10:00'],
    ['#{sunday(myDateTime)}', '2011-05-22T17:10:00'],
    ['#{year(myDateTime)}', '2011'],
    ['#{yesterday(myDateTime)}', '2011-05-23T17:10:00'],
    ["#{inTimeZone(myDateTime,'America/Los_Angeles')}", '2011-05-24T10:10:00-07:00'],
    ["#{format(inTimeZone(myDateTime,'America/Los_Angeles'),'HH:mm Z')}", '10:10 -0700'],
    ["#{format(minusMinutes(myDateTime,30),'YYYY-MM-dd hh:mm:ss')}", '2011-05-24 04:40:00'],
  ])('%s → %s', (expression, expected) => expect(on('Act', expression)).toBe(expected));

  it("month arithmetic keeps the day, or the month's last", () => {
    expect(on('Act', "#{plusMonths('2012-01-31T00:00:00',1)}")).toBe('2012-02-29T00:00:00');
    expect(on('Act', "#{minusYears('2012-02-29T00:00:00',1)}")).toBe('2011-02-28T00:00:00');
  });
});

describe('names, references and operators', () => {
  it("runtime fields of an instance, and a referenced object in that instance's period", () => {
    expect(on('@Act_2026-11-29T10:00:00', 'run #{@scheduledStartTime}..#{@scheduledEndTime}')).toBe('run 2026-11-29T10:00:00..2026-11-29T11:00:00');
    expect(on('@Act_2026-11-29T10:00:00', '#{command}')).toBe('cp s3://bucket/2026-11-29 /tmp');
  });
  it("parameters: their values, else their default; the object's id, name and parent", () => {
    expect(on('Act', "#{myGreeting + ', ' + myTarget}")).toBe('hello, world');
    expect(on('Data', '#{parent.@id}/#{@id}/#{name}/#{type}')).toBe('Base/Data/Data/S3DataNode');
  });
  it('arithmetic on numbers, + on strings concatenates, lists map', () => {
    expect(on('Act', '#{myCount * 2 + 1} #{7 / 2} #{-(myCount - 8)} #{*myCount}')).toBe('11 3.5 3 5');
    expect(evaluateFieldValues("#{'this is ' + myList}", scopes.scopeOf('Act')!)).toEqual(['this is one', 'this is two']);
    expect(on('Act', "#{'a\\'b' + \"c\"}")).toBe("a'bc");
  });
  it('a braces inside a quoted string does not end the expression', () => {
    expect(on('Act', "x#{'}' + '{'}y")).toBe('x}{y');
  });
  it.each([
    ['#{myMissing}', "'myMissing' is neither a field of 'Act' nor a parameter of the pipeline."],
    ['#{nope(myDateTime)}', "unknown function 'nope'."],
    ['#{day(myDateTime, 2)}', 'day() takes 1 argument, not 2.'],
    ['#{day(myCount)}', `day() needs a DateTime ("YYYY-MM-DDTHH:MM:SS"), not '5'.`],
    ['#{input.nothing}', "'nothing' is not a field of 'Data'."],
    ['#{myCount.x}', "'myCount' is not a reference to an object, so 'x' cannot be read from it."],
    ['#{@scheduledStartTime}', "'@scheduledStartTime' is neither a field of 'Act' nor a parameter of the pipeline."],
    ['#{1 / 0}', 'division by zero.'],
    ['#{makeDate(2011,2,30)}', '2011-2-30 0:0 is not a date and time.'],
    ["#{format(myDateTime,'qq')}", "format pattern 'qq' uses 'q', which is not supported (docs/behaviour.md §9)."],
    ["#{inTimeZone(myDateTime,'Mars/Base')}", "'Mars/Base' is not a time zone (an IANA name such as 'America/Los_Angeles', or 'UTC')."],
    ['#{day(}', "'day(' ends too early."],
    ['#{a b}', "unexpected 'b' in 'a b'."],
    ['#{', "'#{' without its '}' in '#{'."],
    [
      '#{node.x}',
      "'node' is the object that refers to a precondition or an alarm (by precondition, onFail, onSuccess or onLateAction); nothing refers to 'Act' that way.",
    ],
  ])('%s fails: %s', (expression, message) => {
    expect(() => on('Act', expression)).toThrow(new ExpressionError(message));
  });
  it('fields that refer to each other in a cycle fail instead of looping', () => {
    expect(() => on('Loop', '#{command}')).toThrow(/refers to itself through its expressions \(a cycle\)/);
  });
});
