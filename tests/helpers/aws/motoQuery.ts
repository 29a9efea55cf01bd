// moto_server's Query APIs (EC2, Auto Scaling, ELBv2, IAM) over plain HTTP, with a tiny XML reader: for
// the tests' own set-up and inspection, which through the aws CLI cost a Python start-up (~1 s of
// CPU) per call. What the product runs (the aws CLI in components/ scripts, kops) stays real; where
// a test's point is the aws CLI's behaviour, the test keeps the CLI.
//
// moto routes a request to a service by the credential scope of its Authorization header and, unless
// started with INITIAL_NO_AUTH_ACTION_COUNT, checks no signature: awsAuthorization sends a SigV4
// header with the service's scope and moto's fake access key (so the same account as the aws CLI's
// and kops' requests), and no real signature.
import { Moto } from "./moto";

/** An XML element: its local name (no namespace prefix), attributes, child elements and text. */
export interface XmlElement {
    name: string;
    attributes: Record<string, string>;
    children: XmlElement[];
    /** The element's own text (entities decoded), without its children's. */
    text: string;
}

function decodeEntities(text: string): string {
    return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (_, entity: string) => {
        if (entity.startsWith("#x")) {
            return String.fromCodePoint(parseInt(entity.slice(2), 16));
        }
        if (entity.startsWith("#")) {
            return String.fromCodePoint(parseInt(entity.slice(1), 10));
        }
        return { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" }[entity]!;
    });
}

function localName(name: string): string {
    return name.slice(name.indexOf(":") + 1);
}

/** Parses an XML document (as AWS answers: elements, attributes, text, CDATA) into its root element. */
export function parseXml(xml: string): XmlElement {
    const token =
        /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>|<!\[CDATA\[([\s\S]*?)\]\]>|<\/([^\s>]+)\s*>|<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
    const root: XmlElement = { name: "", attributes: {}, children: [], text: "" };
    const stack: XmlElement[] = [root];
    let consumed = 0;
    for (const match of xml.matchAll(token)) {
        if (match.index !== consumed) {
            throw new Error(`malformed XML at offset ${consumed}: ${xml.slice(consumed, consumed + 80)}`);
        }
        consumed = match.index + match[0].length;
        const [, cdata, closing, opening, attributeText, selfClosing, text] = match;
        const current = stack[stack.length - 1];
        if (cdata !== undefined) {
            current.text += cdata;
        } else if (closing !== undefined) {
            if (stack.length < 2 || current.name !== localName(closing)) {
                throw new Error(`malformed XML: </${closing}> closes <${current.name}>`);
            }
            stack.pop();
        } else if (opening !== undefined) {
            const attributes: Record<string, string> = {};
            for (const [, name, value] of (attributeText ?? "").matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
                attributes[name] = decodeEntities(value ?? "");
            }
            const element: XmlElement = { name: localName(opening), attributes, children: [], text: "" };
            current.children.push(element);
            if (!selfClosing) {
                stack.push(element);
            }
        } else if (text !== undefined) {
            current.text += decodeEntities(text);
        }
    }
    if (consumed !== xml.length || stack.length !== 1 || root.children.length !== 1) {
        throw new Error(`malformed XML (unclosed or not one root element): ${xml.slice(0, 200)}`);
    }
    return root.children[0];
}

/** The elements at `path` under `element`: `a/b/c`, each step the children of that name. */
export function elementsAt(element: XmlElement, path: string): XmlElement[] {
    return path
        .split("/")
        .reduce<XmlElement[]>((found, step) => found.flatMap((e) => e.children.filter((c) => c.name === step)), [element]);
}

/** The text of the first element at `path`, or undefined when there is none. */
export function textAt(element: XmlElement, path: string): string | undefined {
    return elementsAt(element, path)[0]?.text;
}

/** The texts of every element at `path`. */
export function textsAt(element: XmlElement, path: string): string[] {
    return elementsAt(element, path).map((e) => e.text);
}

/**
 * The items of the list at `path` (a `<...Set>` of `<item>`s in EC2, of `<member>`s elsewhere).
 * Throws when the list element itself is missing: a wrong path must fail, not read as "no items".
 */
export function itemsAt(element: XmlElement, path: string): XmlElement[] {
    const lists = elementsAt(element, path);
    if (lists.length !== 1) {
        throw new Error(`expected one <${path}> in <${element.name}>, found ${lists.length}`);
    }
    return lists[0].children.filter((c) => c.name === "item" || c.name === "member");
}

/** An AWS error answer: its HTTP status, code (`TargetGroupNotFound`, `BucketNotEmpty`) and message. */
export class AwsRequestError extends Error {
    constructor(
        readonly what: string,
        readonly status: number,
        readonly code: string,
        readonly awsMessage: string,
    ) {
        super(`${what}: HTTP ${status} ${code}: ${awsMessage}`);
    }
}

/** The error an AWS error document (`<Error><Code>` at any depth) describes. */
export function awsRequestError(what: string, status: number, body: string): AwsRequestError {
    let code = "";
    let message = body.slice(0, 500);
    try {
        const root = parseXml(body);
        const error = root.name === "Error" ? root : [root, ...root.children].flatMap((e) => elementsAt(e, "Error"))[0];
        if (error) {
            code = textAt(error, "Code") ?? "";
            message = textAt(error, "Message") ?? message;
        }
    } catch {
        // not XML: the body as it is
    }
    return new AwsRequestError(what, status, code, message);
}

/** The Authorization header that routes a request to `service` in moto (see the top of this file). */
export function awsAuthorization(moto: Pick<Moto, "env">, service: string): string {
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, "");
    const scope = `${moto.env.AWS_ACCESS_KEY_ID}/${day}/${moto.env.AWS_REGION}/${service}/aws4_request`;
    return `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host, Signature=${"0".repeat(64)}`;
}

/** The Query APIs used, with their signing names and versions. */
const queryServices = {
    ec2: { signingName: "ec2", version: "2016-11-15" },
    autoscaling: { signingName: "autoscaling", version: "2011-01-01" },
    elbv2: { signingName: "elasticloadbalancing", version: "2015-12-01" },
    iam: { signingName: "iam", version: "2010-05-08" },
} as const;

export type QueryService = keyof typeof queryServices;
export type QueryParams = Record<string, string | number | boolean>;

/** `Name.member.1`, `Name.member.2`, ...: a list parameter of Auto Scaling and ELBv2. */
export function memberList(name: string, values: string[]): QueryParams {
    return Object.fromEntries(values.map((value, i) => [`${name}.member.${i + 1}`, value]));
}

/** EC2 filters: `Filter.N.Name` and `Filter.N.Value.M`. */
export function ec2Filters(filters: Record<string, string[]>): QueryParams {
    return Object.fromEntries(
        Object.entries(filters).flatMap(([name, values], i) => [
            [`Filter.${i + 1}.Name`, name],
            ...values.map((value, j) => [`Filter.${i + 1}.Value.${j + 1}`, value]),
        ]),
    );
}

/** One Query API call to moto; resolves to the response's root element, rejects with AwsRequestError. */
export async function motoQuery(
    moto: Pick<Moto, "endpoint" | "env">,
    service: QueryService,
    action: string,
    params: QueryParams = {},
): Promise<XmlElement> {
    const { signingName, version } = queryServices[service];
    const body = new URLSearchParams({ Action: action, Version: version });
    for (const [name, value] of Object.entries(params)) {
        body.append(name, String(value));
    }
    const response = await fetch(`${moto.endpoint}/`, {
        method: "POST",
        headers: {
            "content-type": "application/x-www-form-urlencoded; charset=utf-8",
            authorization: awsAuthorization(moto, signingName),
        },
        body: body.toString(),
    });
    const text = await response.text();
    if (!response.ok) {
        throw awsRequestError(`${service} ${action}`, response.status, text);
    }
    return parseXml(text);
}

/**
 * A paginated Query API call: every page's items at `itemsPath` (under the response root), following
 * NextToken (`nextToken` in EC2) until the last page.
 */
export async function motoQueryAll(
    moto: Pick<Moto, "endpoint" | "env">,
    service: QueryService,
    action: string,
    params: QueryParams,
    itemsPath: string,
): Promise<XmlElement[]> {
    const items: XmlElement[] = [];
    let token: string | undefined;
    do {
        const root = await motoQuery(moto, service, action, token ? { ...params, NextToken: token } : params);
        items.push(...itemsAt(root, itemsPath));
        // EC2: <nextToken> under the root; Auto Scaling and ELBv2: <NextToken> under the <...Result>.
        const resultPath = itemsPath.split("/")[0];
        token =
            textAt(root, "nextToken") ||
            (resultPath.endsWith("Result") ? textAt(root, `${resultPath}/NextToken`) : undefined) ||
            undefined;
    } while (token);
    return items;
}
