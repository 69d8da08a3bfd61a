import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  API_TYPE_FILES,
  CONTRACT_DIR,
  contractAvailable,
  generateApiTypes,
  REPO_ROOT,
} from "../../../scripts/generate-api-types";

describe("client API types generated from the OpenAPI contract", function () {
  this.timeout(120_000);

  before(function () {
    if (!contractAvailable()) {
      // Visible in the test output: the check did not run, it did not pass.
      console.warn(
        `    SKIPPED: the OpenAPI contract is not at ${CONTRACT_DIR}; the generated API types were not checked`,
      );
      this.skip();
    }
  });

  for (const file of API_TYPE_FILES) {
    it(`${file.output} is what openapi-typescript makes of ${file.spec} (run npm run generate:api-types)`, async () => {
      const committed = readFileSync(path.join(REPO_ROOT, file.output), "utf8");
      expect(
        committed === (await generateApiTypes(file.spec)),
        `${file.output} is stale: run npm run generate:api-types`,
      ).to.equal(true);
    });
  }
});
