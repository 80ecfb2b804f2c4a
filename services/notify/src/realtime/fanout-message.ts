import { z } from 'zod';

/** Who an item is for and its id: `[tenant, recipient, id]`. */
const itemHeaderSchema = z.tuple([z.string().min(1), z.string().min(1), z.string().min(1)]);

export interface FanoutItem {
  tenant: string;
  recipient: string;
  id: string;
  /** The client frame, serialised once (JSON text without line breaks). */
  message: string;
}

/**
 * The Redis message announcing one committed batch, as text: the origin replica's id on the first
 * line, then one line per notification, `["<tenant>","<recipient>","<id>"]` TAB `<frame>`. JSON
 * never contains a raw line break or tab, so the frames travel as they are (not escaped inside another
 * JSON document), and a replica recognises its own announcement from the first bytes without decoding
 * the rest.
 */
export function encodeBatch(origin: string, items: readonly FanoutItem[]): string {
  let text = origin;
  for (const { tenant, recipient, id, message } of items) text += `\n${JSON.stringify([tenant, recipient, id])}\t${message}`;
  return text;
}

/** The items of an announcement (without its origin line); throws on a malformed line. */
export function decodeItems(text: string): FanoutItem[] {
  const lines = text.split('\n');
  return lines.slice(1).map((line) => {
    const tab = line.indexOf('\t');
    const [tenant, recipient, id] = itemHeaderSchema.parse(JSON.parse(tab < 0 ? line : line.slice(0, tab)));
    const message = tab < 0 ? '' : line.slice(tab + 1);
    if (message === '') throw new Error(`item ${id} has no frame`);
    return { tenant, recipient, id, message };
  });
}
