// @ts-check
import eslint from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    ignores: [
      "dist/",
      "node_modules/",
      "examples/**/node_modules/",
      // Local state of the demo and of Pulumi runs (git-ignored)
      ".demo-state/",
      ".pulumi/",
      // Generated from ../shared/isc-openapi by npm run generate:api-types
      "provider/client/generated/",
    ],
  },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Provider and client methods are async to honour Promise-returning interfaces, with or without an await.
      "@typescript-eslint/require-await": "off",
      // Input checks refuse control characters on purpose, so their patterns name them.
      "no-control-regex": "off",
      // Errors are rethrown with the caught error's message only, on purpose: a `cause` would carry whatever the
      // caught error holds into the plugin's stderr; behaviour stays as it was.
      "preserve-caught-error": "off",
      // A `let` read by a closure before its one assignment cannot be a const.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // Prettier wraps code at 120; this catches the strings, comments and template literals it cannot wrap.
      "max-len": ["error", { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    // The harness and the serialized test providers require modules at run time from paths chosen then.
    files: ["harness/**/*.ts", "tests/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Examples compile against the installed package in their own folder (no node_modules here).
    files: ["examples/**/*.ts"],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // Tests read untyped JSON answers, and chai's assertions are expressions (`expect(x).to.be.true`).
    files: ["tests/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-expressions": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    files: ["**/*.mjs", "**/*.js"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
