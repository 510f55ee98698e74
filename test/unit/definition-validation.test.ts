import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Definition, PipelineObject } from '../../lambda/definitions/definition';
import { validateDefinition, ValidationReport } from '../../lambda/definitions/validate';
import { definitionFromFile, DefinitionFile } from '../../tools/definition-file';

/** Definitions written for real accounts (awslabs/data-pipeline-samples, MIT No Attribution: see its LICENSE). */
const REAL = join(__dirname, '..', 'fixtures', 'definitions');

const report = (def: Definition): ValidationReport => {
  const out = validateDefinition(def);
  if (out.refusal !== undefined) throw new Error(`refused: ${out.refusal}`);
  return out.report;
};
const errorsOf = (def: Definition, id: string) => report(def).errors.find((e) => e.id === id)?.messages ?? [];
const def = (...pipelineObjects: PipelineObject[]): Definition => ({ pipelineObjects, parameterObjects: [], parameterValues: [] });
const obj = (id: string, fields: Record<string, string | { ref: string }>): PipelineObject => ({
  id,
  name: id,
  fields: Object.entries(fields).map(([key, v]) => (typeof v === 'string' ? { key, stringValue: v } : { key, refValue: v.ref })),
});
const ONDEMAND = obj('Default', { scheduleType: 'ondemand', workerGroup: 'wg' });

describe('definitions written for real accounts', () => {
  const read = (file: string) => JSON.parse(readFileSync(join(REAL, file), 'utf8'));
  const files = readdirSync(REAL).filter((f) => f.endsWith('.json'));
  const objectFiles = files.filter((f) => 'objects' in read(f));
  it('are all here', () => expect(objectFiles.length).toBeGreaterThanOrEqual(8));
  // A sample whose parameters come in a file of their own (`<sample>--parameters.json`) is put with them, as the CLI's --parameter-objects does.
  it.each(objectFiles)('%s has no validation error', (file) => {
    const parameters = `${file.split('--')[0]}--parameters.json`;
    const parsed = { ...read(file), ...(files.includes(parameters) ? read(parameters) : {}) } as DefinitionFile;
    expect(report(definitionFromFile(parsed)).errors).toEqual([]);
  });
  it('with their parameter values files too', () => {
    const definition = JSON.parse(readFileSync(join(REAL, 'oracle-backup--definition.json'), 'utf8'));
    const parameters = JSON.parse(readFileSync(join(REAL, 'oracle-backup--parameters.json'), 'utf8'));
    const values = JSON.parse(readFileSync(join(REAL, 'oracle-backup--values.json'), 'utf8'));
    expect(report(definitionFromFile({ ...definition, ...parameters, ...values })).errors).toEqual([]);
  });
});

describe('errors, per object', () => {
  it('duplicate ids', () => {
    expect(errorsOf(def(ONDEMAND, obj('A', { type: 'Exists' }), obj('A', { type: 'Exists' })), 'A')).toEqual([
      "DUPLICATE_OBJECT_ID: more than one object has the id 'A'.",
    ]);
  });
  it('a reference to a missing object', () => {
    expect(errorsOf(def(ONDEMAND, obj('A', { type: 'ShellCommandActivity', command: 'x', dependsOn: { ref: 'Nope' } })), 'A')).toEqual([
      "REFERENCE_TO_NONEXISTENT_OBJECT: field 'dependsOn' refers to 'Nope', which is not an object of this pipeline.",
    ]);
  });
  it('a field with both values, or neither', () => {
    const both = {
      id: 'A',
      name: 'A',
      fields: [
        { key: 'type', stringValue: 'Exists' },
        { key: 'x', stringValue: 'a', refValue: 'A' },
      ],
    };
    const neither = { id: 'B', name: 'B', fields: [{ key: 'type', stringValue: 'Exists' }, { key: 'x' }] };
    expect(errorsOf(def(both), 'A')).toContain("INVALID_FIELD: field 'x' has both a stringValue and a refValue.");
    expect(errorsOf(def(neither), 'B')).toEqual(["INVALID_FIELD: field 'x' has neither a stringValue nor a refValue."]);
  });
  it('a missing type, unless the object is Default or a parent; an unknown type', () => {
    expect(errorsOf(def(obj('A', { command: 'x' })), 'A')).toEqual(["MISSING_REQUIRED_FIELD: the object has no 'type'."]);
    expect(
      report(def(ONDEMAND, obj('Base', { workerGroup: 'wg' }), obj('A', { type: 'ShellCommandActivity', command: 'x', parent: { ref: 'Base' } }))).errors,
    ).toEqual([]);
    expect(errorsOf(def(obj('A', { type: 'ShellActivity' })), 'A')).toEqual(["INVALID_OBJECT_TYPE: 'ShellActivity' is not a pipeline object type."]);
  });
  it('the fields a type requires, found on the object, its parents or Default', () => {
    expect(errorsOf(def(obj('A', { type: 'ShellCommandActivity' })), 'A')).toEqual([
      "MISSING_REQUIRED_FIELD: 'command' or 'scriptUri' is required for ShellCommandActivity.",
      "MISSING_REQUIRED_FIELD: 'runsOn' or 'workerGroup' is required for ShellCommandActivity.",
    ]);
    expect(errorsOf(def(ONDEMAND, obj('A', { type: 'ShellCommandActivity', command: 'x' })), 'A')).toEqual([]);
    expect(errorsOf(def(obj('S', { type: 'Schedule', startAt: 'FIRST_ACTIVATION_DATE_TIME' })), 'S')).toEqual([
      "MISSING_REQUIRED_FIELD: 'period' is required for Schedule.",
    ]);
  });
  it('schedule values', () => {
    const bad = obj('S', { type: 'Schedule', period: '5 minutes', startDateTime: '2012-13-01T00:00:00', occurrences: '0' });
    expect(errorsOf(def(bad), 'S')).toEqual([
      "INVALID_FIELD_VALUE: 'period' must be at least 15 minutes.",
      "INVALID_FIELD_VALUE: 'startDateTime' value must be a literal datetime value.",
      "INVALID_FIELD_VALUE: 'occurrences' must be a positive integer.",
    ]);
    expect(errorsOf(def(obj('S', { type: 'Schedule', period: '1 Day', startAt: 'FIRST_ACTIVATION_DATE_TIME' })), 'S')).toEqual([]);
  });
  it('#{myParameter} with no parameter object, value or field of that name: a warning when saved, an error naming it when activated', () => {
    const d = {
      ...def(ONDEMAND, obj('A', { type: 'ShellCommandActivity', command: "echo #{myMessage} #{format(myDate, 'YYYY')} #{myOwn} #{myGiven}", myOwn: 'x' })),
      parameterObjects: [{ id: 'myDate', attributes: [{ key: 'type', stringValue: 'String' }] }],
      parameterValues: [{ id: 'myGiven', stringValue: 'v' }],
    };
    const saved = validateDefinition(d);
    if (saved.refusal !== undefined) throw new Error(saved.refusal);
    expect(saved.report.errors).toEqual([]);
    expect(saved.report.warnings.find((w) => w.id === 'A')?.messages).toEqual([
      "UNDECLARED_PARAMETER: field 'command' refers to 'myMessage', which has no value yet: give one when you activate (parameterValues), or declare it with a default.",
    ]);
    const activated = validateDefinition(d, { relaxed: false }, 'activate');
    if (activated.refusal !== undefined) throw new Error(activated.refusal);
    expect(activated.report.errors.find((e) => e.id === 'A')?.messages).toEqual([
      "INVALID_EXPRESSION: field 'command' refers to 'myMessage', which has no value: no parameter object declares it, no value is given for it, and the object has no field of that name.",
    ]);
  });
  it('expressions that do not parse, unknown functions, wrong argument counts', () => {
    const d = def(
      ONDEMAND,
      obj('A', { type: 'ShellCommandActivity', command: "#{format(@scheduledStartTime,'YYYY')} #{nope(1)} #{day(1, 2)}", stdout: '#{1 +}', stderr: 'x #{' }),
    );
    expect(errorsOf(d, 'A')).toEqual([
      "INVALID_EXPRESSION: field 'command': unknown function 'nope'.",
      "INVALID_EXPRESSION: field 'command': day() takes 1 argument, not 2.",
      "INVALID_EXPRESSION: field 'stdout': '1 +' ends too early.",
      "INVALID_EXPRESSION: field 'stderr': '#{' without its '}' in '#{'.",
    ]);
  });
  it("parameter values without parameter objects (the AWS CLI's --parameter-values, as AWS's walkthroughs put them) are accepted, and name their parameter", () => {
    const d = {
      ...def(ONDEMAND, obj('A', { type: 'ShellCommandActivity', command: 'cp #{myS3LogsPath} .' })),
      parameterValues: [{ id: 'myS3LogsPath', stringValue: 's3://b/logs' }],
    };
    expect(report(d)).toEqual({ errors: [], warnings: [] });
  });
  it('the limits of dp-limits.md, at and past each', () => {
    const fields = (n: number, value = 'v') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, value]));
    expect(errorsOf(def(obj('A', { type: 'Exists', ...fields(49) })), 'A')).toEqual([]);
    expect(errorsOf(def(obj('A', { type: 'Exists', ...fields(50) })), 'A')).toEqual(['LIMIT_EXCEEDED: the object has 51 fields; at most 50 are allowed.']);
    expect(errorsOf(def(obj('A', { type: 'Exists', ['k'.repeat(257)]: 'v' })), 'A')[0]).toMatch(
      /^LIMIT_EXCEEDED: field name 'k+' is longer than 256 UTF-8 bytes\.$/,
    );
    expect(errorsOf(def(obj('A', { type: 'Exists', x: 'a'.repeat(10240) })), 'A')).toEqual([]);
    expect(errorsOf(def(obj('A', { type: 'Exists', x: `${'a'.repeat(10238)}€` })), 'A')).toEqual([
      "LIMIT_EXCEEDED: the value of field 'x' is longer than 10240 UTF-8 bytes.",
    ]);
    // 15,360 bytes per object, names included: "type" + "Exists" = 10, "a" + 10,240, "b" + 5,108 → 15,360
    expect(errorsOf(def(obj('A', { type: 'Exists', a: 'x'.repeat(10240), b: 'y'.repeat(5108) })), 'A')).toEqual([]);
    expect(errorsOf(def(obj('A', { type: 'Exists', a: 'x'.repeat(10240), b: 'y'.repeat(5109) })), 'A')).toEqual([
      "LIMIT_EXCEEDED: the object's fields take 15361 UTF-8 bytes; at most 15360 are allowed.",
    ]);
    expect(errorsOf(def(obj('i'.repeat(257), { type: 'Exists' })), 'i'.repeat(257))).toEqual(['LIMIT_EXCEEDED: the id is longer than 256 UTF-8 bytes.']);
  });
  it('run settings: at most 5 retries, at least 2 minutes apart, periods in minutes or longer (seconds with relaxed limits only)', () => {
    const a = (fields: Record<string, string>) => def(ONDEMAND, obj('A', { type: 'ShellCommandActivity', command: 'true', ...fields }));
    expect(
      errorsOf(a({ maximumRetries: '5', retryDelay: '2 minutes', reportProgressTimeout: '1 hours', attemptTimeout: '#{myT}', myT: '1 hours' }), 'A'),
    ).toEqual([]);
    expect(errorsOf(a({ maximumRetries: '6', retryDelay: '1 minutes' }), 'A')).toEqual([
      "LIMIT_EXCEEDED: 'retryDelay' must be at least 2 minutes (the minimum delay between retry attempts).",
      "LIMIT_EXCEEDED: 'maximumRetries' is 6; at most 5 retries of an activity are allowed.",
    ]);
    expect(errorsOf(a({ maximumRetries: 'two', reportProgressTimeout: 'soon', retryDelay: '30 seconds' }), 'A')).toEqual([
      "INVALID_FIELD_VALUE: 'retryDelay' is given in seconds, which only an endpoint with relaxed limits accepts (npm start -- --relaxed-limits); give it in minutes or longer.",
      "INVALID_FIELD_VALUE: 'reportProgressTimeout' must be a period (\"N minutes|hours|days|weeks|months|years\"), not 'soon'.",
      "INVALID_FIELD_VALUE: 'maximumRetries' must be a whole number, not 'two'.",
    ]);
    const relaxed = validateDefinition(a({ maximumRetries: '9', retryDelay: '1 seconds', reportProgressTimeout: '3 seconds' }), { relaxed: true });
    expect('report' in relaxed && relaxed.report.errors).toEqual([]);
  });
});

describe('refusals (nothing is saved)', () => {
  it('more than 100 objects', () => {
    const many = def(...Array.from({ length: 101 }, (_, i) => obj(`O${i}`, { type: 'Exists' })));
    expect(validateDefinition(many)).toEqual({ refusal: 'The pipeline has 101 objects; at most 100 are allowed.' });
  });
  it('an empty string value', () => {
    expect(validateDefinition(def(obj('A', { type: 'Exists', x: '' })))).toEqual({
      refusal: "Field 'x' of object 'A' is empty: a string or reference field must have a value.",
    });
  });
});

describe("the guide's own words (issue 18)", () => {
  it('dp-object-schedule, "On-demand with explicit Schedule object": period ONDEMAND_PERIOD, startAt ONDEMAND_ACTIVATION_TIME', () => {
    const d = def(
      obj('Default', { scheduleType: 'ondemand', workerGroup: 'wg', schedule: { ref: 'DefaultSchedule' } }),
      obj('DefaultSchedule', { type: 'Schedule', period: 'ONDEMAND_PERIOD', startAt: 'ONDEMAND_ACTIVATION_TIME' }),
      obj('A', { type: 'ShellCommandActivity', command: 'x' }),
    );
    expect(report(d).errors).toEqual([]);
  });

  it('dp-object-shellcommandactivity: "If you provide a runsOn value and workerGroup exists, workerGroup is ignored" (the warning says where its tasks go)', () => {
    const d = def(
      obj('Default', { scheduleType: 'ondemand' }),
      obj('Box', { type: 'Ec2Resource', role: 'r', resourceRole: 'r' }),
      obj('A', { type: 'ShellCommandActivity', command: 'x', workerGroup: 'mine', runsOn: { ref: 'Box' } }),
    );
    expect(report(d).warnings.find((w) => w.id === 'A')?.messages).toEqual([
      "RESOURCE_NOT_PROVISIONED: the activity runs on a resource ('runsOn'), which this backend does not start: its tasks go to worker group 'Box' (the resource's workerGroup, else its id) for a task runner you start there; its 'workerGroup' is ignored, as the guide says when runsOn is given.",
    ]);
  });

  it('dp-object-ec2resource: workerGroup "is not allowed on this object": a warning says what this backend does with it instead', () => {
    const d = def(
      obj('Default', { scheduleType: 'ondemand' }),
      obj('Box', { type: 'Ec2Resource', role: 'r', resourceRole: 'r', workerGroup: 'box-group' }),
      obj('A', { type: 'ShellCommandActivity', command: 'x', runsOn: { ref: 'Box' } }),
    );
    expect(report(d).errors).toEqual([]);
    expect(report(d).warnings.find((w) => w.id === 'Box')?.messages).toEqual([
      expect.stringMatching(/^FIELD_NOT_ALLOWED: dp-object-ec2resource does not allow 'workerGroup'/),
    ]);
  });
});

describe('declared parameters keep their checks (dp-custom-templates), found by a hostile review', () => {
  const param = (id: string, attributes: Record<string, string | string[]>) => ({
    id,
    attributes: Object.entries(attributes).flatMap(([key, v]) => (Array.isArray(v) ? v : [v]).map((stringValue) => ({ key, stringValue }))),
  });
  const withParams = (parameterObjects: ReturnType<typeof param>[], values: [string, string][], stage: 'save' | 'activate' = 'save') => {
    const out = validateDefinition(
      { pipelineObjects: [ONDEMAND], parameterObjects, parameterValues: values.map(([id, stringValue]) => ({ id, stringValue })) },
      { relaxed: false },
      stage,
    );
    if (out.refusal !== undefined) throw new Error(out.refusal);
    return out.report;
  };
  const messages = (r: ValidationReport, id: string) => [...r.errors, ...r.warnings].filter((e) => e.id === id).flatMap((e) => e.messages);

  it('a value of the declared type: Integer and Double, in values and defaults', () => {
    const r = withParams([param('myN', { type: 'Integer', optional: 'true' }), param('myD', { type: 'Double', default: 'x1.5' })], [['myN', 'abc']]);
    expect(messages(r, 'myN')).toEqual(["INVALID_FIELD_VALUE: the value of parameter 'myN' must be an Integer, not 'abc'."]);
    expect(messages(r, 'myD')).toEqual(["INVALID_FIELD_VALUE: the default of parameter 'myD' must be a Double, not 'x1.5'."]);
    expect(
      withParams(
        [param('myN', { type: 'Integer' }), param('myD', { type: 'Double' })],
        [
          ['myN', '-42'],
          ['myD', '2.5e3'],
        ],
      ).errors,
    ).toEqual([]);
  });

  it('one value unless isArray; among allowedValues when it has them', () => {
    const r = withParams(
      [param('myOne', { optional: 'true' }), param('myMany', { isArray: 'true', allowedValues: ['a', 'b'] })],
      [
        ['myOne', 'a'],
        ['myOne', 'b'],
        ['myMany', 'a'],
        ['myMany', 'c'],
      ],
    );
    expect(messages(r, 'myOne')).toEqual(["INVALID_FIELD_VALUE: parameter 'myOne' has 2 values but is not an array (isArray)."]);
    expect(messages(r, 'myMany')).toEqual(["INVALID_FIELD_VALUE: the value 'c' of parameter 'myMany' is not one of its allowedValues."]);
  });

  it('ids start with my (*my to mask); at most 50 parameters, declared or given a value', () => {
    expect(messages(withParams([param('bucket', { optional: 'true' })], [['*mySecret', 's']]), 'bucket')).toEqual([
      "INVALID_FIELD_VALUE: parameter id 'bucket' must start with 'my' ('*my' for a value to mask).",
    ]);
    const fifty = Array.from({ length: 50 }, (_, i) => [`my${i}`, 'v'] as [string, string]);
    expect(withParams([], fifty).errors).toEqual([]);
    expect(withParams([param('myExtra', { optional: 'true' })], fifty).errors).toEqual([
      { id: 'my49', messages: ['LIMIT_EXCEEDED: the definition has 51 parameters (declared or given a value); at most 50 are allowed.'] },
    ]);
  });

  it('a required parameter (not optional) with no value and no default: a warning when saved, an error when activated; a blank value is none', () => {
    const declared = [param('myR', { type: 'Integer' })];
    expect(messages(withParams(declared, [['myR', '']]), 'myR')).toEqual([
      "MISSING_PARAMETER_VALUE: parameter 'myR' is required (not optional) and has no value and no default yet: give one when you activate (parameterValues).",
    ]);
    expect(withParams(declared, [], 'activate').errors).toEqual([
      {
        id: 'myR',
        messages: ["MISSING_PARAMETER_VALUE: parameter 'myR' is required (not optional) and has no value and no default: give it with parameterValues."],
      },
    ]);
    expect(withParams(declared, [['myR', '7']], 'activate').errors).toEqual([]);
    expect(withParams([param('myR', { type: 'Integer', default: '7' })], [], 'activate').errors).toEqual([]);
  });
});
