/**
 * The ISC API contract (../shared/isc-openapi, beside the repo) as ajv validators, for contract
 * tests. Schemas are OpenAPI 3.0, converted with @openapi-contrib/openapi-schema-to-json-schema and
 * compiled with ajv + ajv-formats exactly as the contract's README shows.
 *
 *   describeContract("my client", (contract) => {
 *     it("answers like the spec", () => {
 *       const validate = contract.responseValidator("v3", "/accounts/{id}", "get", 200);
 *       expectValid(validate, body);
 *     });
 *   });
 *
 * When the directory is absent, describeContract prints a visible skip line and skips its tests.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fromSchema } from "@openapi-contrib/openapi-schema-to-json-schema";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { ROUTES, type ApiGeneration, type RouteName } from "../../provider/client/routes";

/**
 * The three contract files: v3 accounts/sources, v2025 task-status/load/classify, and per-service (/accounts/v1, ...).
 */
export type ContractFile = "v3" | "v2025" | "per-service";

export const CONTRACT_FILES: Readonly<Record<ContractFile, string>> = {
  v3: "isc-v3-accounts.openapi.json",
  v2025: "isc-v2025-classify.openapi.json",
  "per-service": "isc-v1-per-service.openapi.json",
};

export const CONTRACT_SKIP_MESSAGE =
  "  (skipped: ../shared/isc-openapi not found; contract tests need it beside the repo)";

const METHODS = ["get", "put", "post", "delete", "patch"] as const;
export type ContractMethod = (typeof METHODS)[number];

interface OpenApiMediaType {
  schema?: object;
}
interface OpenApiResponse {
  description?: string;
  content?: Record<string, OpenApiMediaType>;
}
interface OpenApiOperation {
  operationId?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content?: Record<string, OpenApiMediaType> };
  responses?: Record<string, OpenApiResponse>;
}
/** The parts of an OpenAPI document the helpers read. */
export interface OpenApiDocument {
  paths: Record<string, Partial<Record<ContractMethod, OpenApiOperation>>>;
  components: { schemas: Record<string, object> };
}

export interface ContractOperation {
  file: ContractFile;
  path: string;
  method: ContractMethod;
  operationId: string;
  /** Declared response statuses, e.g. ["202", "400", "401", ...]. */
  statuses: string[];
}

export interface Contract {
  /** Absolute path of the isc-openapi directory. */
  dir: string;
  spec(file: ContractFile): OpenApiDocument;
  /** Every operation of a file (or of all three). */
  operations(file?: ContractFile): ContractOperation[];
  /**
   * Validator of the JSON body of a declared response, or undefined when that response declares no
   * body. Throws when the operation or the status is not in the contract.
   */
  responseValidator(
    file: ContractFile,
    path: string,
    method: string,
    status: number | string,
  ): ValidateFunction | undefined;
  /**
   * Validator of the request body of an operation for a media type (default application/json); undefined when none is
   * declared.
   */
  requestBodyValidator(
    file: ContractFile,
    path: string,
    method: string,
    mediaType?: string,
  ): ValidateFunction | undefined;
  /** Validator of a named component schema (v3/v2025 names are PascalCase, per-service names lowercase). */
  schemaValidator(file: ContractFile, name: string): ValidateFunction;
}

/** Where an operation of the product's route table is described in the contract. */
export interface RouteContract {
  file: ContractFile;
  /** The path as the contract spells it (per-service paths include /v1). */
  path: string;
  method: ContractMethod;
}

export function routeContract(name: RouteName, generation: ApiGeneration): RouteContract {
  const route = ROUTES[name];
  const method = route.method.toLowerCase() as ContractMethod;
  if (generation === "per-service") return { file: "per-service", path: route.perService, method };
  return { file: route.versioned.apiVersion, path: route.versioned.path, method };
}

/** The repository root: the nearest directory upwards whose package.json is named "pulumi-isc-accounts". */
export function findRepoRoot(start: string = __dirname): string | undefined {
  let dir = start;
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "pulumi-isc-accounts")
          return dir;
      } catch {
        // not a readable manifest: keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** ../shared/isc-openapi relative to the repo root, or undefined when it is not there. */
export function findContractDir(): string | undefined {
  const root = findRepoRoot();
  if (!root) return undefined;
  const dir = join(root, "..", "shared", "isc-openapi");
  return Object.values(CONTRACT_FILES).every((file) => existsSync(join(dir, file))) ? dir : undefined;
}

function createContract(dir: string): Contract {
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  const specs = new Map<ContractFile, OpenApiDocument>();
  const validators = new Map<string, ValidateFunction>();

  const spec = (file: ContractFile): OpenApiDocument => {
    let document = specs.get(file);
    if (!document) {
      document = JSON.parse(readFileSync(join(dir, CONTRACT_FILES[file]), "utf8")) as OpenApiDocument;
      specs.set(file, document);
    }
    return document;
  };

  const compile = (key: string, schema: object): ValidateFunction => {
    let validate = validators.get(key);
    if (!validate) {
      const { $schema, ...jsonSchema } = fromSchema(schema as Parameters<typeof fromSchema>[0]);
      validate = ajv.compile(jsonSchema);
      validators.set(key, validate);
    }
    return validate;
  };

  const operation = (file: ContractFile, path: string, method: string): OpenApiOperation => {
    const found = spec(file).paths[path]?.[method.toLowerCase() as ContractMethod];
    if (!found) throw new Error(`contract ${file} has no operation ${method.toUpperCase()} ${path}`);
    return found;
  };

  return {
    dir,
    spec,
    operations: (file) => {
      const files = file ? [file] : (Object.keys(CONTRACT_FILES) as ContractFile[]);
      return files.flatMap((name) =>
        Object.entries(spec(name).paths).flatMap(([path, item]) =>
          METHODS.filter((method) => item[method]).map((method) => ({
            file: name,
            path,
            method,
            operationId: item[method]?.operationId ?? `${method} ${path}`,
            statuses: Object.keys(item[method]?.responses ?? {}),
          })),
        ),
      );
    },
    responseValidator: (file, path, method, status) => {
      const response = operation(file, path, method).responses?.[String(status)];
      if (!response) throw new Error(`contract ${file} declares no ${status} for ${method.toUpperCase()} ${path}`);
      const schema = response.content?.["application/json"]?.schema;
      return schema ? compile(`${file} ${method} ${path} ${status}`, schema) : undefined;
    },
    requestBodyValidator: (file, path, method, mediaType = "application/json") => {
      const schema = operation(file, path, method).requestBody?.content?.[mediaType]?.schema;
      return schema ? compile(`${file} ${method} ${path} request ${mediaType}`, schema) : undefined;
    },
    schemaValidator: (file, name) => {
      const schema = spec(file).components.schemas[name];
      if (!schema) throw new Error(`contract ${file} has no schema ${name}`);
      return compile(`${file} schema ${name}`, schema);
    },
  };
}

let cached: Contract | null | undefined;

/** The contract, or undefined when ../shared/isc-openapi is absent. Loaded once per process. */
export function loadContract(): Contract | undefined {
  if (cached === undefined) {
    const dir = findContractDir();
    cached = dir ? createContract(dir) : null;
  }
  return cached ?? undefined;
}

/** ajv's errors as one readable line each ("" when the value is valid). */
export function validationErrors(validate: ValidateFunction, value: unknown): string {
  if (validate(value)) return "";
  return (validate.errors ?? [])
    .map((error) => `${error.instancePath || "(root)"} ${error.message ?? ""} ${JSON.stringify(error.params)}`)
    .join("\n");
}

/** Throws an Error listing ajv's complaints when `value` does not validate. */
export function expectValid(validate: ValidateFunction, value: unknown, label = "value"): void {
  const errors = validationErrors(validate, value);
  if (errors !== "")
    throw new Error(`${label} does not match the contract:\n${errors}\n${JSON.stringify(value).slice(0, 2000)}`);
}

/**
 * A mocha `describe` whose body receives the contract; without ../shared/isc-openapi it prints
 * CONTRACT_SKIP_MESSAGE and its single test is skipped.
 */
export function describeContract(title: string, body: (this: Mocha.Suite, contract: Contract) => void): void {
  describe(title, function () {
    const contract = loadContract();
    if (!contract) {
      it("needs ../shared/isc-openapi beside the repo", function () {
        console.log(CONTRACT_SKIP_MESSAGE);
        this.skip();
      });
      return;
    }
    body.call(this, contract);
  });
}
