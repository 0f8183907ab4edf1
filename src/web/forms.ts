/** An error summary item: the message and the `#id` of the form control it belongs to. */
export type ErrorItem = { text: string; href: string };

/**
 * Error messages by form control id, for each control's own error message (the summary lists them all).
 * Two messages for one control are joined, so none is lost.
 */
export function fieldErrors(errors: readonly ErrorItem[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors ?? []) {
    const id = e.href.replace(/^#/, '');
    out[id] = out[id] ? `${out[id]}. ${e.text}` : e.text;
  }
  return out;
}

/** A paged list's page count (at least 1) and its previous and next links, null at either end. */
export function pageLinks(
  list: { page: number; total: number; pageSize: number },
  href: (page: number) => string,
): { pages: number; previous: string | null; next: string | null } {
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  return {
    pages,
    previous: list.page > 1 ? href(list.page - 1) : null,
    next: list.page < pages ? href(list.page + 1) : null,
  };
}

/** A validation error's fields as error summary items, each linked to the control `idOf` names for its field. */
export function errorItems(
  error: { fields: readonly { field: string; message: string }[] },
  idOf: (field: string) => string = (field) => field,
): ErrorItem[] {
  return error.fields.map((f) => ({ text: f.message, href: `#${idOf(f.field)}` }));
}
