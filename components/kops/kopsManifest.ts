// Reading and writing kOps' multi-document YAML (`kops create cluster --dry-run -o yaml`, or
// `kops get cluster -o yaml` joined with `kops get instancegroups -o yaml` as upsert-spec.sh does)
// with the `yaml` Document API, so that everything we do not touch (comments, key order, unknown
// fields, other documents) survives a patch.
import { Document, isMap, isScalar, Pair, parseAllDocuments, Scalar, YAMLMap } from "yaml";

/** The only API version kOps prints (`kops get -o yaml`); v1alpha3 names fields differently. */
export const kopsApiVersion = "kops.k8s.io/v1alpha2";

/** Output style of kOps itself: sequences not indented under their key, no line folding. */
const toStringOptions = { indentSeq: false, lineWidth: 0 } as const;

export interface KopsManifest {
    /** Every non-empty document, in input order. */
    documents: Document[];
    /** The one `kind: Cluster` document. */
    cluster: Document;
    /** The `kind: InstanceGroup` documents, in input order. */
    instanceGroups: Document[];
}

/** Parses kOps YAML; throws when it does not parse or does not hold exactly one v1alpha2 Cluster. */
export function parseKopsManifest(kopsYaml: string): KopsManifest {
    const parsed = parseAllDocuments(kopsYaml);
    const all = Array.isArray(parsed) ? parsed : [];
    for (const doc of all) {
        if (doc.errors.length > 0) {
            throw new Error(`the kOps YAML does not parse: ${doc.errors[0].message}`);
        }
    }
    const documents = all.filter((doc) => doc.contents !== null);
    const clusters = documents.filter((doc) => documentKind(doc) === "Cluster");
    if (clusters.length !== 1) {
        throw new Error(`the kOps YAML must hold exactly one document of kind Cluster, found ${clusters.length}`);
    }
    const cluster = clusters[0];
    const apiVersion = cluster.get("apiVersion");
    if (apiVersion !== kopsApiVersion) {
        throw new Error(
            `the Cluster has apiVersion ${JSON.stringify(apiVersion)}; only ${kopsApiVersion} ` +
                "(what `kops get -o yaml` prints) is supported",
        );
    }
    if (!isMap(cluster.get("spec"))) {
        throw new Error("the Cluster has no spec mapping");
    }
    return { documents, cluster, instanceGroups: documents.filter((doc) => documentKind(doc) === "InstanceGroup") };
}

/** Writes documents back the way kOps separates them: a blank line, `---`, the next document. */
export function serializeKopsManifest(documents: Document[]): string {
    return documents
        .map((doc, index) => {
            if (index > 0 && doc.directives) {
                doc.directives.docStart = true;
            }
            return doc.toString(toStringOptions);
        })
        .join("\n");
}

export function documentKind(doc: Document): unknown {
    return isMap(doc.contents) ? doc.get("kind") : undefined;
}

export function metadataName(doc: Document): unknown {
    return doc.getIn(["metadata", "name"]);
}

/** `spec` of a document that parseKopsManifest accepted (Cluster) or of an InstanceGroup, if a mapping. */
export function specOf(doc: Document): YAMLMap | undefined {
    const spec = doc.get("spec", true);
    return isMap(spec) ? spec : undefined;
}

/** kOps prints control-plane instance groups as `Master`; v1alpha3 and newer inputs may say `ControlPlane`. */
export function isControlPlaneRole(role: unknown): boolean {
    return role === "Master" || role === "ControlPlane";
}

export function instanceGroupRole(ig: Document): unknown {
    return ig.getIn(["spec", "role"]);
}

/** Plain JS value of a map entry (undefined when absent). */
export function plainValue(map: YAMLMap, key: string): unknown {
    const node = map.get(key, true);
    return node === undefined ? undefined : (node as { toJSON(): unknown }).toJSON();
}

/**
 * Sets `key` in `map`: an existing entry keeps its position (and a scalar its style), a new entry is
 * inserted where kOps' alphabetical key order puts it, so the next `kops get` prints the same order.
 */
export function setKeySorted(doc: Document, map: YAMLMap, key: string, value: unknown): void {
    map.flow = false;
    const existing = map.items.find((pair) => keyText(pair) === key);
    if (existing) {
        if (isScalar(existing.value) && (typeof value === "string" || typeof value === "number")) {
            existing.value.value = value;
        } else {
            existing.value = doc.createNode(value);
        }
        return;
    }
    const pair = new Pair(new Scalar(key), doc.createNode(value));
    const after = map.items.findIndex((item) => (keyText(item) ?? "") > key);
    map.items.splice(after === -1 ? map.items.length : after, 0, pair);
}

function keyText(pair: Pair): string | undefined {
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    return typeof key === "string" ? key : undefined;
}
