// ESLint for the whole project: ESLint's and typescript-eslint's recommended rules, and the floors of
// components/ (below). Formatting is Prettier's job (.prettierrc); `npm run lint` runs both.
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");
const pulumi = require("@pulumi/eslint-plugin");
const { defineConfig, globalIgnores } = require("eslint/config");

// components/ is built in floors, and a file imports only from its own folder and the floors below:
// core/ (value rules, public types, defaults, layouts) imports nothing of ours; the concerns
// authenticator/, aws/ and kops/ import only core/; settings/ (KopsIamCluster's args, their table
// and check) imports those; the recipe (kopsIamCluster.ts) imports all of them; the stack config
// (config/) sits on top. A test file's imports are not limited.
const concerns = ["authenticator", "aws", "kops"];
const floorRule = (message, ...regexes) => ({
    "no-restricted-imports": ["error", { patterns: regexes.map((regex) => ({ regex, message })) }],
});
const floors = [
    {
        files: ["components/core/**/*.ts"],
        rules: floorRule("core/ is the ground floor: it imports nothing of this package from outside core/.", "^\\.\\./"),
    },
    ...concerns.map((concern) => ({
        files: [`components/${concern}/**/*.ts`],
        rules: floorRule(
            `${concern}/ is a concern: it imports only from itself and the ground floor, ../core.`,
            "^\\.\\./(?!core(/|$))",
            "^\\.\\./\\.\\./",
        ),
    })),
    {
        files: ["components/settings/**/*.ts"],
        rules: floorRule(
            "settings/ imports the concerns and the ground floor, never the recipe or the stack config above it.",
            "^\\.\\./(kopsIamCluster|config|index)(/|$)",
            "^\\.\\./\\.\\./",
        ),
    },
    {
        files: ["components/kopsIamCluster.ts"],
        rules: floorRule(
            "The recipe imports the concerns and the ground floor, never the stack config above it.",
            "^\\./(config|index)(/|$)",
        ),
    },
];

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
            // plan or test, the plugin directory) or loaded only when needed (kopsHelper.ts's yaml and spec
            // patch, the stub kops' yaml); everything else is an import.
            "@typescript-eslint/no-require-imports": "off",
            // Destructuring a property away to keep the rest (`const { a, ...rest } = x`) is an idiom here.
            "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
        },
    },
    ...floors,
    {
        // Pulumi's own rules where Outputs flow: an Output in a plain template literal renders as a
        // warning text instead of its value (pulumi.interpolate or apply is meant). They need the types,
        // so only these files are linted with the type checker (typed linting of the whole tree is slow).
        files: ["components/**/*.ts", "index.ts", "tools/**/*.ts", "tests/consumers/**/*.ts"],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
        plugins: { pulumi },
        rules: {
            "pulumi/no-output-in-template-literal": "error",
            "pulumi/no-output-instance-in-template-literal": "error",
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
