/**
 * The pipeline definition file format (what `aws datapipeline put-pipeline-definition --pipeline-definition
 * file://...` reads) into API objects, the way the AWS CLI translates it (awscli/customizations/datapipeline/
 * translator.py): `name` defaults to `id`, fields in sorted key order, a list value becomes one field per
 * element, `{"ref": X}` becomes a refValue.
 */
import type { Definition, Field, ParameterValue } from '../lambda/definitions/definition';

type FileValue = string | { ref: string } | (string | { ref: string })[];
type FileObject = Record<string, FileValue>;
export interface DefinitionFile {
  readonly objects: FileObject[];
  readonly parameters?: FileObject[];
  readonly values?: Record<string, string | string[]>;
}

const isRef = (v: unknown): v is { ref: string } => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && 'ref' in v;

const fieldsOf = (element: FileObject, skip: string[]): Field[] =>
  Object.keys(element)
    .filter((k) => !skip.includes(k))
    .sort()
    .flatMap((key) => [element[key]].flat().map((v) => (isRef(v) ? { key, refValue: v.ref } : { key, stringValue: v })));

export const definitionFromFile = (file: DefinitionFile): Definition => ({
  pipelineObjects: file.objects.map((o) => ({ id: o.id as string, name: (o.name ?? o.id) as string, fields: fieldsOf(o, ['id', 'name']) })),
  parameterObjects: (file.parameters ?? []).map((p) => ({
    id: p.id as string,
    attributes: fieldsOf(p, ['id']).map((f) => ({ key: f.key, stringValue: f.stringValue ?? f.refValue ?? '' })),
  })),
  parameterValues: Object.entries(file.values ?? {}).flatMap(([id, v]): ParameterValue[] => [v].flat().map((stringValue) => ({ id, stringValue }))),
});
