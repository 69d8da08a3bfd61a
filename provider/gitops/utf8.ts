/**
 * Strict UTF-8 decoding of definition files. Node's "utf8" decoding turns invalid bytes (a Latin-1
 * `é`, a UTF-16 file) into U+FFFD silently, and the account would then be created with a name
 * nobody wrote; here they are an error at the line that holds them.
 */
import { isUtf8 } from "node:buffer";

export type DecodedText = { ok: true; text: string } | { ok: false; line: number; message: string };

const strictUtf8 = new TextDecoder("utf-8", { fatal: true }); // also drops a leading BOM

function looksLikeUtf16(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
}

export function decodeUtf8(bytes: Uint8Array): DecodedText {
  try {
    return { ok: true, text: strictUtf8.decode(bytes) };
  } catch {
    const hint = looksLikeUtf16(bytes) ? "the file looks like UTF-16; save it as UTF-8" : "save the file as UTF-8";
    return { ok: false, line: firstInvalidLine(bytes), message: `not valid UTF-8 (${hint})` };
  }
}

/** 1-based line of the first invalid byte. A newline byte (0x0A) never occurs inside a UTF-8 sequence. */
function firstInvalidLine(bytes: Uint8Array): number {
  let line = 1;
  let start = 0;
  while (start <= bytes.length) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline;
    if (!isUtf8(bytes.subarray(start, end))) return line;
    if (newline === -1) break;
    line++;
    start = newline + 1;
  }
  return 1;
}
