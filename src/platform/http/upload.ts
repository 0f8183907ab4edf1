// Reading an uploaded file and the other fields of a multipart form (see security.plugin.ts).
import { ValidationError } from '../errors.ts';

type MultipartField = { type?: 'field' | 'file'; value?: unknown; filename?: string; toBuffer?: () => Promise<Buffer> };

/** The text value of a form field, whether the form was multipart or url-encoded. */
export function formValue(body: unknown, name: string): string {
  const raw = (body as Record<string, unknown> | undefined)?.[name];
  if (raw && typeof raw === 'object' && 'value' in raw) return String((raw as MultipartField).value ?? '');
  return typeof raw === 'string' ? raw : '';
}

/** The uploaded file in field `name`, or a ValidationError naming the field when none was chosen. */
export async function uploadedFile(body: unknown, name: string): Promise<{ fileName: string; bytes: Buffer }> {
  const field = (body as Record<string, unknown> | undefined)?.[name] as MultipartField | undefined;
  if (field?.type !== 'file' || !field.toBuffer || !field.filename) {
    throw new ValidationError([{ field: name, message: 'Select a CSV or Excel (.xlsx) file to upload' }]);
  }
  const bytes = await field.toBuffer();
  if (!bytes.length) throw new ValidationError([{ field: name, message: 'The selected file is empty' }]);
  return { fileName: field.filename, bytes };
}
