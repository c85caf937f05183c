/**
 * How many turns a chain of `setImmediate` callbacks got while `work` ran: 0 for work that holds the event loop
 * from start to end, at least one per pause for work that yields (the yielding builds and decoders here).
 */
export async function turnsDuring(work: () => unknown): Promise<number> {
  let turns = 0;
  let stop = false;
  const turn = () => {
    turns++;
    if (!stop) setImmediate(turn);
  };
  setImmediate(turn);
  try {
    await work();
  } finally {
    stop = true;
  }
  return turns;
}
