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

  /**
   * The ids in index order, for another thread: integer ids as numbers (NaN where the id is text), text ids apart
   * in their order. Typed, so millions of order ids cross threads as one transferable buffer.
   */
  parts(): DictionaryParts {
    const numbers = new Float64Array(this.ids.length);
    const texts: string[] = [];
    for (let i = 0; i < this.ids.length; i++) {
      const id = this.ids[i];
      if (typeof id === 'number') numbers[i] = id;
      else {
        numbers[i] = Number.NaN;
        texts.push(id);
      }
    }
    return { numbers, texts };
  }

  /**
   * Adds another dictionary's ids (e.g. of the next part of a file) in its index order and returns where each of
   * them is here: ids new here get the next indexes in that order, which is the first-seen order of the whole file.
   */
  merge(other: DictionaryParts): Int32Array {
    const at = new Int32Array(other.numbers.length);
    for (let i = 0, t = 0; i < at.length; i++) {
      const key = other.numbers[i];
      at[i] = key === key ? this.number(key) : this.text(other.texts[t++]);
    }
    return at;
  }
}

/** A dictionary's ids as {@link IdDictionary.parts} gives them. */
export interface DictionaryParts {
  numbers: Float64Array;
  texts: string[];
}
