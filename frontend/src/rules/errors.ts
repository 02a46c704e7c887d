// Positioned errors of the rule language, with messages in zh-CN and en (mirrors errors.py).

const MESSAGES: Record<string, [string, string]> = {
  syntax: ['Syntax error: {detail}', '语法错误：{detail}'],
  unexpected_char: ["Unexpected character '{char}'", '无法识别的字符“{char}”'],
  unterminated_string: ['Text is missing its closing quote', '文本缺少结束引号'],
  unexpected_token: ["Unexpected '{token}'", '此处不应出现“{token}”'],
  unexpected_end: ['The expression ends too early', '表达式不完整'],
  unclosed_paren: ['Missing closing parenthesis', '缺少右括号'],
  empty: ['The expression is empty', '表达式为空'],
  underscore_name: ["Names may not start with '_': {name}", '名称不能以“_”开头：{name}'],
  attribute: ["Only field references may use '.', e.g. customer.name", '只有字段引用可以使用“.”，如 customer.name'],
  method_call: ['Method calls are not allowed: {name}', '不允许调用方法：{name}'],
  subscript: ['Indexing with [ ] is not allowed', '不允许使用 [ ] 取下标'],
  assignment: ["Use '=' to compare; assignments are not allowed", '不允许赋值'],
  unknown_function: ['Unknown function {name}', '未知函数 {name}'],
  arity: ['{name} takes {expected} argument(s), got {got}', '{name} 需要 {expected} 个参数，实际为 {got} 个'],
  unknown_field: ["Unknown field '{name}'", '未知字段“{name}”'],
  type_mismatch: ['{where} expects {expected}, got {got}', '{where} 需要{expected}，实际为{got}'],
  too_long: ['The expression is longer than {limit} characters', '表达式超过 {limit} 个字符'],
  too_many_nodes: ['The expression is too complex (more than {limit} parts)', '表达式过于复杂（超过 {limit} 个部分）'],
  too_deep: ['The expression is nested deeper than {limit} levels', '表达式嵌套超过 {limit} 层'],
  text_too_long: ['Text result longer than {limit} characters', '文本结果超过 {limit} 个字符'],
  list_too_long: ['List longer than {limit} items', '列表超过 {limit} 项'],
  timeout: ['Evaluation took longer than {limit} ms', '计算超过 {limit} 毫秒'],
};

const TYPE_NAMES: Record<string, [string, string]> = {
  number: ['a number', '数字'], text: ['text', '文本'], date: ['a date', '日期'],
  datetime: ['a date-time', '日期时间'], boolean: ['TRUE/FALSE', '真假值'],
  list: ['a list', '列表'], object: ['a record', '记录'], any: ['any value', '任意值'],
  blank: ['blank', '空值'],
};

export type RuleErrorKind = 'syntax' | 'name' | 'limit' | 'field' | 'type' | 'rule';

export class RuleError extends Error {
  readonly line: number;
  readonly column: number;

  constructor(
    readonly kind: RuleErrorKind,
    readonly code: string,
    readonly offset: number,
    readonly expression: string,
    readonly params: Record<string, string | number> = {},
    readonly length = 1,
  ) {
    super(code);
    this.name = 'RuleError';
    [this.line, this.column] = lineColumn(expression, offset);
    this.message = this.localized('en');
  }

  localized(lang: string): string {
    const zh = lang.toLowerCase().startsWith('zh') ? 1 : 0;
    const template = MESSAGES[this.code]?.[zh] ?? this.code;
    return template.replace(/\{(\w+)\}/g, (_, key: string) => {
      const v = this.params[key];
      if ((key === 'expected' || key === 'got') && typeof v === 'string' && TYPE_NAMES[v]) return TYPE_NAMES[v][zh];
      return v === undefined ? '' : String(v);
    });
  }
}

/** 1-based line and column of a 0-based offset. */
export function lineColumn(text: string, offset: number): [number, number] {
  const o = Math.max(0, Math.min(offset, text.length));
  const before = text.slice(0, o);
  const line = before.split('\n').length;
  const start = before.lastIndexOf('\n') + 1;
  return [line, o - start + 1];
}
