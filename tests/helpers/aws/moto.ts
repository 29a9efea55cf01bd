// A real AWS API emulator (moto_server) on 127.0.0.1, and the environment that keeps every AWS
// client pointed at it: no instance metadata, a region, fake static credentials, an explicit endpoint.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { freeLoopbackPort } from "../processes/processes";
import { findTool } from "../processes/tools";

export interface Moto {
    /** e.g. http://127.0.0.1:43117 */
    endpoint: string;
    /** Environment for aws CLI / SDK processes: loopback endpoint, fake credentials, no IMDS. */
    env: NodeJS.ProcessEnv;
    stop(): Promise<void>;
}

export const testRegion = "us-east-1";

async function waitForPort(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (child.exitCode !== null) {
            throw new Error(`moto_server exited with code ${child.exitCode}`);
        }
        const open = await new Promise<boolean>((resolve) => {
            const socket = net.connect(port, "127.0.0.1");
            socket.once("connect", () => {
                socket.destroy();
                resolve(true);
            });
            socket.once("error", () => resolve(false));
        });
        if (open) {
            return;
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`moto_server did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/**
 * Environment for an AWS client that can only reach `endpoint`. The aws CLI's own folder comes
 * first on PATH (findTool resolves a pyenv shim), so that the product's scripts, which call `aws`,
 * skip the shim's start-up too.
 */
export function awsClientEnv(endpoint: string): NodeJS.ProcessEnv {
    const empty = path.join(os.tmpdir(), "kops-iam-auth-empty-aws-config");
    fs.writeFileSync(empty, "");
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(env)) {
        if (key.startsWith("AWS_")) {
            delete env[key];
        }
    }
    const aws = findTool("aws");
    return {
        ...env,
        ...(aws ? { PATH: [path.dirname(aws), env.PATH ?? ""].join(path.delimiter) } : {}),
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_REGION: testRegion,
        AWS_DEFAULT_REGION: testRegion,
        AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        AWS_ENDPOINT_URL: endpoint,
        AWS_CONFIG_FILE: empty,
        AWS_SHARED_CREDENTIALS_FILE: empty,
    };
}

/** Starts moto_server (path from requireTool) on a free loopback port. */
export async function startMoto(motoServer: string): Promise<Moto> {
    const port = await freeLoopbackPort();
    const child = spawn(motoServer, ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d) => {
        stderr = (stderr + d).slice(-4000);
    });
    try {
        await waitForPort(port, 30000, child);
    } catch (err) {
        child.kill("SIGKILL");
        throw new Error(`${(err as Error).message}\n${stderr}`);
    }
    const endpoint = `http://127.0.0.1:${port}`;
    return {
        endpoint,
        env: awsClientEnv(endpoint),
        stop: () =>
            new Promise<void>((resolve) => {
                if (child.exitCode !== null) {
                    resolve();
                    return;
                }
                child.once("exit", () => resolve());
                child.kill("SIGTERM");
            }),
    };
}
