/** The attributes of a source's account schema, as the onboarding commands use them. */
import type { SourceSchema } from "../client/types";

export interface SchemaAttribute {
  name: string;
  isMulti: boolean;
}

/**
 * Named attributes in schema order (the OpenAPI contract marks `name` optional; a nameless one cannot be a column or
 * key).
 */
export function schemaAttributes(schema: SourceSchema | undefined): SchemaAttribute[] {
  return (schema?.attributes ?? []).flatMap((a) =>
    typeof a.name === "string" && a.name !== "" ? [{ name: a.name, isMulti: a.isMulti === true }] : [],
  );
}
