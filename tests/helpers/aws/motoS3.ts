// S3 on moto_server over plain HTTP (path-style), for the tests' own set-up and inspection of a
// bucket: create one, put, get, list and delete objects and their versions. Through the aws CLI
// each of these cost a Python start-up (~1 s of CPU); here they are one HTTP request each. What the
// product runs (the aws CLI in components/ scripts, kops' own S3 client) stays real.
// Requests carry moto's routing header (./motoQuery.ts awsAuthorization): moto checks no signature.
import { createHash } from "crypto";
import { Moto } from "./moto";
import { awsAuthorization, awsRequestError, elementsAt, parseXml, textAt, XmlElement } from "./motoQuery";

/** One object version, as ListObjectVersions lists it. */
export interface S3Version {
    Key: string;
    VersionId: string;
    IsLatest: boolean;
    LastModified: string;
    ETag: string;
    Size: number;
}

/** One delete marker, as ListObjectVersions lists it. */
export interface S3DeleteMarker {
    Key: string;
    VersionId: string;
    IsLatest: boolean;
    LastModified: string;
}

export interface S3Listing {
    versions: S3Version[];
    deleteMarkers: S3DeleteMarker[];
}

function escapeXml(text: string): string {
    return text.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

function requiredText(element: XmlElement, name: string): string {
    const text = textAt(element, name);
    if (text === undefined) {
        throw new Error(`<${element.name}> has no <${name}>`);
    }
    return text;
}

/** S3 calls on `moto`; each rejects with AwsRequestError (its `code`: NoSuchBucket, BucketNotEmpty, ...) on an error answer. */
export function motoS3(moto: Pick<Moto, "endpoint" | "env">) {
    async function request(
        method: string,
        bucket: string,
        key: string | undefined,
        query: Record<string, string> = {},
        body?: string,
        headers: Record<string, string> = {},
    ): Promise<string> {
        const keyPath = key === undefined ? "" : `/${key.split("/").map(encodeURIComponent).join("/")}`;
        const search = Object.entries(query)
            .map(([name, value]) =>
                value === "" ? encodeURIComponent(name) : `${encodeURIComponent(name)}=${encodeURIComponent(value)}`,
            )
            .join("&");
        const url = `${moto.endpoint}/${encodeURIComponent(bucket)}${keyPath}${search ? `?${search}` : ""}`;
        const response = await fetch(url, {
            method,
            headers: { authorization: awsAuthorization(moto, "s3"), "x-amz-content-sha256": "UNSIGNED-PAYLOAD", ...headers },
            body,
        });
        const text = await response.text();
        if (!response.ok) {
            throw awsRequestError(`s3 ${method} ${bucket}${keyPath}${search ? `?${search}` : ""}`, response.status, text);
        }
        return text;
    }

    return {
        async createBucket(bucket: string, options: { versioned?: boolean } = {}): Promise<void> {
            await request("PUT", bucket, undefined);
            if (options.versioned) {
                const configuration =
                    '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>';
                await request("PUT", bucket, undefined, { versioning: "" }, configuration);
            }
        },

        async deleteBucket(bucket: string): Promise<void> {
            await request("DELETE", bucket, undefined);
        },

        async putObject(bucket: string, key: string, content: string): Promise<void> {
            await request("PUT", bucket, key, {}, content);
        },

        async getObject(bucket: string, key: string): Promise<string> {
            return request("GET", bucket, key);
        },

        /** Deletes the object (a delete marker in a versioned bucket), or with `versionId` that version. */
        async deleteObject(bucket: string, key: string, versionId?: string): Promise<void> {
            await request("DELETE", bucket, key, versionId === undefined ? {} : { versionId });
        },

        /** DeleteObjects, 1000 at a time; rejects when S3 refuses any of them. */
        async deleteObjects(bucket: string, objects: Array<{ Key: string; VersionId?: string }>): Promise<void> {
            for (let i = 0; i < objects.length; i += 1000) {
                const body =
                    '<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>' +
                    objects
                        .slice(i, i + 1000)
                        .map(
                            (o) =>
                                `<Object><Key>${escapeXml(o.Key)}</Key>${o.VersionId === undefined ? "" : `<VersionId>${escapeXml(o.VersionId)}</VersionId>`}</Object>`,
                        )
                        .join("") +
                    "</Delete>";
                const result = parseXml(
                    await request("POST", bucket, undefined, { delete: "" }, body, {
                        "content-md5": createHash("md5").update(body).digest("base64"),
                    }),
                );
                const errors = elementsAt(result, "Error").map(
                    (e) => `${textAt(e, "Key")}: ${textAt(e, "Code")} ${textAt(e, "Message")}`,
                );
                if (errors.length > 0) {
                    throw new Error(`s3 DeleteObjects on ${bucket} refused: ${errors.join("; ")}`);
                }
            }
        },

        /** Every object version and delete marker (under `prefix`), all pages. */
        async listObjectVersions(bucket: string, prefix = ""): Promise<S3Listing> {
            const listing: S3Listing = { versions: [], deleteMarkers: [] };
            let markers: Record<string, string> = {};
            for (;;) {
                const page = parseXml(
                    await request("GET", bucket, undefined, { versions: "", ...(prefix ? { prefix } : {}), ...markers }),
                );
                // A delete marker has a version's fields except ETag and Size.
                const entry = (e: XmlElement) => ({
                    Key: requiredText(e, "Key"),
                    VersionId: requiredText(e, "VersionId"),
                    IsLatest: requiredText(e, "IsLatest") === "true",
                    LastModified: requiredText(e, "LastModified"),
                });
                for (const v of elementsAt(page, "Version")) {
                    listing.versions.push({ ...entry(v), ETag: requiredText(v, "ETag"), Size: Number(requiredText(v, "Size")) });
                }
                for (const m of elementsAt(page, "DeleteMarker")) {
                    listing.deleteMarkers.push(entry(m));
                }
                if (textAt(page, "IsTruncated") !== "true") {
                    return listing;
                }
                markers = {
                    "key-marker": requiredText(page, "NextKeyMarker"),
                    "version-id-marker": requiredText(page, "NextVersionIdMarker"),
                };
            }
        },

        /** The keys of the current objects (under `prefix`), all pages. */
        async listKeys(bucket: string, prefix = ""): Promise<string[]> {
            const keys: string[] = [];
            let token: Record<string, string> = {};
            for (;;) {
                const page = parseXml(
                    await request("GET", bucket, undefined, { "list-type": "2", ...(prefix ? { prefix } : {}), ...token }),
                );
                keys.push(...elementsAt(page, "Contents").map((c) => requiredText(c, "Key")));
                if (textAt(page, "IsTruncated") !== "true") {
                    return keys;
                }
                token = { "continuation-token": requiredText(page, "NextContinuationToken") };
            }
        },
    };
}

export type MotoS3 = ReturnType<typeof motoS3>;
