/**
 * The stack's CloudFormation output names, written once: the stack declares them and the tools
 * (tools/targets.ts) find a deployed stack's endpoint and tables by them. Plain data: no CDK import.
 */
import type { TableKey } from '../lambda/store/tables';

export const OUTPUT_API_URL = 'ApiUrl';
export const OUTPUT_REGION = 'Region';

/** `PipelinesTableName`, `TasksTableName`, ... */
export const tableOutputName = (key: TableKey): string => `${key[0].toUpperCase()}${key.slice(1)}TableName`;
