/** The `aria-describedby` of a field: its hint and its errors, when present. */
export function describedBy(id: string, hint: string | undefined, errors: string[] | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : '', errors?.length ? `${id}-error` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}
