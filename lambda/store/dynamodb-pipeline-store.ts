/**
 * The DynamoDB adapter of the PipelineStore port. A pipeline is one item of the pipelines table (listed
 * through the byAccount index while it is not deleted); a definition is stored as its JSON text cut into
 * chunks, items of the definitions table keyed `<version>#<n>` under the pipeline id. Every write of a
 * pipeline item is one conditional write; the crash-safe order of the multi-item calls is in
 * docs/behaviour.md (§ Pipelines: storage).
 */
import { definitionCache } from './definition-cache';
import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import type { Definition } from '../definitions/definition';
import { batchWriteAll, queryAll } from './dynamodb-requests';
import type { ActivationDetails, GuardedWrite, NewPipeline, PipelineListPage, PipelineRecord, PipelineStore, Tag, VersionRef } from './pipeline-store';
import { ATTR, BY_ACCOUNT_INDEX, PIPELINE_DELETED, TableNames } from './tables';
import { Item, n, requiredStr, s, str } from './item-codec';

/** UTF-16 units per definition chunk: at most ~300 KB of UTF-8, well under DynamoDB's 400 KB item limit. */
const CHUNK_UNITS = 100_000;
const BATCH_GET_MAX = 100;
/** DynamoDB's limit on a partition key value, in UTF-8 bytes: an id longer than that names no stored pipeline. */
const PARTITION_KEY_MAX_BYTES = 2048;
const storable = (id: string) => Buffer.byteLength(id, 'utf8') <= PARTITION_KEY_MAX_BYTES;

/** Cuts text into pieces of at most `size` units, never between the two halves of a surrogate pair. */
const cutText = (text: string, size = CHUNK_UNITS): string[] => {
  const out: string[] = [];
  for (let i = 0; i < text.length;) {
    let end = Math.min(i + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    out.push(text.slice(i, end));
    i = end;
  }
  return out.length > 0 ? out : [''];
};

/**
 * Sortable, unique by its random part: `0001764410400000-9f2c01ab`. The number is the clock's milliseconds, but
 * always past the version it replaces, so that a later save sorts later even on a clock that stood still or
 * went back (another Lambda instance).
 */
const newVersionId = (now: Date, replaces: VersionRef | undefined): string => {
  const previous = replaces ? Number(replaces.id.slice(0, replaces.id.indexOf('-'))) : -1;
  return `${String(Math.max(now.getTime(), previous + 1)).padStart(16, '0')}-${randomBytes(4).toString('hex')}`;
};
const chunkKey = (version: string, index: number) => `${version}#${String(index).padStart(5, '0')}`;
const versionOfChunk = (chunk: string) => chunk.slice(0, chunk.indexOf('#'));

const toRecord = (item: Item): PipelineRecord => {
  const text = (a: string) => str(item, a);
  const version = (idAttr: string, chunksAttr: string): VersionRef | undefined => {
    const id = str(item, idAttr);
    return id === undefined ? undefined : { id, chunks: Number(item[chunksAttr]?.N ?? 0) };
  };
  return {
    pipelineId: text(ATTR.pipelineId)!,
    accountId: text(ATTR.accountId) ?? '',
    userId: text(ATTR.userId) ?? text(ATTR.accountId) ?? '',
    name: text(ATTR.name) ?? '',
    uniqueId: text(ATTR.uniqueId) ?? '',
    ...(text(ATTR.description) !== undefined && { description: text(ATTR.description) }),
    tags: text(ATTR.tags) ? (JSON.parse(text(ATTR.tags)!) as Tag[]) : [],
    state: text(ATTR.pipelineState) ?? 'PENDING',
    creationTime: text(ATTR.creationTime) ?? '',
    ...(text(ATTR.lastActivationTime) !== undefined && { lastActivationTime: text(ATTR.lastActivationTime) }),
    ...(text(ATTR.lastDeactivatedTime) !== undefined && { lastDeactivatedTime: text(ATTR.lastDeactivatedTime) }),
    ...(text(ATTR.activationValues) !== undefined && { activationValues: JSON.parse(text(ATTR.activationValues)!) }),
    ...(version(ATTR.latestVersion, ATTR.latestChunks) && { latest: version(ATTR.latestVersion, ATTR.latestChunks) }),
    ...(version(ATTR.activeVersion, ATTR.activeChunks) && { active: version(ATTR.activeVersion, ATTR.activeChunks) }),
    paused: item[ATTR.paused]?.SS ?? [],
  };
};

/** The item of a new pipeline (the seed tool writes pipelines with it too). */
export const pipelineItem = (p: NewPipeline): Item => ({
  [ATTR.pipelineId]: s(p.pipelineId),
  [ATTR.accountId]: s(p.accountId),
  [ATTR.listAccount]: s(p.accountId),
  [ATTR.userId]: s(p.userId),
  [ATTR.name]: s(p.name),
  [ATTR.uniqueId]: s(p.uniqueId),
  ...(p.description !== undefined && { [ATTR.description]: s(p.description) }),
  [ATTR.tags]: s(JSON.stringify(p.tags)),
  [ATTR.pipelineState]: s('PENDING'),
  [ATTR.creationTime]: s(p.creationTime),
});

/** The condition of every write to a pipeline that must still exist and not be deleted. */
const LIVE = 'attribute_exists(#pid) AND #state <> :deleted';
const LIVE_NAMES = { '#pid': ATTR.pipelineId, '#state': ATTR.pipelineState };
const LIVE_VALUES = { ':deleted': s(PIPELINE_DELETED) };

export class DynamoDbPipelineStore implements PipelineStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: TableNames,
    /** Aborts this store's requests (the request's deadline). */
    private readonly signal?: AbortSignal,
  ) {}

  private key(pipelineId: string): Item {
    return { [ATTR.pipelineId]: s(pipelineId) };
  }

  async create(p: NewPipeline): Promise<{ created: true } | { created: false; existing: PipelineRecord }> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tables.pipelines,
          Item: pipelineItem(p),
          ConditionExpression: 'attribute_not_exists(#pid)',
          ExpressionAttributeNames: { '#pid': ATTR.pipelineId },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        { abortSignal: this.signal },
      );
      return { created: true };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const existing = err.Item ? toRecord(err.Item) : await this.get(p.pipelineId);
      if (!existing) throw new Error(`pipeline ${p.pipelineId} exists and does not`);
      return { created: false, existing };
    }
  }

  async get(pipelineId: string): Promise<PipelineRecord | undefined> {
    if (!storable(pipelineId)) return undefined;
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tables.pipelines, Key: this.key(pipelineId), ConsistentRead: true }), {
      abortSignal: this.signal,
    });
    return Item ? toRecord(Item) : undefined;
  }

  async getMany(pipelineIds: readonly string[]): Promise<PipelineRecord[]> {
    const out: PipelineRecord[] = [];
    const ids = [...new Set(pipelineIds)].filter(storable);
    for (let i = 0; i < ids.length; i += BATCH_GET_MAX) {
      let keys: Item[] | undefined = ids.slice(i, i + BATCH_GET_MAX).map((id) => this.key(id));
      for (let round = 0; keys && keys.length > 0; round++) {
        if (round > 5) throw new Error('BatchGetItem kept leaving keys unprocessed');
        if (round > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** round));
        const res: BatchGetItemCommandOutput = await this.client.send(
          new BatchGetItemCommand({ RequestItems: { [this.tables.pipelines]: { Keys: keys, ConsistentRead: true } } }),
          { abortSignal: this.signal },
        );
        out.push(...(res.Responses?.[this.tables.pipelines] ?? []).map(toRecord));
        keys = res.UnprocessedKeys?.[this.tables.pipelines]?.Keys;
      }
    }
    return out;
  }

  async listPage(accountId: string, after: string | undefined, limit: number): Promise<PipelineListPage> {
    const res = await this.client.send(
      new QueryCommand({
        TableName: this.tables.pipelines,
        IndexName: BY_ACCOUNT_INDEX.name,
        KeyConditionExpression: after === undefined ? '#acct = :acct' : '#acct = :acct AND #pid > :after',
        ExpressionAttributeNames: { '#acct': ATTR.listAccount, ...(after !== undefined && { '#pid': ATTR.pipelineId }) },
        ExpressionAttributeValues: { ':acct': s(accountId), ...(after !== undefined && { ':after': s(after) }) },
        // One more than a page, to know whether another page follows without an empty last page.
        Limit: limit + 1,
      }),
      { abortSignal: this.signal },
    );
    const rows = (res.Items ?? []).map((i) => ({ id: requiredStr(i, ATTR.pipelineId), name: str(i, ATTR.name) ?? '' }));
    const page = rows.slice(0, limit);
    // The index is eventually consistent on DynamoDB: a pipeline deleted a moment ago may still be in it.
    const live = new Set(
      (await this.getMany(page.map((r) => r.id))).filter((p) => p.state !== PIPELINE_DELETED && p.accountId === accountId).map((p) => p.pipelineId),
    );
    return { pipelines: page.filter((r) => live.has(r.id)), ...(rows.length > limit && { next: page[page.length - 1].id }) };
  }

  async markDeleted(pipelineId: string): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tables.pipelines,
        Key: this.key(pipelineId),
        UpdateExpression: 'SET #state = :deleted REMOVE #list, #lv, #lc, #av, #ac, #tags',
        ConditionExpression: 'attribute_exists(#pid)',
        ExpressionAttributeNames: {
          ...LIVE_NAMES,
          '#list': ATTR.listAccount,
          '#lv': ATTR.latestVersion,
          '#lc': ATTR.latestChunks,
          '#av': ATTR.activeVersion,
          '#ac': ATTR.activeChunks,
          '#tags': ATTR.tags,
        },
        ExpressionAttributeValues: LIVE_VALUES,
      }),
      { abortSignal: this.signal },
    );
  }

  /**
   * The chunk items of the pipeline, strongly consistent, every page: all of them, or those of one version
   * (`prefix`), with only the key when `keysOnly`.
   */
  private queryChunks(pipelineId: string, options: { version?: string; keysOnly?: boolean }): Promise<Item[]> {
    return queryAll(
      this.client,
      {
        TableName: this.tables.definitions,
        KeyConditionExpression: options.version === undefined ? '#pid = :pid' : '#pid = :pid AND begins_with(#chunk, :prefix)',
        ExpressionAttributeNames: { '#pid': ATTR.pipelineId, '#chunk': ATTR.chunk },
        ExpressionAttributeValues: { ':pid': s(pipelineId), ...(options.version !== undefined && { ':prefix': s(`${options.version}#`) }) },
        ...(options.keysOnly && { ProjectionExpression: '#pid, #chunk' }),
        ConsistentRead: true,
      },
      this.signal,
    );
  }

  /** The keys of every chunk stored under the pipeline. */
  private async chunkKeys(pipelineId: string): Promise<string[]> {
    return (await this.queryChunks(pipelineId, { keysOnly: true })).map((i) => requiredStr(i, ATTR.chunk));
  }

  private batchWrite(requests: WriteRequest[]): Promise<void> {
    return batchWriteAll(this.client, this.tables.definitions, requests, this.signal);
  }

  private deleteChunks(pipelineId: string, chunks: readonly string[]): Promise<void> {
    return this.batchWrite(chunks.map((chunk) => ({ DeleteRequest: { Key: { [ATTR.pipelineId]: s(pipelineId), [ATTR.chunk]: s(chunk) } } })));
  }

  async purgeDefinitions(pipelineId: string): Promise<void> {
    await this.deleteChunks(pipelineId, await this.chunkKeys(pipelineId));
  }

  async saveDefinition(pipelineId: string, definition: Definition, now: Date, replaces?: VersionRef): Promise<VersionRef | 'gone'> {
    const version = newVersionId(now, replaces);
    const pieces = cutText(JSON.stringify(definition));
    // 1. The chunks, under a version nothing points to yet: a crash here leaves only unreferenced items.
    await this.batchWrite(
      pieces.map((data, i) => ({ PutRequest: { Item: { [ATTR.pipelineId]: s(pipelineId), [ATTR.chunk]: s(chunkKey(version, i)), [ATTR.data]: s(data) } } })),
    );
    // 2. The pointer, only forward: of concurrent saves the newest version wins, whatever the order they land in.
    let activeVersion: string | undefined;
    try {
      const res = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.pipelines,
          Key: this.key(pipelineId),
          UpdateExpression: 'SET #lv = :v, #lc = :n',
          ConditionExpression: `${LIVE} AND (attribute_not_exists(#lv) OR #lv < :v)`,
          ExpressionAttributeNames: { ...LIVE_NAMES, '#lv': ATTR.latestVersion, '#lc': ATTR.latestChunks },
          ExpressionAttributeValues: { ...LIVE_VALUES, ':v': s(version), ':n': n(pieces.length) },
          ReturnValues: 'ALL_NEW',
        }),
        { abortSignal: this.signal },
      );
      activeVersion = res.Attributes && str(res.Attributes, ATTR.activeVersion);
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      await this.deleteChunks(
        pipelineId,
        pieces.map((_, i) => chunkKey(version, i)),
      );
      const current = await this.get(pipelineId);
      if (!current || current.state === PIPELINE_DELETED) return 'gone';
      return current.latest!; // a newer save landed first: ours is as if it had come just before it
    }
    // 3. Collect versions older than ours that are not active (a crash here leaves garbage, collected next time).
    const stale = (await this.chunkKeys(pipelineId)).filter((c) => {
      const v = versionOfChunk(c);
      return v < version && v !== activeVersion;
    });
    await this.deleteChunks(pipelineId, stale);
    return { id: version, chunks: pieces.length };
  }

  async readDefinition(pipelineId: string, ref: VersionRef): Promise<Definition | 'changed'> {
    const key = JSON.stringify([this.tables.definitions, pipelineId, ref.id, ref.chunks]);
    const cached = definitionCache.get(key);
    if (cached) return cached;
    const pieces = (await this.queryChunks(pipelineId, { version: ref.id })).map((i) => str(i, ATTR.data) ?? '');
    if (pieces.length !== ref.chunks) return 'changed';
    const text = pieces.join('');
    const definition = JSON.parse(text) as Definition;
    definitionCache.set(key, definition, text.length);
    return definition;
  }

  private async guarded(update: Omit<ConstructorParameters<typeof UpdateItemCommand>[0], 'TableName' | 'Key'>, pipelineId: string): Promise<GuardedWrite> {
    try {
      await this.client.send(new UpdateItemCommand({ TableName: this.tables.pipelines, Key: this.key(pipelineId), ...update }), { abortSignal: this.signal });
      return 'ok';
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const current = await this.get(pipelineId);
      return !current || current.state === PIPELINE_DELETED ? 'gone' : 'changed';
    }
  }

  activate(pipelineId: string, expected: VersionRef | undefined, details: ActivationDetails): Promise<GuardedWrite> {
    const set = ['#state = :scheduled', '#at = :at'];
    const values: Item = { ...LIVE_VALUES, ':scheduled': s('SCHEDULED'), ':at': s(details.at) };
    const names: Record<string, string> = { ...LIVE_NAMES, '#at': ATTR.lastActivationTime, '#lv': ATTR.latestVersion };
    if (expected) {
      set.push('#av = :v', '#ac = :n');
      Object.assign(names, { '#av': ATTR.activeVersion, '#ac': ATTR.activeChunks });
      Object.assign(values, { ':v': s(expected.id), ':n': n(expected.chunks) });
    }
    if (details.startTime !== undefined) {
      set.push('#start = :start');
      names['#start'] = ATTR.startTime;
      values[':start'] = s(details.startTime);
    }
    // Values given at this activation stand in for the definition's until the next activation.
    names['#values'] = ATTR.activationValues;
    if (details.parameterValues !== undefined) {
      set.push('#values = :values');
      values[':values'] = s(JSON.stringify(details.parameterValues));
    }
    return this.guarded(
      {
        UpdateExpression: `SET ${set.join(', ')}${details.parameterValues === undefined ? ' REMOVE #values' : ''}`,
        ConditionExpression: `${LIVE} AND ${expected ? '#lv = :v' : 'attribute_not_exists(#lv)'}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
      pipelineId,
    );
  }

  deactivate(pipelineId: string, cancelActive: boolean, at: string): Promise<GuardedWrite> {
    return this.guarded(
      {
        UpdateExpression: 'SET #state = :inactive, #cancel = :cancel, #off = :at',
        // A pipeline that was never activated stays PENDING: there is nothing to deactivate.
        ConditionExpression: `${LIVE} AND #state <> :pending`,
        ExpressionAttributeNames: { ...LIVE_NAMES, '#cancel': ATTR.cancelActive, '#off': ATTR.lastDeactivatedTime },
        ExpressionAttributeValues: { ...LIVE_VALUES, ':inactive': s('INACTIVE'), ':pending': s('PENDING'), ':cancel': { BOOL: cancelActive }, ':at': s(at) },
      },
      pipelineId,
    );
  }

  setPaused(pipelineId: string, componentIds: readonly string[], paused: boolean): Promise<GuardedWrite> {
    return this.guarded(
      {
        UpdateExpression: `${paused ? 'ADD' : 'DELETE'} #paused :ids`,
        ConditionExpression: LIVE,
        ExpressionAttributeNames: { ...LIVE_NAMES, '#paused': ATTR.paused },
        ExpressionAttributeValues: { ...LIVE_VALUES, ':ids': { SS: [...new Set(componentIds)] } },
      },
      pipelineId,
    );
  }

  replaceTags(pipelineId: string, before: readonly Tag[], after: readonly Tag[]): Promise<GuardedWrite> {
    return this.guarded(
      {
        UpdateExpression: 'SET #tags = :after',
        ConditionExpression: `${LIVE} AND #tags = :before`,
        ExpressionAttributeNames: { ...LIVE_NAMES, '#tags': ATTR.tags },
        ExpressionAttributeValues: { ...LIVE_VALUES, ':before': s(JSON.stringify(before)), ':after': s(JSON.stringify(after)) },
      },
      pipelineId,
    );
  }
}
