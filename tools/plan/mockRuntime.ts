// Pulumi's mock runtime, recording every resource registration with its inputs and options, for the
// plan tool and the tests alike. renderProgram runs a whole Pulumi program the way the Node.js
// language host does for `pulumi up` (config set, the program required inside the root Stack
// resource, its exports as stack outputs), with the providers' answers from ./fakeProviders;
// nothing leaves the process.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { fakeInvokeResult, fakeResourceState, unwrapSecrets } from "./fakeProviders";

/** One resource registration, as the engine would receive it. */
export interface RecordedResource {
    type: string;
    name: string;
    /** The resource's URN, as the mock monitor made it. */
    urn: string;
    /** False for component resources (and the root Stack). */
    custom: boolean;
    /** Inputs as the engine gets them: secrets still wrapped (see fakeProviders.isSecretValue). Typed loosely for reading. */
    inputs: Record<string, any>;
    /** Inputs with the secret wrappers removed: for comparing values, never for writing them. */
    plainInputs: Record<string, any>;
    /** What a component registered with registerOutputs (secrets wrapped); empty for custom resources. */
    outputs: Record<string, unknown>;
    /** Resource options as the SDK sent them to the engine (the mock API itself does not pass them). */
    options: RecordedOptions;
}

/** The resource options of a registration, read from the SDK's RegisterResource request. */
export interface RecordedOptions {
    /** The parent's URN, "" for the root Stack. */
    parent: string;
    /** URNs this resource depends on: dependsOn (expanded to a component's children) and the resources its inputs come from. */
    dependencies: string[];
    /** Per input: the resources its value comes from (through outputs, apply included). */
    propertyDependencies: Record<string, string[]>;
    /** The provider reference (`<provider urn>::<id>`), "" for the default provider. */
    provider: string;
    deleteBeforeReplace: boolean;
    additionalSecretOutputs: string[];
    replaceOnChanges: string[];
    /** The replacementTrigger option's value (a change replaces the resource); undefined when unset. */
    replacementTrigger: unknown;
    /** URNs whose replacement replaces this resource too (replaceWith). */
    replaceWith: string[];
    /** retainOnDelete: the provider's delete is never called. */
    retainOnDelete: boolean;
    ignoreChanges: string[];
    /** customTimeouts; "" where unset. */
    customTimeouts: { create: string; update: string; delete: string };
}

function recordedOptions(request: any): RecordedOptions {
    const timeouts = request.getCustomtimeouts?.();
    const propertyDependencies: Record<string, string[]> = {};
    request.getPropertydependenciesMap().forEach((dependencies: any, input: string) => {
        propertyDependencies[input] = dependencies.getUrnsList();
    });
    return {
        parent: request.getParent(),
        dependencies: request.getDependenciesList(),
        propertyDependencies,
        provider: request.getProvider(),
        deleteBeforeReplace: request.getDeletebeforereplace(),
        additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
        replaceOnChanges: request.getReplaceonchangesList(),
        replacementTrigger: request.hasReplacementTrigger() ? request.getReplacementTrigger().toJavaScript() : undefined,
        replaceWith: request.getReplaceWithList(),
        retainOnDelete: request.getRetainondelete() ?? false,
        ignoreChanges: request.getIgnorechangesList(),
        customTimeouts: { create: timeouts?.getCreate() ?? "", update: timeouts?.getUpdate() ?? "", delete: timeouts?.getDelete() ?? "" },
    };
}

/** The @pulumi/pulumi module: this tool's own, or the copy another project's program loads (sdkFor). */
export type PulumiSdk = typeof pulumi;

/**
 * The @pulumi/pulumi a program in `projectDir` loads. A project that installed its own copy (one
 * that uses this package from npm) registers its resources through that copy's runtime, so the
 * mocks must be installed there; for this repository it is the module this tool imports.
 */
export function sdkFor(projectDir: string): PulumiSdk {
    return require(require.resolve("@pulumi/pulumi", { paths: [projectDir] }));
}

/** The providers' side of the mocks: a new resource's state (its outputs), a provider function's result. */
export interface FakeProviders {
    newResource(args: pulumi.runtime.MockResourceArgs): Record<string, unknown>;
    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown>;
}

/** The organization a stack on a self-managed (DIY) backend reports, as `pulumi up` there does. */
const defaultOrganization = "organization";

/**
 * Installs Pulumi's mocks answering from `providers`, and records every registration (in order)
 * into the returned list: its inputs, the options the SDK sent, the URN the monitor made, and what a
 * component registers as outputs. Call it before any resource is constructed.
 */
export async function installRecordingMocks(providers: FakeProviders,
    target: { project: string; stack: string; preview?: boolean; organization?: string }, sdk: PulumiSdk = pulumi): Promise<RecordedResource[]> {
    const resources: RecordedResource[] = [];
    // Handed from the monitor's registerResource to newResource, which the mock monitor calls synchronously.
    let pendingOptions: RecordedOptions | undefined;
    let last: RecordedResource | undefined;
    await sdk.runtime.setMocks({
        newResource(args) {
            last = {
                type: args.type, name: args.name, urn: "", custom: args.custom ?? true,
                inputs: args.inputs, plainInputs: unwrapSecrets(args.inputs) as Record<string, any>, outputs: {},
                options: pendingOptions!,
            };
            pendingOptions = undefined;
            resources.push(last);
            return { id: args.custom === false ? undefined : `${args.name}-id`, state: providers.newResource(args) };
        },
        call(args) {
            return providers.call(args);
        },
    }, target.project, target.stack, target.preview ?? false, target.organization ?? defaultOrganization);

    // The mock API gives newResource no options: read them from the request, the URN from the response.
    const monitor = sdk.runtime.getMonitor() as any;
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request: any, callback: (error: unknown, response: any) => void) => {
        pendingOptions = recordedOptions(request);
        last = undefined;
        // Assigned once registerResource returns; its callback, which runs later, reads it.
        // eslint-disable-next-line prefer-const
        let recorded: RecordedResource | undefined;
        const done = registerResource(request, (error: unknown, response: any) => {
            if (!error && recorded) {
                recorded.urn = response.getUrn();
            }
            callback(error, response);
        });
        recorded = last;
        return done;
    };
    const registerResourceOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (request: any, callback: (error: unknown, response: any) => void) => {
        const resource = resources.find((r) => r.urn === request.getUrn());
        if (resource) {
            resource.outputs = sdk.runtime.deserializeProperties(request.getOutputs());
        }
        return registerResourceOutputs(request, callback);
    };
    return resources;
}

/**
 * Waits until every registration started so far has reached the monitor: the SDK's own wait for
 * outstanding RPCs (internal, used by its language host), repeated while applies that ran meanwhile
 * registered more.
 */
export async function settleRegistrations(resources: RecordedResource[], sdk: PulumiSdk = pulumi): Promise<void> {
    const runtime = sdk.runtime as unknown as { waitForRPCs?: () => Promise<void> };
    for (let before = -1; before !== resources.length;) {
        before = resources.length;
        await runtime.waitForRPCs?.();
        for (let i = 0; i < 5; i++) {
            await new Promise((resolve) => setImmediate(resolve));
        }
    }
}

export interface ProgramRendering {
    project: string;
    stack: string;
    /** In registration order. */
    resources: RecordedResource[];
    /** The stack outputs (the program's exports) as the root Stack registers them: secrets wrapped. */
    outputs: Record<string, unknown>;
    /** Warnings the program logged (pulumi.log.warn), which `pulumi up` would print too. */
    warnings: string[];
}

export interface RenderOptions {
    /** The project directory: the working directory of the program, as under `pulumi up`. */
    projectDir: string;
    /** The program's entry file (absolute, or relative to projectDir). */
    program: string;
    project: string;
    stack: string;
    /** Config as the engine passes it: `<namespace>:<key>` → string. */
    config: Record<string, string>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The program failed: what it threw (a ConfigError, say) or logged as errors, each once. */
export class ProgramError extends Error {
    public readonly errors: unknown[];

    constructor(errors: unknown[]) {
        // One failure often arrives twice: thrown, and again as the rejection of what awaited it.
        const unique = errors.filter((e, i) => errors.findIndex((other) => messageOf(other) === messageOf(e)) === i);
        super(unique.map(messageOf).join("\n"));
        this.name = "ProgramError";
        this.errors = unique;
    }
}

/**
 * Takes the project's own modules (not node_modules, not this tool) out of the require cache, so
 * that the next require evaluates the program afresh: each rendering reads its own config instead of
 * reusing an earlier one's module state. Returns a function that puts the cache back as it was, so a
 * rendering leaves the modules its caller already holds (a test process, say) untouched.
 */
function isolateProjectModules(projectDir: string, program: string): () => void {
    const toolDir = __dirname + path.sep;
    const isProjectModule = (file: string) => file === program || (file.startsWith(projectDir + path.sep)
        && !file.includes(`${path.sep}node_modules${path.sep}`) && !file.startsWith(toolDir));
    const saved = Object.entries(require.cache).filter(([file]) => isProjectModule(file));
    for (const [file] of saved) {
        delete require.cache[file];
    }
    return () => {
        for (const file of Object.keys(require.cache).filter(isProjectModule)) {
            delete require.cache[file];
        }
        for (const [file, module] of saved) {
            require.cache[file] = module;
        }
    };
}

/** The JavaScript each project TypeScript file compiled to, with the source it came from. */
const transpiled = new Map<string, { source: string; javascript: string }>();

/**
 * While a rendering requires the project's modules afresh, a TypeScript file whose source is
 * unchanged runs the JavaScript it compiled to before instead of being transpiled again (most of a
 * rendering's time otherwise). Wraps the `.ts` loader (ts-node's, when it is registered); returns the
 * function that puts it back.
 */
function reuseTranspiledModules(): () => void {
    type Loader = (module: NodeJS.Module & { _compile(code: string, file: string): unknown }, file: string) => void;
    const extensions = require.extensions as unknown as Record<string, Loader | undefined>;
    const load = extensions[".ts"];
    if (load === undefined) {
        return () => {};
    }
    extensions[".ts"] = (module, file) => {
        const source = fs.readFileSync(file, "utf8");
        const known = transpiled.get(file);
        if (known?.source === source) {
            module._compile(known.javascript, file);
            return;
        }
        // The loader transpiles and hands the JavaScript to module._compile: record it on the way.
        const compile = module._compile;
        module._compile = function (javascript: string, name: string) {
            transpiled.set(file, { source, javascript });
            return compile.call(this, javascript, name);
        };
        load(module, file);
    };
    return () => {
        extensions[".ts"] = load;
    };
}

/**
 * Renders the program once under mocks and returns every registration and the stack outputs. The
 * process is left as it was found (working directory, config, module cache, console), except that
 * Pulumi's mocks stay installed.
 */
export async function renderProgram(options: RenderOptions): Promise<ProgramRendering> {
    const projectDir = path.resolve(options.projectDir);
    const program = path.resolve(projectDir, options.program);
    const errors: unknown[] = [];
    const warnings: string[] = [];
    const region = options.config["aws:region"];

    const onAsyncError = (error: unknown) => { errors.push(error); };
    process.on("unhandledRejection", onAsyncError);
    process.on("uncaughtException", onAsyncError);
    // pulumi.log without an engine writes `warning: [runtime] ...` and `error: [runtime] ...` to the
    // console; an error logged so fails `pulumi up` as a thrown one does. Other output passes through.
    const consoleWarn = console.warn;
    const consoleError = console.error;
    console.warn = (...args: unknown[]) => {
        const text = args.map(String).join(" ");
        return text.startsWith("warning: [runtime] ") ? warnings.push(text.slice(19)) : consoleWarn(...args);
    };
    console.error = (...args: unknown[]) => {
        const text = args.map(String).join(" ");
        return text.startsWith("error: [runtime] ") ? errors.push(text.slice(17)) : consoleError(...args);
    };
    const workingDir = process.cwd();
    process.chdir(projectDir);
    const restoreModules = isolateProjectModules(projectDir, program);
    const restoreLoader = reuseTranspiledModules();
    const sdk = sdkFor(projectDir);
    const savedConfig = sdk.runtime.allConfig();
    try {
        sdk.runtime.setAllConfig(options.config);
        const resources = await installRecordingMocks({
            newResource: (args) => fakeResourceState(args.type, args.name, args.inputs),
            call: (args) => fakeInvokeResult(args.token, args.inputs, region),
        }, { project: options.project, stack: options.stack }, sdk);

        try {
            // As the language host runs a CommonJS program: its exports, or what its exported function returns.
            await sdk.runtime.runInPulumiStack(async () => {
                const exported = require(program);
                return exported instanceof Function ? exported() : exported;
            });
        } catch (error) {
            errors.push(error);
        }
        await settleRegistrations(resources, sdk);
        if (errors.length > 0) {
            throw new ProgramError(errors);
        }
        const root = resources.find((r) => r.options.parent === "" && r.type === "pulumi:pulumi:Stack");
        return { project: options.project, stack: options.stack, resources, outputs: root?.outputs ?? {}, warnings };
    } finally {
        sdk.runtime.setAllConfig(savedConfig);
        restoreLoader();
        restoreModules();
        process.chdir(workingDir);
        console.warn = consoleWarn;
        console.error = consoleError;
        process.off("unhandledRejection", onAsyncError);
        process.off("uncaughtException", onAsyncError);
    }
}
