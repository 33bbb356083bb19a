import { z } from 'zod';

/** `?page=&page_size=` for staff lists; page_size is capped so one request stays cheap. */
export const pageQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  page_size: z.coerce.number().int().min(1).max(500).default(25),
});

export function pageOf(query: { page: number; page_size: number }) {
  return { page: query.page, pageSize: query.page_size, limit: query.page_size, offset: (query.page - 1) * query.page_size };
}
