/** Sets the document title: "<page> · AzioneLab", so tabs, history and screen readers name the page. */
export function setPageTitle(page: string): void {
  document.title = `${page} · AzioneLab`;
}
