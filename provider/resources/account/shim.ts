/**
 * The Account provider as Pulumi stores it in every resource's state (`__provider`). This module's
 * exports ARE that object, on purpose: Pulumi's closure serializer writes a value that is the
 * exports of a module under node_modules as `require("<package>/<path>")` (runtime/closure/
 * createClosure.ts, captureModuleAsync), a few hundred bytes, where it would copy the shim's code
 * into every resource's state (about 3 KB). At run time that require resolves from the Pulumi
 * program's directory, so it loads the package installed there. Outside node_modules (a program
 * inside this repository) the serializer copies the shim by value, which works the same.
 */
import { serializableProvider } from "../shared/serializable-provider";

export = serializableProvider("pulumi-isc-accounts/dist/provider/resources/account/provider.js");
