/**
 * A syntax check of policy CSS selectors without a DOM (the server rejects a policy whose
 * selector a browser would refuse, naming it). Deliberately a little stricter than browsers: CSS
 * comments are refused (joined into one selector list, an unclosed comment would swallow the
 * selectors after it), and pseudo-classes must be ones browsers know. The recorder checks every
 * selector again in the visitor's browser and fails closed on any it cannot use.
 */

/** One refused selector and why. */
export interface SelectorProblem {
  selector: string;
  problem: string;
}

/** Pseudo-classes without arguments that browsers support (vendor-prefixed ones pass too). */
const PSEUDO_CLASSES = new Set([
  'active',
  'any-link',
  'autofill',
  'checked',
  'closed',
  'current',
  'default',
  'defined',
  'disabled',
  'empty',
  'enabled',
  'first',
  'first-child',
  'first-of-type',
  'focus',
  'focus-visible',
  'focus-within',
  'fullscreen',
  'future',
  'host',
  'hover',
  'in-range',
  'indeterminate',
  'invalid',
  'last-child',
  'last-of-type',
  'left',
  'link',
  'modal',
  'muted',
  'only-child',
  'only-of-type',
  'open',
  'optional',
  'out-of-range',
  'past',
  'paused',
  'picture-in-picture',
  'placeholder-shown',
  'playing',
  'popover-open',
  'read-only',
  'read-write',
  'required',
  'right',
  'root',
  'scope',
  'target',
  'user-invalid',
  'user-valid',
  'valid',
  'visited',
  'volume-locked',
]);
/** Pseudo-elements without arguments. */
const PSEUDO_ELEMENTS = new Set([
  'after',
  'backdrop',
  'before',
  'cue',
  'file-selector-button',
  'first-letter',
  'first-line',
  'marker',
  'placeholder',
  'selection',
  'target-text',
  'grammar-error',
  'spelling-error',
]);

class SelectorSyntaxError extends Error {}

const WS = /[ \t\n\r\f]/;
const NAME_START = /[A-Za-z_\u0080-\uffff]/;
const NAME_CHAR = /[A-Za-z0-9_\-\u0080-\uffff]/;

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  private fail(what: string): never {
    const at = this.i < this.s.length ? `"${this.s[this.i]}" at ${this.i + 1}` : 'the end';
    throw new SelectorSyntaxError(`${what}, found ${at}`);
  }
  private peek(offset = 0): string {
    return this.s[this.i + offset] ?? '';
  }
  private eat(c: string): boolean {
    if (this.s.startsWith(c, this.i)) {
      this.i += c.length;
      return true;
    }
    return false;
  }
  private expect(c: string, what: string): void {
    if (!this.eat(c)) this.fail(what);
  }
  private ws(): boolean {
    const start = this.i;
    while (WS.test(this.peek())) this.i++;
    return this.i > start;
  }
  private escape(): void {
    this.i++; // the backslash
    const c = this.peek();
    if (c === '' || c === '\n' || c === '\r' || c === '\f') this.fail('a character after "\\"');
    const hex = /^[0-9A-Fa-f]{1,6}/.exec(this.s.slice(this.i));
    if (hex) {
      this.i += hex[0].length;
      if (WS.test(this.peek())) this.i++;
    } else this.i++;
  }
  private nameChars(): number {
    let n = 0;
    for (;;) {
      const c = this.peek();
      if (c === '\\') this.escape();
      else if (c !== '' && NAME_CHAR.test(c)) this.i++;
      else return n;
      n++;
    }
  }
  private ident(what: string): string {
    const start = this.i;
    if (this.peek() === '-') {
      this.i++;
      if (this.peek() === '-') this.i++;
      else if (!(NAME_START.test(this.peek()) || this.peek() === '\\')) this.fail(what);
    } else if (!(NAME_START.test(this.peek()) || this.peek() === '\\')) this.fail(what);
    this.nameChars();
    return this.s.slice(start, this.i).toLowerCase();
  }
  private isIdentStart(): boolean {
    const c = this.peek();
    return (
      NAME_START.test(c) ||
      c === '\\' ||
      (c === '-' && (NAME_START.test(this.peek(1)) || this.peek(1) === '-'))
    );
  }
  private string(): void {
    const quote = this.peek();
    this.i++;
    for (;;) {
      const c = this.peek();
      if (c === '') this.fail(`a closing ${quote}`);
      if (c === '\n' || c === '\r' || c === '\f') this.fail('a string on one line');
      if (c === quote) {
        this.i++;
        return;
      }
      if (c === '\\') {
        this.i++;
        if (this.peek() !== '') this.i++;
      } else this.i++;
    }
  }

  /** `a, b > c`; `relative`: each may start with a combinator (`:has(> img)`). */
  selectorList(relative: boolean, end: string): void {
    for (;;) {
      this.ws();
      this.complex(relative);
      this.ws();
      if (this.eat(',')) continue;
      if (this.i === this.s.length ? end === '' : this.peek() === end) return;
      this.fail(end === '' ? 'a combinator, "," or the end' : `"," or "${end}"`);
    }
  }
  private combinator(): boolean {
    const c = this.peek();
    if (c === '>' || c === '+' || c === '~') {
      this.i++;
      return true;
    }
    return false;
  }
  private complex(relative: boolean): void {
    if (relative && this.combinator()) this.ws();
    this.compound();
    for (;;) {
      const hadWs = this.ws();
      if (this.combinator()) {
        this.ws();
        this.compound();
      } else if (hadWs && this.peek() !== ',' && this.peek() !== ')' && this.peek() !== '') {
        this.compound();
      } else return;
    }
  }
  /** Type or universal selector (with an optional namespace), then ids, classes, attributes, pseudos. */
  compound(): void {
    let parts = 0;
    if (this.peek() === '*' || this.peek() === '|' || this.isIdentStart()) {
      this.typeSelector();
      parts++;
    }
    for (;;) {
      const c = this.peek();
      if (c === '#') {
        this.i++;
        if (this.nameChars() === 0) this.fail('a name after "#"');
      } else if (c === '.') {
        this.i++;
        this.ident('a class name after "."');
      } else if (c === '[') this.attribute();
      else if (c === ':') this.pseudo();
      else break;
      parts++;
    }
    if (parts === 0) this.fail('a selector');
  }
  private typeSelector(): void {
    if (this.eat('*')) {
      if (this.peek() === '|' && this.peek(1) !== '=') {
        this.i++;
        if (!this.eat('*')) this.ident('an element name after "|"');
      }
      return;
    }
    if (this.eat('|')) {
      if (!this.eat('*')) this.ident('an element name after "|"');
      return;
    }
    this.ident('an element name');
    // A namespace prefix needs an @namespace rule, which a policy selector cannot declare.
    if (this.peek() === '|' && this.peek(1) !== '=') this.fail('no namespace prefix (only "*|" and "|")');
  }
  private attribute(): void {
    this.i++; // [
    this.ws();
    if (this.eat('*|') || (this.peek() === '|' && this.eat('|'))) this.ident('an attribute name');
    else {
      this.ident('an attribute name');
      if (this.peek() === '|' && this.peek(1) !== '=') this.fail('no namespace prefix (only "*|" and "|")');
    }
    this.ws();
    if (this.eat(']')) return;
    const op = /^[~|^$*]?=/.exec(this.s.slice(this.i));
    if (!op) this.fail('"]" or an operator (=, ~=, |=, ^=, $=, *=)');
    this.i += op[0].length;
    this.ws();
    if (this.peek() === '"' || this.peek() === "'") this.string();
    else this.ident('a value (a name or a quoted string)');
    this.ws();
    if (/[iIsS]/.test(this.peek()) && !NAME_CHAR.test(this.peek(1))) {
      this.i++;
      this.ws();
    }
    this.expect(']', '"]"');
  }
  private pseudo(): void {
    this.i++; // :
    const element = this.eat(':');
    const name = this.ident(element ? 'a pseudo-element name' : 'a pseudo-class name');
    const prefixed = name.startsWith('-webkit-') || name.startsWith('-moz-');
    if (!this.eat('(')) {
      if (prefixed || (element ? PSEUDO_ELEMENTS : PSEUDO_CLASSES).has(name)) return;
      if (
        !element &&
        PSEUDO_ELEMENTS.has(name) &&
        ['before', 'after', 'first-line', 'first-letter'].includes(name)
      )
        return;
      this.i -= name.length;
      this.fail(`a known ${element ? 'pseudo-element' : 'pseudo-class'}`);
    }
    this.ws();
    if (!element && ['not', 'is', 'where', '-webkit-any'].includes(name)) this.selectorList(false, ')');
    else if (!element && name === 'has') this.selectorList(true, ')');
    else if (!element && (name === 'nth-child' || name === 'nth-last-child')) {
      this.anPlusB();
      if (this.ws() && this.s.slice(this.i, this.i + 2).toLowerCase() === 'of') {
        this.i += 2;
        if (!this.ws()) this.fail('a space after "of"');
        this.selectorList(false, ')');
      }
    } else if (!element && (name === 'nth-of-type' || name === 'nth-last-of-type')) this.anPlusB();
    else if ((!element && ['host', 'host-context'].includes(name)) || (element && name === 'slotted'))
      this.compound();
    else if (!element && ['lang', 'dir', 'state'].includes(name)) this.identList(name === 'lang');
    else if (element && ['part', 'highlight'].includes(name)) this.identList(false);
    else if (prefixed) this.balanced();
    else {
      this.i -= name.length + 1;
      this.fail(`a known functional ${element ? 'pseudo-element' : 'pseudo-class'}`);
    }
    this.ws();
    this.expect(')', '")"');
  }
  private anPlusB(): void {
    const m = /^(?:odd|even|[+-]?\d*[nN](?:[ \t\n]*[+-][ \t\n]*\d+)?|[+-]?\d+)/i.exec(this.s.slice(this.i));
    if (!m) this.fail('an An+B expression (odd, even, 2n+1, 3)');
    this.i += m[0].length;
  }
  private identList(strings: boolean): void {
    for (;;) {
      if (strings && (this.peek() === '"' || this.peek() === "'")) this.string();
      else this.ident('a name');
      this.ws();
      if (!(strings && this.eat(','))) return;
      this.ws();
    }
  }
  /** Arguments of a vendor-prefixed function: balanced brackets, strings closed. */
  private balanced(): void {
    let depth = 0;
    for (;;) {
      const c = this.peek();
      if (c === '') this.fail('")"');
      if (c === '"' || c === "'") this.string();
      else if (c === '\\') this.escape();
      else if (c === '(' || c === '[') {
        depth++;
        this.i++;
      } else if (c === ')' || c === ']') {
        if (depth === 0) return;
        depth--;
        this.i++;
      } else this.i++;
    }
  }
}

/** The problem with one selector, or null when browsers accept it. */
export function selectorProblem(selector: string): string | null {
  if (selector.trim() === '') return 'the selector is empty';
  if (selector.includes('/*')) return 'CSS comments are not allowed in a policy selector';
  try {
    new Parser(selector).selectorList(false, '');
    return null;
  } catch (error) {
    if (error instanceof SelectorSyntaxError) return `invalid selector: expected ${error.message}`;
    throw error;
  }
}

/** Every selector of `list` that browsers would refuse, with why; empty when all are valid. */
export function validateSelectors(list: readonly string[]): SelectorProblem[] {
  const problems: SelectorProblem[] = [];
  for (const selector of list) {
    const problem = selectorProblem(selector);
    if (problem !== null) problems.push({ selector, problem });
  }
  return problems;
}
