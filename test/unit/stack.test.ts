/** Template assertions for every setting the stack promises (bundling and CloudFormation validation off). */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EXPIRY_ATTRIBUTE, TABLE_KEYS, TABLES } from '../../lambda/store/tables';
import { GATEWAY_ERRORS, gatewayErrorTemplate } from '../../lib/gateway-responses';
import { DEFAULT_MEMORY_MB, STAGE_THROTTLING, TaskRunnerStack } from '../../lib/task-runner-stack';

const synth = (sandbox: boolean) => {
  const app = new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new TaskRunnerStack(app, 'Test', { sandbox });
  return { app, template: Template.fromStack(stack) };
};
const { app, template } = synth(false);
const sandbox = synth(true).template;

describe('tables', () => {
  it('are the shared definitions (keys and indexes): on-demand, point-in-time recovery, deletion protection, retained, TTL', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', TABLE_KEYS.length);
    for (const t of Object.values(TABLES)) {
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          KeySchema: [{ AttributeName: t.partitionKey, KeyType: 'HASH' }, ...(t.sortKey ? [{ AttributeName: t.sortKey, KeyType: 'RANGE' }] : [])],
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
          TimeToLiveSpecification: { AttributeName: EXPIRY_ATTRIBUTE, Enabled: true },
          GlobalSecondaryIndexes: t.indexes
            ? t.indexes.map((i) => ({
                IndexName: i.name,
                KeySchema: [
                  { AttributeName: i.partitionKey, KeyType: 'HASH' },
                  { AttributeName: i.sortKey, KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...i.include] },
              }))
            : Match.absent(),
        },
      });
    }
  });
  it('are destroyed without deletion protection in a sandbox', () => {
    const tables = sandbox.findResources('AWS::DynamoDB::Table');
    expect(Object.values(tables).map((t) => [t.DeletionPolicy, t.Properties.DeletionProtectionEnabled])).toEqual(TABLE_KEYS.map(() => ['Delete', false]));
  });
});

describe('the function', () => {
  it('is ARM64 on the newest Node.js runtime, with memory, a timeout under 29 s, X-Ray and JSON logs', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: DEFAULT_MEMORY_MB,
      Timeout: 15,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^HandlerLogs') } },
      Environment: {
        Variables: Match.objectLike({
          NODE_OPTIONS: '--enable-source-maps --max-old-space-size=160',
          POWERTOOLS_SERVICE_NAME: 'datapipeline-task-runner',
          PIPELINES_TABLE: { Ref: Match.stringLikeRegexp('^PipelinesTable') },
          TASKS_TABLE: { Ref: Match.stringLikeRegexp('^TasksTable') },
          OBJECTS_TABLE: { Ref: Match.stringLikeRegexp('^ObjectsTable') },
        }),
      },
    });
  });
  it('logs to explicit log groups with a retention, not through the deprecated logRetention', () => {
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 2);
    template.resourceCountIs('Custom::LogRetention', 0);
  });
  it('has its own role: no managed policy, and log permissions on its own log group only', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(1);
    expect(roles[0].Properties.ManagedPolicyArns).toBeUndefined();
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const logs = statements.filter((st: { Action: string | string[] }) => [st.Action].flat().some((a) => a.startsWith('logs:')));
    expect(logs).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^HandlerLogs/), 'Arn'] },
      },
    ]);
    const logGroups = Object.keys(template.findResources('AWS::Logs::LogGroup'));
    const [functionLogs] = logGroups.filter((id) => id.startsWith('HandlerLogs'));
    expect(logs[0].Resource['Fn::GetAtt'][0]).toBe(functionLogs);
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: functionLogs } } });
  });
  it('may call exactly the actions each table and index needs: no Scan, no wildcard', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const dynamo = policies
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st: { Action: string | string[] }) => [st.Action].flat().some((a) => a.startsWith('dynamodb:')));
    // A resource as text: a table's logical id (without its hash), and any suffix such as /index/NAME.
    const render = (r: unknown): string => {
      if (typeof r === 'string') return r;
      const o = r as { 'Fn::GetAtt'?: string[]; 'Fn::Join'?: [string, unknown[]] };
      if (o['Fn::GetAtt']) return o['Fn::GetAtt'][0].replace(/[0-9A-F]{8}$/, '');
      return o['Fn::Join']![1].map(render).join('');
    };
    expect(dynamo.map((st: { Action: string | string[]; Resource: unknown }) => [[st.Action].flat(), render(st.Resource)])).toEqual([
      [['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem'], 'PipelinesTable'],
      [['dynamodb:Query'], 'PipelinesTable/index/byAccount'],
      [['dynamodb:Query', 'dynamodb:BatchWriteItem'], 'DefinitionsTable'],
      [['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], 'TasksTable'],
      [['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'], 'ObjectsTable'],
      [['dynamodb:Query'], 'ObjectsTable/index/ready'],
    ]);
  });
});

describe('the API', () => {
  it('is a regional REST API with POST / as an AWS_IAM Lambda proxy integration', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    template.resourceCountIs('AWS::ApiGateway::Method', 1);
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'AWS_IAM',
      ResourceId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Api'), 'RootResourceId'] },
      Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
    });
  });
  it('has a stage with throttling, X-Ray, JSON access logs and no data trace', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('^\\{"requestId":"\\$context.requestId"') },
      MethodSettings: [
        Match.objectLike({
          DataTraceEnabled: false,
          ThrottlingRateLimit: STAGE_THROTTLING.rateLimit,
          ThrottlingBurstLimit: STAGE_THROTTLING.burstLimit,
          HttpMethod: '*',
          ResourcePath: '/*',
        }),
      ],
    });
  });
  it.each(GATEWAY_ERRORS.map((g) => [g.responseType, g.errorType]))('rewrites the %s gateway response as %s', (responseType, errorType) => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: responseType,
      ResponseParameters: { 'gatewayresponse.header.x-amzn-ErrorType': `'${errorType}'` },
      ResponseTemplates: { 'application/json': gatewayErrorTemplate(errorType) },
    });
  });
  it('covers the gateway responses an SDK meets most', () => {
    const types = GATEWAY_ERRORS.map((g) => g.responseType);
    for (const t of [
      'DEFAULT_4XX',
      'DEFAULT_5XX',
      'ACCESS_DENIED',
      'MISSING_AUTHENTICATION_TOKEN',
      'EXPIRED_TOKEN',
      'INVALID_SIGNATURE',
      'THROTTLED',
      'REQUEST_TOO_LARGE',
    ]) {
      expect(types).toContain(t);
    }
  });
});

it('relaxes the run limits only when asked (-c relaxedLimits=true)', () => {
  const env = (t: Template) => Object.values(t.findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;
  expect(env(template).RELAXED_LIMITS).toBeUndefined();
  const app2 = new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } });
  expect(env(Template.fromStack(new TaskRunnerStack(app2, 'Relaxed', { relaxedLimits: true }))).RELAXED_LIMITS).toBe('true');
});

it('takes its memory from -c memorySize (the V8 heap bound follows it), and refuses one below 256 MB', () => {
  const fn = (t: Template) => Object.values(t.findResources('AWS::Lambda::Function'))[0].Properties;
  const app2 = new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } });
  const props = fn(Template.fromStack(new TaskRunnerStack(app2, 'Bigger', { memorySize: 1024 })));
  expect([props.MemorySize, props.Environment.Variables.NODE_OPTIONS]).toEqual([1024, '--enable-source-maps --max-old-space-size=928']);
  expect(() => new TaskRunnerStack(app2, 'Small', { memorySize: 128 })).toThrow('memorySize must be a whole number of MB from 256 to 10240, not 128');
});

it('outputs the endpoint URL, the table names and the region', () => {
  expect(Object.keys(template.findOutputs('*')).sort()).toEqual([
    'ApiUrl',
    'DefinitionsTableName',
    'ObjectsTableName',
    'PipelinesTableName',
    'Region',
    'TasksTableName',
  ]);
});

it('has no unacknowledged cdk-nag AwsSolutions finding', () => {
  expect(new AwsSolutionsChecks(app).validateScope(app).violations).toEqual([]);
});
