/**
 * The syntax inside `#{...}` (dp-pipeline-expressions): numbers, 'strings' (or "strings", with backslash
 * escapes), names (`myParameter`, `@scheduledStartTime`, `name`), paths through references (`node.output.
 * directoryPath`, `parent.@id`), function calls, `+ - * /` and parentheses.
 */
import { ExpressionError } from './errors';

export type Ast =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'path'; readonly names: readonly string[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Ast[] }
  | { readonly kind: 'binary'; readonly op: '+' | '-' | '*' | '/'; readonly left: Ast; readonly right: Ast }
  | { readonly kind: 'negate'; readonly operand: Ast };

type Token = { kind: 'number'; value: number } | { kind: 'string'; value: string } | { kind: 'name'; value: string } | { kind: 'punct'; value: string };

const afterOperand = (tokens: readonly Token[]): boolean => {
  const last = tokens[tokens.length - 1];
  return last !== undefined && (last.kind !== 'punct' || last.value === ')');
};

const tokenize = (text: string): Token[] => {
  const out: Token[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (/\d/.test(c)) {
      const m = /^\d+(\.\d+)?/.exec(text.slice(i))!;
      out.push({ kind: 'number', value: Number(m[0]) });
      i += m[0].length;
    } else if (c === "'" || c === '"') {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== c; j++) value += text[j] === '\\' && j + 1 < text.length ? text[++j] : text[j];
      if (j >= text.length) throw new ExpressionError(`unterminated string in '${text}'.`);
      out.push({ kind: 'string', value });
      i = j + 1;
    } else if (/[@A-Za-z_]/.test(c) || (c === '*' && /[@A-Za-z_]/.test(text[i + 1] ?? '') && !afterOperand(out))) {
      // `*myField` (the field unevaluated) after an operator or at the start; `a * b` is a product.
      const m = /^\*?@?[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
      if (!m) throw new ExpressionError(`unexpected '${c}' in '${text}'.`);
      out.push({ kind: 'name', value: m[0] });
      i += m[0].length;
    } else if ('(),.+-*/'.includes(c)) {
      out.push({ kind: 'punct', value: c });
      i++;
    } else {
      throw new ExpressionError(`unexpected '${c}' in '${text}'.`);
    }
  }
  return out;
};

/** The expression inside `#{` and `}`, parsed. */
export const parseExpression = (text: string): Ast => {
  const tokens = tokenize(text);
  let at = 0;
  const peek = (value?: string) => {
    const t = tokens[at];
    return t !== undefined && t.kind === 'punct' && (value === undefined || t.value === value);
  };
  const expect = (value: string) => {
    if (!peek(value)) throw new ExpressionError(`expected '${value}' in '${text}'.`);
    at++;
  };
  const sum = (): Ast => {
    let left = product();
    while (peek('+') || peek('-')) {
      const op = (tokens[at++] as { value: '+' | '-' }).value;
      left = { kind: 'binary', op, left, right: product() };
    }
    return left;
  };
  const product = (): Ast => {
    let left = unary();
    while (peek('*') || peek('/')) {
      const op = (tokens[at++] as { value: '*' | '/' }).value;
      left = { kind: 'binary', op, left, right: unary() };
    }
    return left;
  };
  const unary = (): Ast => {
    if (peek('-')) {
      at++;
      return { kind: 'negate', operand: unary() };
    }
    return primary();
  };
  const primary = (): Ast => {
    const t = tokens[at++];
    if (t === undefined) throw new ExpressionError(`'${text}' ends too early.`);
    if (t.kind === 'number' || t.kind === 'string') return t;
    if (t.kind === 'punct' && t.value === '(') {
      const inner = sum();
      expect(')');
      return inner;
    }
    if (t.kind !== 'name') throw new ExpressionError(`unexpected '${t.value}' in '${text}'.`);
    if (peek('(')) {
      at++;
      const args: Ast[] = [];
      if (!peek(')')) {
        args.push(sum());
        while (peek(',')) {
          at++;
          args.push(sum());
        }
      }
      expect(')');
      return { kind: 'call', name: t.value, args };
    }
    const names = [t.value];
    while (peek('.')) {
      at++;
      const next = tokens[at++];
      if (next?.kind !== 'name') throw new ExpressionError(`expected a field name after '.' in '${text}'.`);
      names.push(next.value);
    }
    return { kind: 'path', names };
  };
  if (tokens.length === 0) throw new ExpressionError('the expression is empty.');
  const ast = sum();
  if (at < tokens.length) throw new ExpressionError(`unexpected '${(tokens[at] as { value: unknown }).value}' in '${text}'.`);
  return ast;
};

/** The pieces of a string field: text, and the expressions between `#{` and its matching `}` (quotes respected). */
export const templateParts = (text: string): ({ text: string } | { expression: string })[] => {
  const parts: ({ text: string } | { expression: string })[] = [];
  let literal = '';
  for (let i = 0; i < text.length; ) {
    if (text.startsWith('#{', i)) {
      let j = i + 2;
      let quote = '';
      for (; j < text.length; j++) {
        const c = text[j];
        if (quote) {
          if (c === '\\') j++;
          else if (c === quote) quote = '';
        } else if (c === "'" || c === '"') quote = c;
        else if (c === '}') break;
      }
      if (j >= text.length) throw new ExpressionError(`'#{' without its '}' in '${text.slice(i, i + 64)}'.`);
      if (literal) parts.push({ text: literal });
      literal = '';
      parts.push({ expression: text.slice(i + 2, j) });
      i = j + 1;
    } else {
      literal += text[i++];
    }
  }
  if (literal) parts.push({ text: literal });
  return parts;
};

/** The paths (`myX`, `input.directoryPath`) an expression reads, in order. */
export const pathsOf = (ast: Ast): (readonly string[])[] => {
  switch (ast.kind) {
    case 'path':
      return [ast.names];
    case 'call':
      return ast.args.flatMap(pathsOf);
    case 'binary':
      return [...pathsOf(ast.left), ...pathsOf(ast.right)];
    case 'negate':
      return pathsOf(ast.operand);
    default:
      return [];
  }
};
