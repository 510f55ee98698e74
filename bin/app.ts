#!/usr/bin/env node
/**
 * CDK app entry. Context: `-c stackName=NAME` (default DataPipelineTaskRunner), `-c sandbox=true` for a
 * throwaway account, `-c relaxedLimits=true` for run limits fit for tests and demos, `-c memorySize=MB` for the
 * function's memory (default 256). Environment-agnostic: synth needs no credentials and no network.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TaskRunnerStack } from '../lib/task-runner-stack';

const app = new App();
const sandbox = ['true', true].includes(app.node.tryGetContext('sandbox'));
const relaxedLimits = ['true', true].includes(app.node.tryGetContext('relaxedLimits'));
const memorySize = app.node.tryGetContext('memorySize') as string | number | undefined;
new TaskRunnerStack(app, app.node.tryGetContext('stackName') ?? 'DataPipelineTaskRunner', {
  sandbox,
  relaxedLimits,
  ...(memorySize !== undefined && { memorySize: Number(memorySize) }),
  description: 'AWS Data Pipeline API backend: all 19 calls, on API Gateway, Lambda and DynamoDB',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
