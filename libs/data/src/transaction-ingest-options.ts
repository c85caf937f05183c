import type { DateFormat } from './bytes';
import type { CsvDelimiter } from './csv';
import type { TextEncodingName } from './encoding';
import type { TransactionColumnMapping } from './transaction-mapping';

export interface TransactionIngestOptions {
  /** Column mapping; roles left out are detected from common header names. */
  mapping?: Partial<TransactionColumnMapping>;
  /** `false`: the file has no header line; name the columns with `columns`. Default true. */
  header?: boolean;
  /** Names of the columns, in order: required without a header; with one, they replace the file's names (e.g. to tell duplicates apart). */
  columns?: readonly string[];
  /** Default `utf-8` (checked: an invalid byte is an error naming its line and offset). */
  encoding?: TextEncodingName;
  /** Thousands separator of numbers (`1,234.5`); none by default, so `1,234` is reported rather than guessed. */
  thousands?: ',' | '.' | ' ' | "'";
  /** Strip a currency symbol (`$`, `£`, `€`) before or after numbers. Default false: `£30` is an invalid number. */
  currency?: boolean;
  /** `keep` (default): lines worth 0 (free samples, adjustments) count as orders. `exclude`: they are dropped and counted. */
  zeroAmounts?: 'keep' | 'exclude';
  /** One character, or `whitespace` for files like CDNOW_master.txt. Default `,`. */
  delimiter?: CsvDelimiter;
  /** Decimal separator of numbers. Default `.`. With `,` use another field delimiter or quote the numbers. */
  decimal?: '.' | ',';
  /** Default `auto`: detected from the first rows; ambiguous day/month orders are refused. */
  dateFormat?: DateFormat | 'auto';
  /** `net`: returns are kept with negative amounts. `exclude`: returns are dropped and counted. Default `net`. */
  returns?: 'net' | 'exclude';
  /** An order id starting with this marks a cancellation (Online Retail's `C536379`). Default `C`. */
  cancellationPrefix?: string;
  /** `reject`: any bad row refuses the whole file. `skip`: bad rows are left out and reported. Default `reject`. */
  policy?: 'reject' | 'skip';
  /** How many row problems the report keeps (all are counted). Default 100. */
  maxProblems?: number;
  /** Dates after this are rejected as being in the future. Default: the current time. */
  now?: Date;
  /** Refuse files larger than this many bytes. */
  maxBytes?: number;
  /**
   * Called after each chunk's rows are read (the head's first): the bytes of the file read so far and the data rows
   * among them. For a progress display; it is called often, so throttle what it does.
   */
  onProgress?: (read: { bytes: number; rows: number }) => void;
  /** Read-chunk size for file paths. Default 1 MiB. */
  chunkBytes?: number;
  /**
   * Threads reading a file path in parts (split after a newline; one merge of the id dictionaries). The result is
   * the same for any count. Default: 2 on a machine with two cores or more when each part would be 16 MiB or more,
   * else 1. A file whose split would cut a record (a quoted newline) is read on one thread.
   */
  threads?: number;
}
