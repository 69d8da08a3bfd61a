/**
 * The default `pulumi-nodejs` provider as the engine keeps it in state: a provider resource whose inputs are
 * the stack config of the last `up`, secret values encrypted by the stack's secrets provider.
 *
 * - pkg/resource/deploy/providers/registry.go: a provider is configured from ITS INPUTS; on refresh and destroy
 *   (and `preview --refresh`) the registry loads the providers recorded in the old snapshot, so they run with the
 *   config stored by the last `up`, not the config on disk now. `up` (or `--run-program`) registers the default
 *   provider again with the current config (default_providers.go), which is what replaces the stored inputs.
 * - Secrets: the passphrase secrets provider derives a key from the passphrase and a salt kept with the stack;
 *   values are stored as ciphertext. Here: scrypt(passphrase, salt) and AES-256-GCM, same shape, not the same bytes.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";

export type StoredConfigValue = string | { secure: string };

export interface StoredDefaultProvider {
  /** Base64 salt of the key that encrypts the secure values. */
  salt: string;
  inputs: Record<string, StoredConfigValue>;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;

function keyOf(passphrase: string, salt: Buffer): Buffer {
  return scryptSync(passphrase, salt, KEY_BYTES);
}

function encrypt(value: string, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const sealed = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), sealed.toString("base64")].join(":");
}

function decrypt(secure: string, key: Buffer): string {
  const [version, iv, tag, sealed] = secure.split(":");
  if (version !== "v1" || iv === undefined || tag === undefined || sealed === undefined)
    throw new Error("unreadable secure value in state");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(sealed, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("cannot decrypt the default provider's secret inputs in state: wrong secrets passphrase");
  }
}

/** What an `up` records: the config it configured the provider with, the keys in `secretKeys` encrypted. */
export function storeProviderConfig(
  config: Readonly<Record<string, string>>,
  secretKeys: ReadonlySet<string>,
  passphrase: string,
): StoredDefaultProvider {
  const salt = randomBytes(16);
  const key = keyOf(passphrase, salt);
  const inputs: Record<string, StoredConfigValue> = {};
  for (const [name, value] of Object.entries(config))
    inputs[name] = secretKeys.has(name) ? { secure: encrypt(value, key) } : value;
  return { salt: salt.toString("base64"), inputs };
}

/** The config a command that configures from state (refresh, destroy) sends to Configure. */
export function loadProviderConfig(stored: StoredDefaultProvider, passphrase: string): Record<string, string> {
  const key = keyOf(passphrase, Buffer.from(stored.salt, "base64"));
  return Object.fromEntries(
    Object.entries(stored.inputs).map(([name, value]) => [
      name,
      typeof value === "string" ? value : decrypt(value.secure, key),
    ]),
  );
}
