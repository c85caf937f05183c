import { IntegerIndex } from './integer-index';

/** Customer and order ids: integers (`17850`, `17850.0`) are keyed by number, other ids by text. */
export class IdDictionary {
  /** Integer ids stay numbers (small integers are not allocated) until `strings()` converts them once. */
  private readonly ids: (string | number)[] = [];
  private readonly byNumber = new IntegerIndex();
  private readonly byText = new Map<string, number>();

  number(key: number): number {
    let index = this.byNumber.get(key);
    if (index === -1) {
      index = this.ids.length;
      this.byNumber.set(key, index);
      this.ids.push(key);
    }
    return index;
  }

  text(key: string): number {
    let index = this.byText.get(key);
    if (index === undefined) {
      index = this.ids.length;
      this.byText.set(key, index);
      this.ids.push(key);
    }
    return index;
  }

  get size(): number {
    return this.ids.length;
  }

  /** Room for `ids` integer ids (an estimate); text ids go to a Map, which cannot be sized. */
  reserve(ids: number): void {
    this.byNumber.reserve(ids);
  }

  strings(): string[] {
    return this.ids.map(String);
  }
}
