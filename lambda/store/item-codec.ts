/**
 * The one item codec: how values become DynamoDB attributes and back, for every adapter of store/ and for the
 * seeding tool (tools/seeding.ts), which writes the same items. Strings, numbers and string sets are all the items
 * hold; docs/decisions.md says why these few functions and not @aws-sdk/util-dynamodb's generic marshalling.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

export const s = (value: string): AttributeValue => ({ S: value });
export const n = (value: number): AttributeValue => ({ N: String(value) });

/** A string attribute, or undefined when the item has none. */
export const str = (item: Item, attr: string): string | undefined => item[attr]?.S;

/** A string attribute the item must have: its absence is a broken item, not a missing value. */
export const requiredStr = (item: Item, attr: string): string => {
  const value = item[attr]?.S;
  if (value === undefined) throw new Error(`stored item lacks string attribute ${attr}`);
  return value;
};

/** `{ [key]: value }` of a string attribute, or `{}`: for optional members of what is read. */
export const optionalStr = (item: Item, attr: string, key: string): Record<string, string> => {
  const value = str(item, attr);
  return value !== undefined ? { [key]: value } : {};
};
