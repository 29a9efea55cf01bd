// What the mock monitor keeps as each resource's outputs: the state a custom resource's (mock)
// provider returned, and the outputs a component registered (registerOutputs). The engine would
// store these in the stack's state, so a secret must stay wrapped in them too.
import * as pulumi from "@pulumi/pulumi";

/** Every registered resource's outputs, serialized as the engine gets them (secrets wrapped). */
export function registeredOutputs(): Array<{ type: string; name: string; inputs: Record<string, unknown> }> {
    const monitor: any = pulumi.runtime.getMonitor();
    const registered: Map<string, { urn: string; state: any }> = monitor.getRegisteredResources();
    return [...registered.values()].map(({ urn, state }) => {
        const [type, name] = urn.split("::").slice(-2);
        // A component's registered outputs arrive as a protobuf Struct, provider state as an object.
        const outputs = typeof state?.toJavaScript === "function" ? state.toJavaScript() : (state ?? {});
        return { type: `outputs of ${type.split("$").pop()}`, name, inputs: outputs };
    });
}
