/** Parsing of the human-friendly durations and rates used in configuration ("48h", "20/hour"). */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
};

/** "48h", "90s", "30d", "15min" → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+)\s*([a-z]+)\s*$/i.exec(text);
  const unit = match?.[2]?.toLowerCase();
  const ms = unit ? UNIT_MS[unit] : undefined;
  if (!match || ms === undefined) {
    throw new Error(`"${text}" is not a duration like 48h, 30m, 90s or 7d`);
  }
  const value = Number(match[1]) * ms;
  if (value <= 0) throw new Error(`duration "${text}" must be positive`);
  return value;
}

export interface Rate {
  limit: number;
  windowMs: number;
  text: string;
}

/** DRF-style rates: "20/hour", "600/h", "1/minute", "5/10m". */
export function parseRate(text: string): Rate {
  const match = /^\s*(\d+)\s*\/\s*(\d*)\s*([a-z]+)\s*$/i.exec(text);
  const unit = match?.[3]?.toLowerCase();
  const unitMs = unit ? UNIT_MS[unit] : undefined;
  if (!match || unitMs === undefined || Number(match[1]) < 1) {
    throw new Error(`"${text}" is not a rate like 20/hour or 5/10m`);
  }
  const multiplier = match[2] ? Number(match[2]) : 1;
  return { limit: Number(match[1]), windowMs: unitMs * Math.max(1, multiplier), text: text.trim() };
}
