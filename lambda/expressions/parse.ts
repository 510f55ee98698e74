/**
 * The syntax inside `#{...}` (dp-pipeline-expressions): numbers, 'strings' (or "strings", with backslash
 * escapes), names (`myParameter`, `@scheduledStartTime`, `name`), paths through references (`node.output.
 * directoryPath`, `parent.@id`), function calls (also as a method of their first argument, as the guide writes
 * `@scheduledStartTime.format('YYYY-MM-dd')`), `+ - * /` and parentheses.
 *
 * Bounded: the tokenizer is one pass; a run of `+ -` or `* /` is one node (a chain), so only parentheses,
 * calls and unary minus nest, at most EVALUATION_LIMITS.nesting deep, checked before the parser descends; each
 * token is a step of the request's budget.
 */
import { cut } from '../model/text';
import { EVALUATION_LIMITS, EvaluationBudget } from './budget';
import { ExpressionError } from './errors';

export type Operator = '+' | '-' | '*' | '/';

export type Ast =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'path'; readonly names: readonly string[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Ast[] }
  /** `first op1 operand1 op2 operand2 ...`, left to right (one precedence level). */
  | { readonly kind: 'chain'; readonly first: Ast; readonly rest: readonly { readonly op: Operator; readonly operand: Ast }[] }
  | { readonly kind: 'negate'; readonly operand: Ast };

type Token = { kind: 'number'; value: number } | { kind: 'string'; value: string } | { kind: 'name'; value: string } | { kind: 'punct'; value: string };

const SPACE = /\s+/y;
const NUMBER = /\d+(?:\.\d+)?/y;
const NAME = /\*?@?[A-Za-z_][A-Za-z0-9_]*/y;
const NAME_START = /[@A-Za-z_]/;

/** A short piece of the text for messages: an expression may be megabytes long. */
const excerpt = (text: string): string => (text.length > 64 ? `${cut(text, 64)}…` : text);

const afterOperand = (tokens: readonly Token[]): boolean => {
  const last = tokens[tokens.length - 1];
  return last !== undefined && (last.kind !== 'punct' || last.value === ')');
};

const matchAt = (re: RegExp, text: string, at: number): string | undefined => {
  re.lastIndex = at;
  return re.exec(text)?.[0];
};

const tokenize = (text: string, budget: EvaluationBudget): Token[] => {
  const out: Token[] = [];
  for (let i = 0; i < text.length;) {
    const space = matchAt(SPACE, text, i);
    if (space) {
      i += space.length;
      continue;
    }
    budget.step();
    const c = text[i];
    const number = matchAt(NUMBER, text, i);
    if (number) {
      out.push({ kind: 'number', value: Number(number) });
      i += number.length;
    } else if (c === "'" || c === '"') {
      const pieces: string[] = [];
      let j = i + 1;
      for (; j < text.length && text[j] !== c; j++) pieces.push(text[j] === '\\' && j + 1 < text.length ? text[++j] : text[j]);
      if (j >= text.length) throw new ExpressionError(`unterminated string in '${excerpt(text)}'.`);
      out.push({ kind: 'string', value: pieces.join('') });
      i = j + 1;
    } else if (NAME_START.test(c) || (c === '*' && NAME_START.test(text[i + 1] ?? '') && !afterOperand(out))) {
      // `*myField` (the field unevaluated) after an operator or at the start; `a * b` is a product.
      const name = matchAt(NAME, text, i)!;
      out.push({ kind: 'name', value: name });
      i += name.length;
    } else if ('(),.+-*/'.includes(c)) {
      out.push({ kind: 'punct', value: c });
      i++;
    } else {
      throw new ExpressionError(`unexpected '${String.fromCodePoint(text.codePointAt(i)!)}' in '${excerpt(text)}'.`);
    }
  }
  return out;
};

/** A recursive descent over the tokens; every descent into a nested part goes through `nested`, which bounds it. */
class Parser {
  private at = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  parse(): Ast {
    if (this.tokens.length === 0) throw new ExpressionError('the expression is empty.');
    const ast = this.sum();
    if (this.at < this.tokens.length) throw this.unexpected((this.tokens[this.at] as { value: unknown }).value);
    return ast;
  }

  private unexpected(what: unknown): ExpressionError {
    return new ExpressionError(`unexpected '${what}' in '${excerpt(this.text)}'.`);
  }

  private peek(value?: string): boolean {
    const t = this.tokens[this.at];
    return t !== undefined && t.kind === 'punct' && (value === undefined || t.value === value);
  }

  private expect(value: string): void {
    if (!this.peek(value)) throw new ExpressionError(`expected '${value}' in '${excerpt(this.text)}'.`);
    this.at++;
  }

  /** Enters one level of nesting (a parenthesis, a call, a unary minus), refusing past the limit. */
  private nested<T>(inner: () => T): T {
    if (++this.depth > EVALUATION_LIMITS.nesting) {
      throw new ExpressionError(`'${excerpt(this.text)}' nests parentheses, calls or signs more than ${EVALUATION_LIMITS.nesting} deep.`);
    }
    const result = inner();
    this.depth--;
    return result;
  }

  private chain(ops: string, operand: () => Ast): Ast {
    const first = operand();
    const rest: { op: Operator; operand: Ast }[] = [];
    for (let t = this.tokens[this.at]; t?.kind === 'punct' && ops.includes(t.value); t = this.tokens[this.at]) {
      this.at++;
      rest.push({ op: t.value as Operator, operand: operand() });
    }
    return rest.length === 0 ? first : { kind: 'chain', first, rest };
  }

  private sum(): Ast {
    return this.chain('+-', () => this.product());
  }

  private product(): Ast {
    return this.chain('*/', () => this.unary());
  }

  private unary(): Ast {
    if (!this.peek('-')) return this.primary();
    this.at++;
    return this.nested(() => ({ kind: 'negate', operand: this.unary() }));
  }

  private args(): Ast[] {
    return this.nested(() => {
      this.at++; // '('
      const out: Ast[] = [];
      if (!this.peek(')')) {
        out.push(this.sum());
        while (this.peek(',')) {
          this.at++;
          out.push(this.sum());
        }
      }
      this.expect(')');
      return out;
    });
  }

  private primary(): Ast {
    const t = this.tokens[this.at++];
    if (t === undefined) throw new ExpressionError(`'${excerpt(this.text)}' ends too early.`);
    if (t.kind === 'number' || t.kind === 'string') return t;
    if (t.kind === 'punct' && t.value === '(') {
      const inner = this.nested(() => this.sum());
      this.expect(')');
      return inner;
    }
    if (t.kind !== 'name') throw this.unexpected(t.value);
    if (this.peek('(')) return { kind: 'call', name: t.value, args: this.args() };
    const names = [t.value];
    while (this.peek('.')) {
      this.at++;
      const next = this.tokens[this.at++];
      if (next?.kind !== 'name') throw new ExpressionError(`expected a field name after '.' in '${excerpt(this.text)}'.`);
      names.push(next.value);
    }
    // `x.format('YYYY')`: a function called as a method of its first argument (dp-object-exists writes it so).
    if (this.peek('(') && names.length > 1)
      return { kind: 'call', name: names[names.length - 1], args: [{ kind: 'path', names: names.slice(0, -1) }, ...this.args()] };
    return { kind: 'path', names };
  }
}

/** The expression inside `#{` and `}`, parsed; its tokens are steps of `budget`. */
export const parseExpression = (text: string, budget: EvaluationBudget = new EvaluationBudget()): Ast => new Parser(text, tokenize(text, budget)).parse();

export type TemplatePart = { readonly text: string } | { readonly expression: string };

/** The pieces of a string field: text, and the expressions between `#{` and its matching `}` (quotes respected). */
export const templateParts = (text: string): TemplatePart[] => {
  const parts: TemplatePart[] = [];
  let literalFrom = 0;
  for (let i = text.indexOf('#{'); i >= 0; i = text.indexOf('#{', i)) {
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
    if (j >= text.length) throw new ExpressionError(`'#{' without its '}' in '${excerpt(text.slice(i))}'.`);
    if (i > literalFrom) parts.push({ text: text.slice(literalFrom, i) });
    parts.push({ expression: text.slice(i + 2, j) });
    i = j + 1;
    literalFrom = i;
  }
  if (literalFrom < text.length) parts.push({ text: text.slice(literalFrom) });
  return parts;
};

/** The direct sub-expressions of a node. */
export const childrenOf = (ast: Ast): readonly Ast[] => {
  switch (ast.kind) {
    case 'call':
      return ast.args;
    case 'chain':
      return [ast.first, ...ast.rest.map((r) => r.operand)];
    case 'negate':
      return [ast.operand];
    default:
      return [];
  }
};

/** The paths (`myX`, `input.directoryPath`) an expression reads, in order. */
export const pathsOf = (ast: Ast): (readonly string[])[] => (ast.kind === 'path' ? [ast.names] : childrenOf(ast).flatMap(pathsOf));
