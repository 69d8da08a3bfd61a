import type * as pulumi from "@pulumi/pulumi";
import type { DesiredAttributeValue } from "../../engine/normalize";
import type { AccountFieldName, AccountFieldValue, RequiredFieldName } from "./fields";

/** A field as a Pulumi input; attribute values may themselves be outputs of other resources. */
type ArgOf<K extends AccountFieldName> = K extends "attributes"
  ? pulumi.Input<Record<string, pulumi.Input<DesiredAttributeValue>>>
  : pulumi.Input<AccountFieldValue<K>>;

/** Inputs of an `Account`, derived from the field declaration (fields.ts; README "The Account resource"). */
export type AccountArgs = { [K in RequiredFieldName]: ArgOf<K> } & {
  [K in Exclude<AccountFieldName, RequiredFieldName>]?: ArgOf<K>;
};
