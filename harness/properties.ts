/**
 * Property bags as the engine sends them to a provider plugin: plain JSON objects carried in a
 * `google.protobuf.Struct`, secrets already stripped (the dynamic provider answers Configure with
 * acceptSecrets=false), unknowns encoded as a sentinel string.
 */
import { isDeepStrictEqual } from "node:util";
import type { JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
import { structpb } from "./pulumi-modules";

export type PropertyMap = Record<string, unknown>;

/** The string the engine sends in place of a value that is unknown during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The key under which a dynamic resource carries its serialized provider. */
export const PROVIDER_KEY = "__provider";

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * Replaces Pulumi's secret wrapper `{<sig>: <secret sig>, value}` by its value, at any depth. The engine
 * does the same before calling a plugin that does not accept secrets.
 */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIG_KEY] === SECRET_SIG) return unwrapSecrets(record.value);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/**
 * Drops `undefined` members (a Struct cannot hold them, and the engine never sends them: the language SDK
 * omits them when it registers a resource).
 */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : withoutUndefined(v)));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, withoutUndefined(v)]),
  );
}

export function toStruct(properties: PropertyMap): Struct {
  return structpb.Struct.fromJavaScript(withoutUndefined(properties) as Record<string, JavaScriptValue>);
}

export function fromStruct(struct: Struct | undefined): PropertyMap {
  return struct ? struct.toJavaScript() : {};
}

/** Deep equality of two property bags, ignoring the serialized provider. */
export function equalIgnoringProvider(a: PropertyMap, b: PropertyMap): boolean {
  const { [PROVIDER_KEY]: _a, ...restA } = a;
  const { [PROVIDER_KEY]: _b, ...restB } = b;
  return isDeepStrictEqual(restA, restB);
}
