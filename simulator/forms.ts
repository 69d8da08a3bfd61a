/**
 * Form bodies as ISC reads them: multipart/form-data (parsed by Node's built-in WHATWG fetch,
 * i.e. undici's spec-conformant multipart parser) and application/x-www-form-urlencoded.
 */
import type { IncomingHttpHeaders } from "node:http";
import { mediaType } from "./api";

export class FormBodyError extends Error {}

/** Parses a multipart/form-data body; throws FormBodyError when it cannot be read. */
export async function multipartForm(contentType: string, body: Buffer): Promise<FormData> {
  try {
    return await new Request("http://simulator.invalid/", {
      method: "POST",
      headers: { "content-type": contentType },
      body,
    }).formData();
  } catch {
    throw new FormBodyError("The multipart/form-data body could not be parsed");
  }
}

/**
 * The text fields of a form body, multipart or urlencoded (an empty or untyped body reads as
 * urlencoded); undefined for any other media type. Throws FormBodyError for unreadable multipart.
 */
export async function formFields(headers: IncomingHttpHeaders, body: Buffer): Promise<URLSearchParams | undefined> {
  const type = mediaType(headers);
  if (type === "" || type === "application/x-www-form-urlencoded") return new URLSearchParams(body.toString("utf8"));
  if (type !== "multipart/form-data") return undefined;
  const fields = new URLSearchParams();
  for (const [name, value] of await multipartForm(headers["content-type"] ?? "", body)) {
    if (typeof value === "string") fields.append(name, value);
  }
  return fields;
}
