/** The baseline for the bundle figures: the bare DynamoDB client, bundled with the handler's settings. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const client = new DynamoDBClient({});
