/** Where a page of a staff list starts, from `?page=&page_size=` (validated by the list's contract). */
export function pageOf(query: { page: number; page_size: number }) {
  return { page: query.page, pageSize: query.page_size, limit: query.page_size, offset: (query.page - 1) * query.page_size };
}
