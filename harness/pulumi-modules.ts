/**
 * The gRPC and protobuf modules that @pulumi/pulumi itself uses, loaded from @pulumi/pulumi's own location.
 *
 * Why not `import "@grpc/grpc-js"`: neither grpc-js nor google-protobuf is a dependency of this project, and
 * the generated `ResourceProviderClient` checks credentials and messages against the module instances it
 * loaded itself. Resolving from @pulumi/pulumi guarantees we share those instances, hoisted or not.
 */
import { createRequire } from "node:module";

type Grpc = typeof import("@grpc/grpc-js");
type StructModule = typeof import("google-protobuf/google/protobuf/struct_pb");
type ProviderMessages = typeof import("@pulumi/pulumi/proto/provider_pb");
type ProviderServices = typeof import("@pulumi/pulumi/proto/provider_grpc_pb");
type StatusMessages = typeof import("@pulumi/pulumi/proto/status_pb");

const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));

export const grpc = pulumiRequire("@grpc/grpc-js") as Grpc;
export const structpb = pulumiRequire("google-protobuf/google/protobuf/struct_pb") as StructModule;
export const providerpb = pulumiRequire("./proto/provider_pb") as ProviderMessages;
export const providerGrpc = pulumiRequire("./proto/provider_grpc_pb") as ProviderServices;
export const statuspb = pulumiRequire("./proto/status_pb") as StatusMessages;
