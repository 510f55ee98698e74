/**
 * Whether an endpoint runs with relaxed limits (docs/behaviour.md §8: periods in seconds), found out through
 * the API alone: does ValidatePipelineDefinition, on a pipeline of the caller's, accept `"retryDelay": "1 seconds"`?
 * The conformance suite and the load test's runners mode ask it.
 */
import { DataPipelineClient, ValidatePipelineDefinitionCommand } from '@aws-sdk/client-data-pipeline';

export const hasRelaxedLimits = async (sdk: DataPipelineClient, pipelineId: string): Promise<boolean> => {
  const objects = [
    {
      id: 'Default',
      name: 'Default',
      fields: [
        { key: 'scheduleType', stringValue: 'ondemand' },
        { key: 'retryDelay', stringValue: '1 seconds' },
      ],
    },
  ];
  return (await sdk.send(new ValidatePipelineDefinitionCommand({ pipelineId, pipelineObjects: objects }))).errored === false;
};
