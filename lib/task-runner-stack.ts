/**
 * The deployed backend: a regional REST API (POST /, AWS_IAM) proxying to one Lambda, and the three
 * DynamoDB tables from lambda/store/tables.ts. Secure and observable by default; `sandbox` trades
 * retention for easy clean-up.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SERVICE_NAME } from '../lambda/service-name';
import { BY_ACCOUNT_INDEX, EXPIRY_ATTRIBUTE, READY_INDEX, TABLE_KEYS, TABLES, TableKey } from '../lambda/store/tables';
import { FUNCTION_TIMEOUT_SECONDS } from '../lambda/function-settings';
import { GATEWAY_ERRORS, gatewayErrorTemplate } from './gateway-responses';
import { HANDLER_BUNDLING, HANDLER_ENTRY } from './handler-bundle';
import { OUTPUT_API_URL, OUTPUT_REGION, tableOutputName } from './stack-outputs';

export interface TaskRunnerStackProps extends StackProps {
  /** Throwaway account: tables and log groups are destroyed with the stack, without deletion protection. */
  readonly sandbox?: boolean;
  /** Run limits for tests and demos (periods in seconds, no minimums): off unless asked for. */
  readonly relaxedLimits?: boolean;
  /** The function's memory in MB (DEFAULT_MEMORY_MB): what an idle task runner costs moves with it (README). */
  readonly memorySize?: number;
}

/**
 * 256 MB: an idle task runner is a Lambda waiting in a long poll, billed by memory x time, so this halves its cost
 * against 512. Enough: the hostile corpus and 2,000 fuzzed requests (`npm run fuzz`) pass with the handler's heap
 * capped at 128 MB, and a call's CPU (1.7 ms of the handler's thread per SetTaskStatus here, `npm run bench`)
 * stays small beside its DynamoDB round trips at a seventh of a vCPU. docs/decisions.md.
 */
export const DEFAULT_MEMORY_MB = 256;
/** What the Node runtime, the bundle and the buffers of a 6 MB request take besides V8's old space. */
const NON_HEAP_MB = 96;

const memoryOf = (props: TaskRunnerStackProps): number => {
  const mb = props.memorySize ?? DEFAULT_MEMORY_MB;
  if (!Number.isInteger(mb) || mb < 256 || mb > 10240) throw new Error(`memorySize must be a whole number of MB from 256 to 10240, not ${mb}`);
  return mb;
};

/** The DynamoDB actions the function calls, per table and per index: nothing else, no Scan, no wildcard. */
const TABLE_ACTIONS: Readonly<Record<TableKey, { table: string[]; indexes?: Record<string, string[]> }>> = {
  pipelines: {
    table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem'],
    indexes: { [BY_ACCOUNT_INDEX.name]: ['dynamodb:Query'] },
  },
  definitions: { table: ['dynamodb:Query', 'dynamodb:BatchWriteItem'] },
  tasks: { table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  objects: {
    table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'],
    indexes: { [READY_INDEX.name]: ['dynamodb:Query'] },
  },
};

/** The real service allows 10 SetTaskStatus calls a second per account with bursts of 100 (dp-limits); the stage throttles all calls. */
export const STAGE_THROTTLING = { rateLimit: 100, burstLimit: 200 } as const;
const STAGE_NAME = 'v1';

export class TaskRunnerStack extends Stack {
  constructor(scope: Construct, id: string, props: TaskRunnerStackProps = {}) {
    super(scope, id, props);
    const sandbox = props.sandbox ?? false;
    const removalPolicy = sandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const tables = this.tables(sandbox, removalPolicy);
    const handler = this.handlerFunction(props, tables, removalPolicy);
    const { api, post } = this.restApi(id, handler, removalPolicy);
    this.acknowledgeFindings(handler, api, post);

    new CfnOutput(this, OUTPUT_API_URL, { value: api.url, description: 'Endpoint for the Data Pipeline SDKs (sign for execute-api)' });
    for (const key of TABLE_KEYS) new CfnOutput(this, tableOutputName(key), { value: tables[key].tableName });
    new CfnOutput(this, OUTPUT_REGION, { value: this.region });
  }

  /** The tables of lambda/store/tables.ts, with their indexes: on demand, point-in-time recovery, protected unless a sandbox. */
  private tables(sandbox: boolean, removalPolicy: RemovalPolicy): Record<TableKey, dynamodb.Table> {
    const tables = {} as Record<TableKey, dynamodb.Table>;
    for (const key of TABLE_KEYS) {
      const { partitionKey, sortKey, indexes = [] } = TABLES[key];
      tables[key] = new dynamodb.Table(this, `${key[0].toUpperCase()}${key.slice(1)}Table`, {
        partitionKey: { name: partitionKey, type: dynamodb.AttributeType.STRING },
        ...(sortKey && { sortKey: { name: sortKey, type: dynamodb.AttributeType.STRING } }),
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: !sandbox,
        // Items the tools write (load test, conformance) carry an expiry, so that what a run leaves behind goes away.
        timeToLiveAttribute: EXPIRY_ATTRIBUTE,
        removalPolicy,
      });
      for (const index of indexes) {
        tables[key].addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.INCLUDE,
          nonKeyAttributes: [...index.include],
        });
      }
    }
    return tables;
  }

  /** The one function, with its own log group and role: the DynamoDB actions of TABLE_ACTIONS on its tables, nothing else. */
  private handlerFunction(props: TaskRunnerStackProps, tables: Record<TableKey, dynamodb.Table>, removalPolicy: RemovalPolicy): NodejsFunction {
    const functionLogs = new logs.LogGroup(this, 'HandlerLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy });
    // Its own role rather than AWSLambdaBasicExecutionRole, whose log permissions name every log group.
    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'The Data Pipeline function: its own log group, its tables, X-Ray',
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [functionLogs.logGroupArn] }));
    const memorySize = memoryOf(props);
    const handler = new NodejsFunction(this, 'ApiFunction', {
      role,
      entry: HANDLER_ENTRY,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize,
      // Each request has a deadline 1 s before this (lambda/handler.ts): DynamoDB work still running then is
      // aborted and the answer is a modeled 500, so neither this timeout nor API Gateway's 29 s is ever reached.
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: functionLogs,
      loggingFormat: lambda.LoggingFormat.JSON,
      bundling: {
        minify: HANDLER_BUNDLING.minify,
        sourceMap: HANDLER_BUNDLING.sourceMap,
        target: HANDLER_BUNDLING.target,
        externalModules: [...HANDLER_BUNDLING.externalModules],
        format: OutputFormat.CJS,
      },
      environment: {
        // V8 collects before the heap outgrows the function's memory (the runtime's own flag, if it passes one, wins).
        NODE_OPTIONS: `--enable-source-maps --max-old-space-size=${memorySize - NON_HEAP_MB}`,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...(props.relaxedLimits && { RELAXED_LIMITS: 'true' }),
        ...Object.fromEntries(TABLE_KEYS.map((key) => [TABLES[key].envVar, tables[key].tableName])),
      },
    });
    for (const key of TABLE_KEYS) {
      const { table, indexes = {} } = TABLE_ACTIONS[key];
      handler.addToRolePolicy(new iam.PolicyStatement({ actions: table, resources: [tables[key].tableArn] }));
      for (const [index, actions] of Object.entries(indexes)) {
        handler.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [`${tables[key].tableArn}/index/${index}`] }));
      }
    }
    return handler;
  }

  /** The regional REST API: POST / to the function, AWS_IAM, stage throttling, JSON access logs, and its own errors in awsJson's shape. */
  private restApi(id: string, handler: NodejsFunction, removalPolicy: RemovalPolicy): { api: apigateway.RestApi; post: apigateway.Method } {
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy });
    const api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${id}-datapipeline`,
      description: 'AWS Data Pipeline API (all 19 calls), awsJson 1.1',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      cloudWatchRole: false,
      deployOptions: {
        stageName: STAGE_NAME,
        throttlingRateLimit: STAGE_THROTTLING.rateLimit,
        throttlingBurstLimit: STAGE_THROTTLING.burstLimit,
        tracingEnabled: true,
        dataTraceEnabled: false,
        metricsEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    api.node.tryRemoveChild('Endpoint'); // RestApi's own URL output; the stack's ApiUrl output is the one documented
    const post = api.root.addMethod('POST', new apigateway.LambdaIntegration(handler, { proxy: true }), {
      authorizationType: apigateway.AuthorizationType.IAM,
    });
    for (const { responseType, errorType } of GATEWAY_ERRORS) {
      api.addGatewayResponse(`Gateway${responseType}`, {
        type: apigateway.ResponseType.of(responseType),
        // Sent as application/json (the template's type): the SDKs parse error bodies whatever the content type.
        responseHeaders: { 'x-amzn-ErrorType': `'${errorType}'` },
        templates: { 'application/json': gatewayErrorTemplate(errorType) },
      });
    }
    return { api, post };
  }

  /** cdk-nag findings that are deliberate, one resource and one rule at a time, each with its reason. */
  private acknowledgeFindings(handler: NodejsFunction, api: apigateway.RestApi, post: apigateway.Method): void {
    Validations.of(handler.role!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords (added by tracing: ACTIVE) support no resource-level permissions.',
    });
    Validations.of(api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason: 'No WAF in a sandbox: AWS_IAM authorization and stage throttling bound who can call and how fast.',
    });
    Validations.of(api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG6',
      reason:
        'Execution logging needs an account-wide API Gateway CloudWatch role, which this stack does not impose on the account; JSON access logs and X-Ray cover each request.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'The function validates requests and answers with the modeled awsJson errors; an API Gateway validator would answer in a shape the SDKs do not model.',
    });
    Validations.of(post).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'Callers are AWS principals (task runners) signing with SigV4: AWS_IAM authorization, not Cognito.',
    });
  }
}
