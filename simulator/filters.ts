/**
 * ISC collection filter language (V3 standard collection parameters):
 *
 *   expr       := or
 *   or         := and ("or" and)*
 *   and        := unary ("and" unary)*
 *   unary      := "not" unary | "(" expr ")" | comparison
 *   comparison := FIELD ("eq"|"ne"|"gt"|"ge"|"lt"|"le"|"sw"|"co") literal
 *               | FIELD "in" "(" literal ("," literal)* ")"
 *               | FIELD "isnull"
 *   literal    := STRING | NUMBER | "true" | "false" | "null"
 *
 * Operators and keywords are lowercase only. Strings are double-quoted; inside them only `\"` and
 * `\\` are valid escapes. Each endpoint then allows its own fields and operators (a catalog);
 * anything else is a FilterError, which the API answers with 400.
 */

export type ComparisonOperator = "eq" | "ne" | "gt" | "ge" | "lt" | "le" | "sw" | "co";
export type FilterOperator = ComparisonOperator | "in" | "isnull";
export type FilterLiteral = string | number | boolean | null;

export type FilterNode =
  | { kind: "and" | "or"; operands: FilterNode[] }
  | { kind: "not"; operand: FilterNode }
  | { kind: "compare"; field: string; op: ComparisonOperator; value: FilterLiteral }
  | { kind: "in"; field: string; values: FilterLiteral[] }
  | { kind: "isnull"; field: string };

export class FilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FilterError";
  }
}

type Token =
  | { type: "lparen" | "rparen" | "comma" | "end"; pos: number }
  | { type: "string"; value: string; pos: number }
  | { type: "number"; value: number; pos: number }
  | { type: "word"; value: string; pos: number };

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set(["eq", "ne", "gt", "ge", "lt", "le", "sw", "co"]);
const KEYWORDS: ReadonlySet<string> = new Set([
  "and",
  "or",
  "not",
  "in",
  "isnull",
  "true",
  "false",
  "null",
  ...COMPARISON_OPERATORS,
]);

export function tokenizeFilter(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "(" || ch === ")" || ch === ",") {
      tokens.push({ type: ch === "(" ? "lparen" : ch === ")" ? "rparen" : "comma", pos: i });
      i++;
    } else if (ch === '"') {
      const start = i;
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterError(`unterminated string starting at position ${start}`);
        const c = text[i];
        if (c === '"') break;
        if (c === "\\") {
          const next = text[i + 1];
          if (next !== '"' && next !== "\\") {
            throw new FilterError(`invalid escape at position ${i}: only \\" and \\\\ are allowed`);
          }
          value += next;
          i += 2;
        } else {
          value += c;
          i++;
        }
      }
      i++;
      tokens.push({ type: "string", value, pos: start });
    } else if (/[-0-9]/.test(ch)) {
      const match = /^-?\d+(\.\d+)?/.exec(text.slice(i));
      if (!match) throw new FilterError(`unexpected "${ch}" at position ${i}`);
      tokens.push({ type: "number", value: Number(match[0]), pos: i });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i));
      const word = match ? match[0] : ch;
      if (word.endsWith(".")) throw new FilterError(`invalid field name "${word}" at position ${i}`);
      tokens.push({ type: "word", value: word, pos: i });
      i += word.length;
    } else {
      throw new FilterError(`unexpected "${ch}" at position ${i}`);
    }
  }
  tokens.push({ type: "end", pos: text.length });
  return tokens;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.parseOr();
    const rest = this.peek();
    if (rest.type !== "end") throw new FilterError(`unexpected ${describe(rest)} at position ${rest.pos}`);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.type !== "end") this.index++;
    return token;
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token.type === "word" && token.value === word;
  }

  private parseOr(): FilterNode {
    const operands = [this.parseAnd()];
    while (this.isWord("or")) {
      this.next();
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? operands[0] : { kind: "or", operands };
  }

  private parseAnd(): FilterNode {
    const operands = [this.parseUnary()];
    while (this.isWord("and")) {
      this.next();
      operands.push(this.parseUnary());
    }
    return operands.length === 1 ? operands[0] : { kind: "and", operands };
  }

  private parseUnary(): FilterNode {
    if (this.isWord("not")) {
      this.next();
      return { kind: "not", operand: this.parseUnary() };
    }
    if (this.peek().type === "lparen") {
      this.next();
      const inner = this.parseOr();
      this.expect("rparen", '")"');
      return inner;
    }
    return this.parseComparison();
  }

  private parseComparison(): FilterNode {
    const fieldToken = this.next();
    if (fieldToken.type !== "word" || KEYWORDS.has(fieldToken.value)) {
      throw new FilterError(`expected a field name at position ${fieldToken.pos}, found ${describe(fieldToken)}`);
    }
    const field = fieldToken.value;
    const opToken = this.next();
    if (opToken.type !== "word") {
      throw new FilterError(
        `expected an operator after "${field}" at position ${opToken.pos}, found ${describe(opToken)}`,
      );
    }
    const op = opToken.value;
    if (op === "isnull") return { kind: "isnull", field };
    if (op === "in") {
      this.expect("lparen", '"(" after "in"');
      const values = [this.parseLiteral()];
      while (this.peek().type === "comma") {
        this.next();
        values.push(this.parseLiteral());
      }
      this.expect("rparen", '")" closing the "in" list');
      return { kind: "in", field, values };
    }
    if (COMPARISON_OPERATORS.has(op)) {
      return { kind: "compare", field, op: op as ComparisonOperator, value: this.parseLiteral() };
    }
    const hint = KEYWORDS.has(op.toLowerCase()) ? " (operators are lowercase)" : "";
    throw new FilterError(`unknown operator "${op}" at position ${opToken.pos}${hint}`);
  }

  private parseLiteral(): FilterLiteral {
    const token = this.next();
    if (token.type === "string" || token.type === "number") return token.value;
    if (token.type === "word") {
      if (token.value === "true") return true;
      if (token.value === "false") return false;
      if (token.value === "null") return null;
      throw new FilterError(
        `expected a value at position ${token.pos}, found ${describe(token)} (strings need double quotes)`,
      );
    }
    throw new FilterError(`expected a value at position ${token.pos}, found ${describe(token)}`);
  }

  private expect(type: "lparen" | "rparen", what: string): void {
    const token = this.next();
    if (token.type !== type)
      throw new FilterError(`expected ${what} at position ${token.pos}, found ${describe(token)}`);
  }
}

function describe(token: Token): string {
  switch (token.type) {
    case "end":
      return "end of filter";
    case "lparen":
      return '"("';
    case "rparen":
      return '")"';
    case "comma":
      return '","';
    case "string":
      return `string "${token.value}"`;
    default:
      return `"${token.value}"`;
  }
}

export function parseFilter(text: string): FilterNode {
  if (text.trim() === "") throw new FilterError("empty filter");
  return new Parser(tokenizeFilter(text)).parse();
}

/** What an endpoint allows for one field, and how to read it from an item. */
export interface FilterField<T> {
  type: "string" | "boolean";
  ops: readonly FilterOperator[];
  value: (item: T) => string | boolean | null | undefined;
  /** How the field compares strings, when not exactly (e.g. nativeIdentity on a case-insensitive tenant). */
  fold?: (text: string) => string;
}

export type FilterCatalog<T> = Readonly<Record<string, FilterField<T>>>;

export interface CompiledFilter<T> {
  node: FilterNode;
  matches: (item: T) => boolean;
}

/** Parses a filter and checks every field, operator and literal type against the endpoint's catalog. */
export function compileFilter<T>(text: string, catalog: FilterCatalog<T>): CompiledFilter<T> {
  const node = parseFilter(text);
  check(node, catalog);
  return { node, matches: (item) => evaluate(node, catalog, item) };
}

function check<T>(node: FilterNode, catalog: FilterCatalog<T>): void {
  switch (node.kind) {
    case "and":
    case "or":
      node.operands.forEach((operand) => check(operand, catalog));
      return;
    case "not":
      check(node.operand, catalog);
      return;
    default: {
      if (!Object.prototype.hasOwnProperty.call(catalog, node.field)) {
        throw new FilterError(`filtering is not supported on field "${node.field}"`);
      }
      const field = catalog[node.field];
      const op: FilterOperator = node.kind === "compare" ? node.op : node.kind;
      if (!field.ops.includes(op)) {
        throw new FilterError(
          `operator "${op}" is not supported on field "${node.field}" (supported: ${field.ops.join(", ")})`,
        );
      }
      const literals = node.kind === "compare" ? [node.value] : node.kind === "in" ? node.values : [];
      for (const literal of literals) {
        if (typeof literal !== field.type) {
          throw new FilterError(`field "${node.field}" needs a ${field.type} value, not ${JSON.stringify(literal)}`);
        }
      }
    }
  }
}

function evaluate<T>(node: FilterNode, catalog: FilterCatalog<T>, item: T): boolean {
  switch (node.kind) {
    case "and":
      return node.operands.every((operand) => evaluate(operand, catalog, item));
    case "or":
      return node.operands.some((operand) => evaluate(operand, catalog, item));
    case "not":
      return !evaluate(node.operand, catalog, item);
    case "isnull": {
      const actual = catalog[node.field].value(item);
      return actual === null || actual === undefined;
    }
    case "in": {
      const field = catalog[node.field];
      const actual = folded(field, field.value(item));
      return actual !== null && actual !== undefined && node.values.some((value) => folded(field, value) === actual);
    }
    case "compare": {
      const field = catalog[node.field];
      return compare(folded(field, field.value(item)), node.op, folded(field, node.value));
    }
  }
}

function folded<T, V>(field: FilterField<T>, value: V): V | string {
  return field.fold && typeof value === "string" ? field.fold(value) : value;
}

function compare(
  actual: string | boolean | null | undefined,
  op: ComparisonOperator,
  expected: FilterLiteral,
): boolean {
  if (actual === null || actual === undefined) return op === "ne";
  switch (op) {
    case "eq":
      return actual === expected;
    case "ne":
      return actual !== expected;
    case "sw":
      return typeof actual === "string" && actual.startsWith(String(expected));
    case "co":
      return typeof actual === "string" && actual.includes(String(expected));
    case "gt":
      return String(actual) > String(expected);
    case "ge":
      return String(actual) >= String(expected);
    case "lt":
      return String(actual) < String(expected);
    case "le":
      return String(actual) <= String(expected);
  }
}

/**
 * The values a filter pins `field` to (a top-level `field eq x` or `field in (...)`, possibly inside
 * an `and`), so a store can start from an index instead of scanning everything. Undefined when the
 * filter does not pin the field.
 */
export function pinnedValues(node: FilterNode, field: string): string[] | undefined {
  if (node.kind === "compare" && node.field === field && node.op === "eq" && typeof node.value === "string") {
    return [node.value];
  }
  if (node.kind === "in" && node.field === field) {
    return node.values.filter((v): v is string => typeof v === "string");
  }
  if (node.kind === "and") {
    for (const operand of node.operands) {
      const values = pinnedValues(operand, field);
      if (values) return values;
    }
  }
  return undefined;
}
