import { PromotionRuleError } from './errors';

/** Comparison operators of the rule language. `==` and `!=` compare exactly (no tolerance). */
export type ComparisonOperator = '>=' | '>' | '<=' | '<' | '==' | '!=';

export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = ['>=', '>', '<=', '<', '==', '!='];

/** `<metric> <op> <number>`; `text` is the canonical clause (`ari >= 0.8`), with the number as written. */
export interface ComparisonNode {
  kind: 'comparison';
  metric: string;
  op: ComparisonOperator;
  threshold: number;
  text: string;
  /** 1-based column of the metric name in the source. */
  column: number;
}

export interface LogicalNode {
  kind: 'and' | 'or';
  /** Two or more operands, in source order. */
  operands: RuleNode[];
}

export type RuleNode = ComparisonNode | LogicalNode;

/** A parsed promotion rule: plain JSON, so it can be stored next to the policy. */
export interface PromotionRule {
  source: string;
  root: RuleNode;
  /** Metric names the rule reads, sorted, without duplicates. */
  metrics: string[];
}

/** Longest rule accepted, and deepest nesting of parentheses: a rule is configuration, not a program. */
export const MAX_RULE_LENGTH = 2000;
export const MAX_RULE_DEPTH = 32;

type Token =
  | { type: 'name'; text: string; column: number }
  | { type: 'number'; text: string; value: number; column: number }
  | { type: 'op'; text: ComparisonOperator; column: number }
  | { type: 'and' | 'or' | '(' | ')'; text: string; column: number }
  | { type: 'end'; text: ''; column: number };

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
// Optional sign, digits with an optional fraction (or a leading-dot fraction), optional exponent.
const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const OPERATOR = />=|<=|==|!=|>|</y;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const column = i + 1;
    if (ch === '(' || ch === ')') {
      tokens.push({ type: ch, text: ch, column });
      i++;
      continue;
    }
    for (const [re, kind] of [
      [OPERATOR, 'op'],
      [NUMBER, 'number'],
      [NAME, 'name'],
    ] as const) {
      re.lastIndex = i;
      const m = re.exec(source);
      if (!m) continue;
      const text = m[0];
      if (kind === 'op') tokens.push({ type: 'op', text: text as ComparisonOperator, column });
      else if (kind === 'number') tokens.push({ type: 'number', text, value: Number(text), column });
      else if (/^(and|or)$/i.test(text)) tokens.push({ type: text.toLowerCase() as 'and' | 'or', text, column });
      else tokens.push({ type: 'name', text, column });
      i += text.length;
      break;
    }
    if (tokens.length > 0 && tokens[tokens.length - 1].column === column) continue;
    const hint =
      ch === '='
        ? " (did you mean '=='?)"
        : ch === '&'
          ? " (write 'and')"
          : ch === '|'
            ? " (write 'or')"
            : ch === '!'
              ? " (use '!=' or reverse the comparison; there is no 'not')"
              : '';
    throw new PromotionRuleError(column, `unexpected character '${ch}'${hint}`);
  }
  tokens.push({ type: 'end', text: '', column: source.length + 1 });
  return tokens;
}

function describe(token: Token): string {
  return token.type === 'end' ? 'the end of the rule' : `'${token.text}'`;
}

/** Levenshtein distance, for "did you mean" on unknown metric names. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * Parses a promotion rule. Grammar (keywords `and` / `or` in any case; `and` binds tighter than `or`):
 *
 *     rule       := or-expr end
 *     or-expr    := and-expr ( "or" and-expr )*
 *     and-expr   := primary ( "and" primary )*
 *     primary    := "(" or-expr ")" | comparison
 *     comparison := NAME ( ">=" | ">" | "<=" | "<" | "==" | "!=" ) NUMBER
 *
 * NAME must be one of `knownMetrics`; NUMBER is a finite decimal (`0.8`, `-1`, `5e-3`). Nothing is evaluated
 * as code. Throws {@link PromotionRuleError} naming the 1-based column, what was expected and what was found.
 *
 * @example
 * parsePromotionRule('ari >= 0.8 and silhouette_drop <= 0.02', COMPARISON_METRIC_NAMES)
 */
export function parsePromotionRule(source: string, knownMetrics: readonly string[]): PromotionRule {
  if (source.length > MAX_RULE_LENGTH)
    throw new PromotionRuleError(
      MAX_RULE_LENGTH + 1,
      `a rule may have at most ${MAX_RULE_LENGTH} characters, this one has ${source.length}`,
    );
  const known = new Set(knownMetrics);
  const tokens = tokenize(source);
  let position = 0;
  const peek = (): Token => tokens[position];
  const next = (): Token => tokens[position++];

  const parseComparison = (): ComparisonNode => {
    const name = next();
    if (name.type !== 'name') {
      const what =
        name.type === 'number' ? ' (a comparison starts with the metric: write it as <metric> <op> <number>)' : '';
      throw new PromotionRuleError(name.column, `expected a metric name or '(', found ${describe(name)}${what}`);
    }
    if (!known.has(name.text)) {
      const close = [...known]
        .map((m) => ({ m, d: editDistance(name.text.toLowerCase(), m.toLowerCase()) }))
        .filter((x) => x.d <= 2)
        .sort((a, b) => a.d - b.d)[0];
      const suggestion = close ? ` (did you mean '${close.m}'?)` : '';
      throw new PromotionRuleError(
        name.column,
        `unknown metric '${name.text}'${suggestion}; known metrics: ${[...known].sort().join(', ')}`,
      );
    }
    const op = next();
    if (op.type !== 'op') {
      throw new PromotionRuleError(
        op.column,
        `expected a comparison operator (${COMPARISON_OPERATORS.join(' ')}) after '${name.text}', found ${describe(op)}`,
      );
    }
    const value = next();
    if (value.type !== 'number')
      throw new PromotionRuleError(value.column, `expected a number after '${op.text}', found ${describe(value)}`);
    if (!Number.isFinite(value.value))
      throw new PromotionRuleError(value.column, `the number ${value.text} is too large`);
    return {
      kind: 'comparison',
      metric: name.text,
      op: op.text,
      threshold: value.value,
      text: `${name.text} ${op.text} ${value.text}`,
      column: name.column,
    };
  };

  const parseOr = (depth: number): RuleNode => {
    const operands = [parseAnd(depth)];
    while (peek().type === 'or') {
      next();
      operands.push(parseAnd(depth));
    }
    return operands.length === 1 ? operands[0] : { kind: 'or', operands };
  };

  const parseAnd = (depth: number): RuleNode => {
    const operands = [parsePrimary(depth)];
    while (peek().type === 'and') {
      next();
      operands.push(parsePrimary(depth));
    }
    return operands.length === 1 ? operands[0] : { kind: 'and', operands };
  };

  const parsePrimary = (depth: number): RuleNode => {
    if (peek().type !== '(') return parseComparison();
    const open = next();
    if (depth >= MAX_RULE_DEPTH)
      throw new PromotionRuleError(open.column, `parentheses nested deeper than ${MAX_RULE_DEPTH} levels`);
    const inner = parseOr(depth + 1);
    const close = next();
    if (close.type !== ')')
      throw new PromotionRuleError(
        close.column,
        `expected 'and', 'or' or ')' to close the '(' at column ${open.column}, found ${describe(close)}`,
      );
    return inner;
  };

  const root = parseOr(0);
  const end = peek();
  if (end.type !== 'end') {
    const what = end.type === ')' ? " (no '(' is open)" : '';
    throw new PromotionRuleError(
      end.column,
      `expected 'and', 'or' or the end of the rule, found ${describe(end)}${what}`,
    );
  }
  const metrics = new Set<string>();
  const collect = (node: RuleNode): void => {
    if (node.kind === 'comparison') metrics.add(node.metric);
    else node.operands.forEach(collect);
  };
  collect(root);
  return { source, root, metrics: [...metrics].sort() };
}

/** One comparison's outcome. `value` is null when the metric was not available (missing, null or non-finite). */
export interface ClauseResult {
  text: string;
  metric: string;
  value: number | null;
  passed: boolean;
}

export interface PromotionDecision {
  promote: boolean;
  /** Every comparison of the rule in source order, all evaluated (no short-circuit). */
  clauses: ClauseResult[];
  /**
   * The failed clauses that made the rule false (a failed clause inside an `or` that another operand
   * satisfied is not listed), e.g. `silhouette_drop <= 0.02 (was 0.035)`; empty when `promote` is true.
   */
  failing: string[];
}

function compare(value: number, op: ComparisonOperator, threshold: number): boolean {
  switch (op) {
    case '>=':
      return value >= threshold;
    case '>':
      return value > threshold;
    case '<=':
      return value <= threshold;
    case '<':
      return value < threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

const formatValue = (x: number): string => String(Number(x.toPrecision(6)));

/**
 * Evaluates a parsed rule against metric values. A metric that is absent, null, NaN or infinite makes its
 * clause fail with "… (<metric> was not available)" — it never passes silently, whatever the operator.
 *
 * @example
 * evaluatePromotionRule(rule, { ari: 0.93, silhouette_drop: 0.035 }).failing
 * // ['silhouette_drop <= 0.02 (was 0.035)']
 */
export function evaluatePromotionRule(
  rule: PromotionRule,
  metrics: Readonly<Record<string, number | null | undefined>>,
): PromotionDecision {
  const clauses: ClauseResult[] = [];
  const messages = new Map<ClauseResult, string>();
  const visit = (node: RuleNode): { passed: boolean; blocking: ClauseResult[] } => {
    if (node.kind === 'comparison') {
      const raw = Object.prototype.hasOwnProperty.call(metrics, node.metric) ? metrics[node.metric] : undefined;
      const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
      const passed = value !== null && compare(value, node.op, node.threshold);
      const clause: ClauseResult = { text: node.text, metric: node.metric, value, passed };
      clauses.push(clause);
      messages.set(
        clause,
        value === null ? `${node.text} (${node.metric} was not available)` : `${node.text} (was ${formatValue(value)})`,
      );
      return { passed, blocking: passed ? [] : [clause] };
    }
    const results = node.operands.map(visit);
    if (node.kind === 'and') {
      const passed = results.every((r) => r.passed);
      return { passed, blocking: passed ? [] : results.flatMap((r) => r.blocking) };
    }
    const passed = results.some((r) => r.passed);
    return { passed, blocking: passed ? [] : results.flatMap((r) => r.blocking) };
  };
  const outcome = visit(rule.root);
  return { promote: outcome.passed, clauses, failing: outcome.blocking.map((c) => messages.get(c) as string) };
}
