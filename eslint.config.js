// ESLint for the whole project: ESLint's and typescript-eslint's recommended rules. Formatting is
// Prettier's job (.prettierrc); `npm run lint` runs both.
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");
const { defineConfig, globalIgnores } = require("eslint/config");

module.exports = defineConfig([
    globalIgnores(["dist/", "bin/", ".cache/", "plan/", "tests/fixtures/", "tests/golden/"]),
    js.configs.recommended,
    tseslint.configs.recommended,
    {
        rules: {
            // `any` marks the untyped boundaries on purpose: parsed YAML/JSON documents the code checks as it
            // reads them, Pulumi's dynamic-provider inputs and mock monitor (typed `any` by the SDK itself).
            "@typescript-eslint/no-explicit-any": "off",
            // require() loads modules resolved at run time (a project's own @pulumi/pulumi, the program under
            // plan or test, the plugin directory); everything static is an import.
            "@typescript-eslint/no-require-imports": "off",
            // Destructuring a property away to keep the rest (`const { a, ...rest } = x`) is an idiom here.
            "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
        },
    },
    {
        // The JavaScript here is CommonJS run by Node.js (this file, the engine test's project).
        files: ["**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: {
                require: "readonly",
                module: "writable",
                exports: "writable",
                process: "readonly",
                console: "readonly",
                __dirname: "readonly",
            },
        },
    },
]);
