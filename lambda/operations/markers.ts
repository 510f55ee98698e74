/** Opaque paging markers: base64url JSON, refused with InvalidRequestException when not one of ours. */
import { invalidRequest } from './pipeline-access';
import type { ModeledError } from './errors';

export const encodeMarker = (value: Record<string, string | number>): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export const decodeMarker = <T extends Record<string, string | number>>(
  marker: string,
  isValid: (v: Record<string, unknown>) => boolean,
): { value: T; error?: undefined } | { error: ModeledError } => {
  try {
    const value = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && isValid(value as Record<string, unknown>)) return { value: value as T };
  } catch {
    // not JSON: not a marker of ours
  }
  return { error: invalidRequest('The marker is not valid: pass the marker of a previous answer unchanged.') };
};
