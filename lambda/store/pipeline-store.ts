/**
 * The pipelines port: identity, state, tags and definitions of pipelines, in domain terms. The DynamoDB
 * adapter implements it; operations never see items.
 */
import type { Definition } from '../definitions/definition';

type PipelineState = 'PENDING' | 'SCHEDULED' | 'INACTIVE' | 'DELETED';

export interface Tag {
  readonly key: string;
  readonly value: string;
}

/** One saved definition: its version id and the number of items it is stored in. */
export interface VersionRef {
  readonly id: string;
  readonly chunks: number;
}

export interface PipelineRecord {
  readonly pipelineId: string;
  readonly accountId: string;
  readonly userId: string;
  readonly name: string;
  readonly uniqueId: string;
  readonly description?: string;
  readonly tags: readonly Tag[];
  /** Any other stored state (a seeded `ACTIVE`, say) is shown as is. */
  readonly state: PipelineState | (string & {});
  /** ISO 8601, UTC. */
  readonly creationTime: string;
  readonly lastActivationTime?: string;
  /** ISO 8601, UTC: the latest DeactivatePipeline (the guide's `@lastDeactivatedTime`). */
  readonly lastDeactivatedTime?: string;
  /** ActivatePipeline's parameterValues: they stand in for the definition's while this activation lasts. */
  readonly activationValues?: readonly { id: string; stringValue: string }[];
  readonly latest?: VersionRef;
  readonly active?: VersionRef;
  /** Components paused by SetStatus PAUSE: their attempts are not handed out. */
  readonly paused: readonly string[];
}

export type NewPipeline = Pick<PipelineRecord, 'pipelineId' | 'accountId' | 'userId' | 'name' | 'uniqueId' | 'description' | 'tags' | 'creationTime'>;

export interface ActivationDetails {
  readonly at: string;
  /** ActivatePipeline's `startTimestamp`, as ISO 8601 UTC. */
  readonly startTime?: string;
  readonly parameterValues?: readonly { id: string; stringValue: string }[];
}

/** `gone`: the pipeline does not exist or is deleted. `changed`: another call changed what this one read. */
export type GuardedWrite = 'ok' | 'gone' | 'changed';

export interface PipelineListPage {
  readonly pipelines: readonly { id: string; name: string }[];
  /** The last id the page looked at, to continue after; undefined on the last page. */
  readonly next?: string;
}

export interface PipelineStore {
  /** Writes the pipeline unless one with its id exists; then returns that one. */
  create(pipeline: NewPipeline): Promise<{ created: true } | { created: false; existing: PipelineRecord }>;
  get(pipelineId: string): Promise<PipelineRecord | undefined>;
  /** Strongly consistent, any order; missing ids are left out. */
  getMany(pipelineIds: readonly string[]): Promise<PipelineRecord[]>;
  /** The account's pipelines that are not deleted, in id order, after `after`. */
  listPage(accountId: string, after: string | undefined, limit: number): Promise<PipelineListPage>;
  /** Marks the pipeline deleted (idempotent). Its definitions stay until purgeDefinitions. */
  markDeleted(pipelineId: string): Promise<void>;
  /** Deletes every stored definition of the pipeline. */
  purgeDefinitions(pipelineId: string): Promise<void>;
  /**
   * Stores a definition as the pipeline's latest (it replaces `replaces`, the latest the caller read); `gone` if
   * the pipeline is missing or deleted.
   */
  saveDefinition(pipelineId: string, definition: Definition, now: Date, replaces?: VersionRef): Promise<VersionRef | 'gone'>;
  /** `changed` when the version was replaced and collected while being read: reread the pipeline and retry. */
  readDefinition(pipelineId: string, version: VersionRef): Promise<Definition | 'changed'>;
  /** Activates the latest definition, provided it is still `expected` (undefined: no definition). */
  activate(pipelineId: string, expected: VersionRef | undefined, details: ActivationDetails): Promise<GuardedWrite>;
  deactivate(pipelineId: string, cancelActive: boolean, at: string): Promise<GuardedWrite>;
  /** Pauses (or resumes) components: SetStatus PAUSE and RESUME. */
  setPaused(pipelineId: string, componentIds: readonly string[], paused: boolean): Promise<GuardedWrite>;
  /** Replaces the tags, provided they are still `before`. */
  replaceTags(pipelineId: string, before: readonly Tag[], after: readonly Tag[]): Promise<GuardedWrite>;
}
