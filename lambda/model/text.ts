/** Cutting text for messages: by UTF-16 units, never between the two halves of a surrogate pair (a lone half is no text). */
export const cut = (text: string, max: number): string => {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
};
