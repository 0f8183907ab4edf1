import type { FastifyReply } from 'fastify';

/** The one place the download content types and the attachment header are written. */
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const attachment = (filename: string) => `attachment; filename="${filename}"`;

/** Replies with a CSV file download (`filename` includes `.csv`). */
export function sendCsv(reply: FastifyReply, filename: string, csv: string) {
  return reply.type('text/csv; charset=utf-8').header('Content-Disposition', attachment(filename)).send(csv);
}

/** Replies with an XLSX workbook download (`filename` includes `.xlsx`). */
export function sendXlsx(reply: FastifyReply, filename: string, bytes: Uint8Array | Buffer) {
  return reply.type(XLSX_TYPE).header('Content-Disposition', attachment(filename)).send(bytes);
}

/** Replies with a JSON file download (`filename` includes `.json`). */
export function sendJsonFile(reply: FastifyReply, filename: string, json: string) {
  return reply.type('application/json; charset=utf-8').header('Content-Disposition', attachment(filename)).send(json);
}
