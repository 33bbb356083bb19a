/*
 * A new phone is offered the first free "Door N", so that four phones set up before a show are
 * not all called "Door 1". Staff may have named phones in either language: "Door 2" and
 * "Porta 2" are the same door (the words of `door.device.default_name` in the dictionaries).
 */

const DOOR_NAME = /^(?:door|porta)\s*#?\s*(\d{1,6})$/i;

/** N of "Door N" / "Porta N" (any case, any spacing), or null for any other name. */
export function doorNumberOf(name: string): number | null {
  const match = DOOR_NAME.exec(name.trim());
  return match ? Number(match[1]) : null;
}

/** The smallest N ≥ 1 that none of these names uses: a replaced phone's number is offered again. */
export function nextDoorNumber(names: readonly string[]): number {
  const taken = new Set(names.map(doorNumberOf));
  let n = 1;
  while (taken.has(n)) n += 1;
  return n;
}
