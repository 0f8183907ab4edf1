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
