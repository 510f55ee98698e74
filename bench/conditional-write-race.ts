/**
 * Is an engine's conditional UpdateItem atomic under concurrent requests? 60 rounds of 50 concurrent updates
 * of one item, each on condition that no other has updated it: an atomic engine lets exactly one win a round.
 * Usage: npx tsx bench/conditional-write-race.ts http://127.0.0.1:5055   (measured on moto 5.2: 61 winners in 60
 * rounds, so it is not; dynalite serves one request at a time)
 */
import { CreateTableCommand, DeleteTableCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../local/dynamodb';

const ROUNDS = 60;
const CONCURRENCY = 50;

const main = async () => {
  const endpoint = process.argv[2];
  if (!endpoint) throw new Error('usage: conditional-write-race.ts ENDPOINT');
  const client = dynamoDbClient(endpoint);
  const table = `race-${Date.now()}`;
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  let winners = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const Key = { k: { S: `item-${round}` } };
    await client.send(new PutItemCommand({ TableName: table, Item: { ...Key, state: { S: 'free' } } }));
    const won = await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, i) =>
        client
          .send(
            new UpdateItemCommand({
              TableName: table,
              Key,
              UpdateExpression: 'SET #s = :taken, #who = :who',
              ConditionExpression: '#s = :free',
              ExpressionAttributeNames: { '#s': 'state', '#who': 'who' },
              ExpressionAttributeValues: { ':taken': { S: 'taken' }, ':free': { S: 'free' }, ':who': { N: String(i) } },
            }),
          )
          .then(
            () => 1,
            () => 0,
          ),
      ),
    );
    winners += won.reduce((a, b) => a + b, 0);
  }
  await client.send(new DeleteTableCommand({ TableName: table }));
  client.destroy();
  console.log(`${winners} winners in ${ROUNDS} rounds of ${CONCURRENCY} concurrent conditional updates: ${winners === ROUNDS ? 'atomic here' : 'NOT atomic'}`);
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
